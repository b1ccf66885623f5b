import type { Client } from 'graphql-ws';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import {
  EXTERNAL_SUBGRAPH_SDL,
  startExternalSubgraph,
  warehouseNote,
  type ExternalSubgraph,
} from '../../helpers/external-subgraph.js';
import { startHiveGateway, type HiveGateway } from '../../helpers/hive-gateway.js';
import { authorizeCodat, linkSource } from '../commerce/helpers.js';
import { expectConnectionUpdatedThrough } from './connection-updates.js';
import { expectOrderStubsResolved, ORDER_FIELDS, type OrderJson } from './order-stubs.js';

/**
 * Hive Gateway (the router a platform team runs) in front of the whole gateway as one subgraph
 * and another team's subgraph that extends Order: queries cross the two, the router forwards our
 * auth headers, and subscriptions reach a graphql-ws client through it.
 */
const JWT_SECRET = 'a-test-signing-secret-of-32-chars!!';

describe('commerce-graph composed behind Hive Gateway', () => {
  let t: TestGateway;
  let external: ExternalSubgraph;
  let router: HiveGateway;
  const clients: Client[] = [];

  async function viaRouter<T>(
    query: string,
    headers: Record<string, string> = { 'x-api-key': t.keys.a },
  ): Promise<{
    status: number;
    body: { data?: T | null; errors?: Array<Record<string, unknown>> };
  }> {
    const res = await fetch(router.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
      body: JSON.stringify({ query }),
    });
    return { status: res.status, body: (await res.json()) as never };
  }

  beforeAll(async () => {
    t = await startTestGateway({ env: { JWT_SECRET } });
    await linkSource(t, 'CODAT', 'Acme Goods', 'woocommerce');
    authorizeCodat(t);
    external = await startExternalSubgraph();
    const sdl = await t.graphql<{ _service: { sdl: string } }>('{ _service { sdl } }');
    router = await startHiveGateway(
      [
        { name: 'commerce-graph', url: t.graphqlUrl, sdl: sdl.body.data!._service.sdl },
        { name: 'warehouse', url: external.url, sdl: EXTERNAL_SUBGRAPH_SDL },
      ],
      'commerce-graph',
    );
  });
  afterAll(async () => {
    for (const c of clients) await c.dispose();
    await router?.close();
    await external?.close();
    await t?.close();
  });

  it('answers a query across both subgraphs with the data the gateway gives directly, in one _entities call', async () => {
    const direct = await t.graphql<{ commerce: { orders: { nodes: OrderJson[] } } }>(
      `{ commerce { orders(first: 50) { nodes { ${ORDER_FIELDS} } } } }`,
    );
    external.entityCalls.length = 0;
    const routed = await viaRouter<{ commerce: { orders: { nodes: OrderJson[] } } }>(
      `{ commerce { orders(first: 50) { nodes { ${ORDER_FIELDS} warehouseNote } } } }`,
    );
    expect(routed.body.errors).toBeUndefined();
    const orders = routed.body.data!.commerce.orders.nodes;
    expect(orders).toHaveLength(50);
    expect(orders.map(({ warehouseNote: _, ...rest }) => rest)).toEqual(
      direct.body.data!.commerce.orders.nodes,
    );
    for (const o of orders) expect(o.warehouseNote).toBe(warehouseNote(o.id));
    expect(orders.filter((o) => o.customer?.name).length).toBeGreaterThan(25);
    // The router batches the 50 orders into one fetch of the other subgraph.
    expect(external.entityCalls).toEqual([50]);
  });

  it('resolves Order stubs from the other subgraph through _entities in at most 3 Codat calls', async () => {
    const list = await t.graphql<{ commerce: { orders: { nodes: OrderJson[] } } }>(
      `{ commerce { orders(first: 10) { nodes { ${ORDER_FIELDS} } } } }`,
    );
    await expectOrderStubsResolved(t, external, list.body.data!.commerce.orders.nodes, (query) =>
      viaRouter<{ flaggedOrders: OrderJson[] }>(query),
    );
  });

  it('forwards the Authorization header as well as x-api-key', async () => {
    const token = await new SignJWT({ workspace: 'ws-a' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('router-user')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(JWT_SECRET));
    const routed = await viaRouter<{
      viewer: { workspace: { handle: string }; principal: { kind: string } };
    }>('{ viewer { workspace { handle } principal { kind } } }', {
      authorization: `Bearer ${token}`,
    });
    expect(routed.body.errors).toBeUndefined();
    expect(routed.body.data!.viewer).toEqual({
      workspace: { handle: 'ws-a' },
      principal: { kind: 'JWT' },
    });
  });

  it("gives another workspace's key no data for these entities", async () => {
    const list = await t.graphql<{ commerce: { orders: { nodes: OrderJson[] } } }>(
      `{ commerce { orders(first: 3) { nodes { ${ORDER_FIELDS} } } } }`,
    );
    const orders = list.body.data!.commerce.orders.nodes;
    external.flag(orders.map((o) => o.id));
    const routed = await viaRouter<{ flaggedOrders: OrderJson[] | null }>(
      `{ flaggedOrders { id sourceId customer { name } } }`,
      { 'x-api-key': t.keys.b },
    );
    // The errors name the ids the caller sent; no field of the records comes back.
    expect(routed.body.data ?? null).toBeNull();
    expect(routed.body.errors?.map((e) => (e['extensions'] as { code?: string }).code)).toContain(
      'NOT_FOUND',
    );
    const names = orders.flatMap((o) => (o.customer?.name ? [o.customer.name] : []));
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(JSON.stringify(routed.body)).not.toContain(name);
    const own = await viaRouter<{ commerce: { orders: { nodes: OrderJson[] } } }>(
      `{ commerce { orders(first: 3) { nodes { sourceId } } } }`,
      { 'x-api-key': t.keys.b },
    );
    expect(own.body.data?.commerce.orders.nodes).toEqual([]);
  });

  it('refuses a request without credentials: 401 from the subgraph, no data', async () => {
    t.sandbox.server.resetStats();
    router.subgraphResponses.length = 0;
    const routed = await viaRouter<unknown>(
      `{ commerce { orders(first: 3) { nodes { sourceId } } } }`,
      {},
    );
    expect(routed.body.data ?? null).toBeNull();
    expect(routed.body.errors?.map((e) => e['extensions'])).toEqual([
      { code: 'UNAUTHENTICATED', serviceName: 'commerce-graph' },
    ]);
    expect(router.subgraphResponses).toEqual([{ subgraph: 'commerce-graph', status: 401 }]);
    expect(t.sandbox.server.requestCount('codat')).toBe(0);
  });

  it('delivers connectionUpdated through the router to a graphql-ws client', async () => {
    await expectConnectionUpdatedThrough(t, router.url.replace(/^http/, 'ws'), clients);
  });
});
