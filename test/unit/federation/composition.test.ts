import { composeServices as composeWithApollo } from '@apollo/composition';
import {
  composeServices as composeWithGuild,
  compositionHasErrors,
} from '@theguild/federation-composition';
import { buildSchema as buildGraphQLSchema, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createModules } from '../../../src/modules/index.js';
import { buildFederatedSchema, printSubgraphSdl } from '../../../src/server/federation.js';
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
