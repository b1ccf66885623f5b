import { composeServices as composeWithApollo } from '@apollo/composition';
import {
  composeServices as composeWithGuild,
  compositionHasErrors,
} from '@theguild/federation-composition';
import { buildSchema as buildGraphQLSchema, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { DOMAINS, createModuleSet, createModules } from '../../../src/modules/index.js';
import {
  buildFederatedSchema,
  buildServedSchema,
  printSubgraphSdl,
} from '../../../src/server/federation.js';
import { buildSchema } from '../../../src/server/schema.js';
import { EXTERNAL_SUBGRAPH_SDL } from '../../helpers/external-subgraph.js';

function gatewaySubgraphSdl(): string {
  const modules = createModules();
  return printSubgraphSdl(buildFederatedSchema(buildSchema(modules), modules, 1));
}

const subgraphs = () => [
  { name: 'commerce-graph', url: 'http://commerce-graph/graphql', sdl: gatewaySubgraphSdl() },
  { name: 'warehouse', url: 'http://warehouse/graphql', sdl: EXTERNAL_SUBGRAPH_SDL },
];

/** The API a client of the supergraph sees: the supergraph with its join/link machinery. */
function orderFields(supergraphSdl: string): string[] {
  const api = buildGraphQLSchema(supergraphSdl, { assumeValidSDL: true });
  const order = api.getType('Order') as unknown as { getFields(): Record<string, unknown> };
  return Object.keys(order.getFields());
}

describe('composing the gateway into a supergraph', () => {
  it("composes with an external subgraph extending Order under Apollo's composer", () => {
    const result = composeWithApollo(
      subgraphs().map(({ name, url, sdl }) => ({ name, url, typeDefs: parse(sdl) })),
    );
    expect(result.errors?.map((e) => e.message) ?? []).toEqual([]);
    const fields = orderFields(result.supergraphSdl!);
    expect(fields).toEqual(expect.arrayContaining(['id', 'customer', 'warehouseNote']));
  });

  it("composes with an external subgraph extending Order under The Guild's composer", () => {
    const result = composeWithGuild(
      subgraphs().map(({ name, url, sdl }) => ({ name, url, typeDefs: parse(sdl) })),
    );
    expect(compositionHasErrors(result) ? result.errors.map((e) => e.message) : []).toEqual([]);
    const supergraphSdl = compositionHasErrors(result) ? '' : result.supergraphSdl;
    const fields = orderFields(supergraphSdl);
    expect(fields).toEqual(expect.arrayContaining(['id', 'customer', 'warehouseNote']));
  });

  it('fails to compose once an entity loses its key, so the checks above can fail', () => {
    const withoutKey = gatewaySubgraphSdl().replace(
      /(type Order implements[^{]*?)\s*@key\(fields: "id"\)/,
      '$1',
    );
    expect(withoutKey).not.toBe(gatewaySubgraphSdl());
    const apollo = composeWithApollo([
      { name: 'commerce-graph', url: 'http://a', typeDefs: parse(withoutKey) },
      { name: 'warehouse', url: 'http://b', typeDefs: parse(EXTERNAL_SUBGRAPH_SDL) },
    ]);
    expect(apollo.errors?.length ?? 0).toBeGreaterThan(0);
    const guild = composeWithGuild([
      { name: 'commerce-graph', url: 'http://a', typeDefs: parse(withoutKey) },
      { name: 'warehouse', url: 'http://b', typeDefs: parse(EXTERNAL_SUBGRAPH_SDL) },
    ]);
    expect(compositionHasErrors(guild)).toBe(true);
  });
});

/** Each domain served alone, plus the warehouse subgraph: what `npm run federation` composes. */
const domainSubgraphs = () => [
  ...DOMAINS.map((domain) => ({
    name: domain,
    url: `http://${domain}/graphql`,
    sdl: printSubgraphSdl(buildServedSchema(createModuleSet([domain]).modules, 1)),
  })),
  { name: 'warehouse', url: 'http://warehouse/graphql', sdl: EXTERNAL_SUBGRAPH_SDL },
];

describe('composing the domain subgraphs into a supergraph', () => {
  const inputs = () =>
    domainSubgraphs().map(({ name, url, sdl }) => ({ name, url, typeDefs: parse(sdl) }));

  it("composes the four domains and the warehouse with 0 errors under Apollo's composer", () => {
    const result = composeWithApollo(inputs());
    expect(result.errors?.map((e) => e.message) ?? []).toEqual([]);
    expect(orderFields(result.supergraphSdl!)).toEqual(
      expect.arrayContaining(['id', 'customer', 'warehouseNote']),
    );
  });

  it("composes the four domains and the warehouse with 0 errors under The Guild's composer", () => {
    const result = composeWithGuild(inputs());
    expect(compositionHasErrors(result) ? result.errors.map((e) => e.message) : []).toEqual([]);
    const api = buildGraphQLSchema(compositionHasErrors(result) ? '' : result.supergraphSdl, {
      assumeValidSDL: true,
    });
    expect(Object.keys(orderFieldsOf(api, 'Order'))).toEqual(
      expect.arrayContaining(['id', 'customer', 'warehouseNote']),
    );
    // The SHOPLINE merchant's store is a CommerceLink with every field the commerce domain has.
    expect(Object.keys(orderFieldsOf(api, 'CommerceLink'))).toEqual(
      expect.arrayContaining(['id', 'source', 'status', 'name']),
    );
    expect(Object.keys(api.getQueryType()!.getFields())).toEqual(
      expect.arrayContaining(['viewer', 'commerce', 'shoplineMerchants', 'connections']),
    );
  });

  it('serves each domain alone: its own root fields, viewer shared, node and nodes left out', () => {
    const byName = new Map(domainSubgraphs().map((s) => [s.name, s.sdl]));
    const shopline = byName.get('shopline')!;
    expect(shopline).toMatch(/type CommerceLink\s+@key\(fields: "id", resolvable: false\)/);
    expect(shopline).not.toMatch(/\bcommerce: CommerceQuery/);
    for (const domain of DOMAINS) {
      const sdl = byName.get(domain)!;
      expect(sdl).toMatch(/viewer: Viewer! @shareable/);
      expect(sdl).not.toMatch(/^\s+nodes?\(/m);
    }
    expect(byName.get('commerce')).not.toMatch(/type ShoplineMerchant/);
  });
});

function orderFieldsOf(
  api: ReturnType<typeof buildGraphQLSchema>,
  type: string,
): Record<string, unknown> {
  return (api.getType(type) as unknown as { getFields(): Record<string, unknown> }).getFields();
}
