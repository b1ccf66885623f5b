import { readFileSync } from 'node:fs';
import { Kind, parse, type ObjectTypeDefinitionNode } from 'graphql';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { authorizeCodat, linkSource } from '../commerce/helpers.js';
import { START, type StartResult } from '../connections/fixtures.js';

const ROOT = new URL('../../../', import.meta.url);

const ENTITIES = `query ($representations: [_Any!]!) {
  _entities(representations: $representations) {
    __typename
    ... on Order { id sourceId customer { id name } }
  }
}`;

const NODES = `query ($ids: [ID!]!) {
  nodes(ids: $ids) { __typename ... on Order { id sourceId customer { id name } } }
}`;

type OrderData = { __typename: string; id: string; sourceId: string; customer: unknown } | null;

function objectTypes(sdl: string): ObjectTypeDefinitionNode[] {
  return parse(sdl).definitions.filter(
    (d): d is ObjectTypeDefinitionNode => d.kind === Kind.OBJECT_TYPE_DEFINITION,
  );
}

describe('the gateway as a Federation v2 subgraph', () => {
  let t: TestGateway;
  let orderIds: string[];

  beforeAll(async () => {
    t = await startTestGateway();
    await linkSource(t, 'CODAT', 'Acme Goods', 'woocommerce');
    authorizeCodat(t);
    const list = await t.graphql<{ commerce: { orders: { nodes: Array<{ id: string }> } } }>(
      `{ commerce { orders(first: 50) { nodes { id } } } }`,
    );
    expect(list.body.errors).toBeUndefined();
    orderIds = list.body.data!.commerce.orders.nodes.map((o) => o.id);
    expect(orderIds).toHaveLength(50);
  });
  afterAll(() => t?.close());

  it('answers _service.sdl with the committed subgraph.graphql: every Node an entity keyed by id', async () => {
    const res = await t.graphql<{ _service: { sdl: string } }>(`{ _service { sdl } }`);
    expect(res.body.errors).toBeUndefined();
    const sdl = res.body.data!._service.sdl;
    expect(`${sdl.trimEnd()}\n`).toBe(readFileSync(new URL('subgraph.graphql', ROOT), 'utf8'));
    expect(sdl).toMatch(/@link\(url: "https:\/\/specs\.apollo\.dev\/federation\/v2\.9"/);
    const types = objectTypes(sdl);
    const nodeTypes = types.filter((d) => d.interfaces?.some((i) => i.name.value === 'Node'));
    expect(nodeTypes.map((d) => d.name.value)).toEqual(
      expect.arrayContaining([
        'Order',
        'Customer',
        'Product',
        'Payment',
        'Transaction',
        'Dispute',
        'Location',
        'CommerceLink',
        'Connection',
        'Integration',
        'Workflow',
        'WorkflowTrigger',
        'ShoplineMerchant',
      ]),
    );
    for (const type of nodeTypes) {
      const keys = (type.directives ?? []).filter((d) => d.name.value === 'key');
      expect(keys, type.name.value).toHaveLength(1);
      const fields = keys[0]!.arguments?.find((a) => a.name.value === 'fields')?.value;
      expect(fields, type.name.value).toMatchObject({ kind: Kind.STRING, value: 'id' });
    }
    for (const name of ['PageInfo', 'Money', 'Address', 'UserError']) {
      const type = types.find((d) => d.name.value === name)!;
      expect(
        type.directives?.map((d) => d.name.value),
        name,
      ).toContain('shareable');
    }
  });

  it('keeps federation out of the client schema frontends generate types from', () => {
    const clientSdl = readFileSync(new URL('schema.graphql', ROOT), 'utf8');
    expect(clientSdl).not.toMatch(/_entities|_service|_Any|@key|@link|@shareable/);
  });

  it('resolves 50 Order representations with customers in the same upstream calls as nodes(ids:)', async () => {
    const representations = orderIds.map((id) => ({ __typename: 'Order', id }));
    t.sandbox.server.resetStats();
    const viaEntities = await t.graphql<{ _entities: OrderData[] }>(ENTITIES, { representations });
    const entityCalls = t.sandbox.server.requests('codat').map((r) => r.path.split('?')[0]);
    t.sandbox.server.resetStats();
    const viaNodes = await t.graphql<{ nodes: OrderData[] }>(NODES, { ids: orderIds });
    const nodeCalls = t.sandbox.server.requests('codat').map((r) => r.path.split('?')[0]);

    expect(viaEntities.body.errors).toBeUndefined();
    expect(viaNodes.body.errors).toBeUndefined();
    expect(viaEntities.body.data!._entities).toEqual(viaNodes.body.data!.nodes);
    expect(viaEntities.body.data!._entities.map((o) => o?.id)).toEqual(orderIds);
    const withCustomer = viaEntities.body.data!._entities.filter((o) => o?.customer);
    expect(withCustomer.length).toBeGreaterThan(25);
    // One call per dataset (orders, customers), never one per entity.
    expect(entityCalls.length).toBeLessThanOrEqual(3);
    expect(entityCalls.sort()).toEqual(nodeCalls.sort());
  });

  it("answers another workspace's representations with null and NOT_FOUND, never data", async () => {
    const representations = orderIds.slice(0, 5).map((id) => ({ __typename: 'Order', id }));
    const res = await t.graphql<{ _entities: OrderData[] }>(
      ENTITIES,
      { representations },
      { apiKey: t.keys.b },
    );
    expect(res.body.data!._entities).toEqual([null, null, null, null, null]);
    expect(res.body.errors).toHaveLength(5);
    for (const [i, error] of (res.body.errors ?? []).entries()) {
      expect(error.path).toEqual(['_entities', i]);
      expect(error.extensions?.['code']).toBe('NOT_FOUND');
    }
  });

  it('refuses a representation whose __typename does not match its id, or that is no entity', async () => {
    const res = await t.graphql<{ _entities: unknown[] }>(
      `query ($representations: [_Any!]!) { _entities(representations: $representations) { __typename } }`,
      {
        representations: [
          { __typename: 'Customer', id: orderIds[0] },
          { __typename: 'Money', id: orderIds[0] },
          { __typename: 'Order' },
          { __typename: 'Order', id: orderIds[1] },
        ],
      },
    );
    expect(res.body.data!._entities).toEqual([null, null, null, { __typename: 'Order' }]);
    const errors = res.body.errors?.map((e) => [e.path, e.extensions?.['code']]);
    expect(errors?.sort((a, b) => String(a[0]).localeCompare(String(b[0])))).toEqual([
      [['_entities', 0], 'NOT_FOUND'],
      [['_entities', 1], 'BAD_USER_INPUT'],
      [['_entities', 2], 'BAD_USER_INPUT'],
    ]);
  });

  it('bounds how many representations one call may resolve, before any upstream call', async () => {
    t.sandbox.server.resetStats();
    const representations = Array.from({ length: 501 }, () => ({
      __typename: 'Order',
      id: orderIds[0],
    }));
    const res = await t.graphql<{ _entities: unknown }>(ENTITIES, { representations });
    expect(res.body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(res.body.errors?.[0]?.message).toMatch(/at most 500/);
    expect(t.sandbox.server.requestCount('codat')).toBe(0);
  });

  it('answers 401 without credentials, _service and _entities alike', async () => {
    for (const query of [`{ _service { sdl } }`, ENTITIES]) {
      const res = await t.graphql(
        query,
        { representations: [{ __typename: 'Order', id: orderIds[0] }] },
        { apiKey: null },
      );
      expect(res.status).toBe(401);
      expect(res.body.data).toBeUndefined();
      expect(res.body.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    }
  });

  it('authenticates a subscription socket by the upgrade request headers a router propagates', async () => {
    /** A socket opened as a router does: credentials on the handshake, none in connectionParams. */
    const socketWith = (headers: Record<string, string>) =>
      class extends WebSocket {
        constructor(url: string, protocols?: string | string[]) {
          super(url, protocols, { headers });
        }
      };
    const subscribe = (headers: Record<string, string>) => {
      const client = createClient({
        url: t.graphqlUrl.replace(/^http/, 'ws'),
        webSocketImpl: socketWith(headers),
        retryAttempts: 0,
      });
      const state = { ids: [] as string[], closedWith: undefined as unknown };
      client.subscribe<{ connectionUpdated: { id: string } }>(
        { query: 'subscription { connectionUpdated { id } }' },
        {
          next: (m) => m.data && state.ids.push(m.data.connectionUpdated.id),
          error: (e) => (state.closedWith = (e as { code?: number }).code ?? e),
          complete: () => undefined,
        },
      );
      return { client, state };
    };
    const withKey = subscribe({ 'x-api-key': t.keys.a });
    const without = subscribe({});
    try {
      await expect
        .poll(
          async () => {
            if (withKey.state.ids.length === 0)
              await t.graphql<StartResult>(START, {
                input: { name: 'Router socket', integrationType: 'ETSY' },
              });
            return withKey.state.ids.length;
          },
          { timeout: 10_000, interval: 200 },
        )
        .toBeGreaterThan(0);
      await expect.poll(() => without.state.closedWith, { timeout: 10_000 }).toBe(4403);
      expect(without.state.ids).toEqual([]);
    } finally {
      await withKey.client.dispose();
      await without.client.dispose();
    }
  });
});
