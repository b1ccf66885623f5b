import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModules } from '../../../src/modules/index.js';
import { createMetricsRegistry } from '../../../src/observability/metrics.js';
import { serveModules, type ServedModules } from '../../../src/server/gateway.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import {
  EXTERNAL_SUBGRAPH_SDL,
  startExternalSubgraph,
  warehouseNote,
  type ExternalSubgraph,
} from '../../helpers/external-subgraph.js';
import { authorizeCodat, linkSource } from '../commerce/helpers.js';
import { expectConnectionUpdatedThrough } from './connection-updates.js';
import { expectOrderStubsResolved, ORDER_FIELDS, type OrderJson } from './order-stubs.js';
import { installAndClaim } from '../shopline/helpers.js';

/**
 * The local federated mode (`npm run federation`): every domain its own subgraph, Hive Gateway
 * in front on the gateway's port, plus another team's subgraph that extends Order. Compared
 * with the whole gateway served over the same store and upstreams.
 */
type Orders = { commerce: { orders: { nodes: OrderJson[] } } };

const MERCHANT = 'm-federated';

describe('every domain as its own subgraph behind Hive Gateway', () => {
  let t: TestGateway;
  let external: ExternalSubgraph;
  let direct: ServedModules;
  const clients: Client[] = [];

  /** The whole gateway (as `npm start` serves it) over the federated mode's own services. */
  async function viaDirect<T>(query: string) {
    const res = await fetch(`${direct.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': t.keys.a },
      body: JSON.stringify({ query }),
    });
    return (await res.json()) as { data?: T; errors?: unknown[] };
  }

  beforeAll(async () => {
    external = await startExternalSubgraph();
    t = await startTestGateway({
      federated: {
        external: [{ name: 'warehouse', url: external.url, sdl: EXTERNAL_SUBGRAPH_SDL }],
      },
    });
    direct = await serveModules(
      { ...t.gateway.services, metricsRegistry: createMetricsRegistry() },
      createModules(),
      { port: 0, host: '127.0.0.1', start: false },
    );
    await linkSource(t, 'CODAT', 'Acme Goods', 'woocommerce');
    authorizeCodat(t);
    await installAndClaim(t, MERCHANT);
    // Four subgraph apps, the router, a store and a sandbox: a hook's time on a loaded machine.
  }, 180_000);
  afterAll(async () => {
    for (const c of clients) await c.dispose();
    await direct?.close();
    await t?.close();
    await external?.close();
  });

  it('answers commerce orders with customers and the external field as the whole gateway does, in one _entities call', async () => {
    const query = `{ commerce { orders(first: 50, filter: { sources: [CODAT] }) { nodes { ${ORDER_FIELDS} } } } }`;
    const same = await viaDirect<Orders>(query);
    expect(same.errors).toBeUndefined();
    external.entityCalls.length = 0;
    const routed = await t.graphql<Orders>(query.replace('customer {', 'warehouseNote customer {'));
    expect(routed.status).toBe(200);
    expect(routed.body.errors).toBeUndefined();
    const orders = routed.body.data!.commerce.orders.nodes;
    expect(orders).toHaveLength(50);
    expect(orders.map(({ warehouseNote: _, ...rest }) => rest)).toEqual(
      same.data!.commerce.orders.nodes,
    );
    for (const o of orders) expect(o.warehouseNote).toBe(warehouseNote(o.id));
    expect(orders.filter((o) => o.customer?.name).length).toBeGreaterThan(25);
    expect(external.entityCalls).toEqual([50]);
  });

  it('resolves Order stubs from the other subgraph in the commerce subgraph, in at most 3 Codat calls', async () => {
    const list = await viaDirect<Orders>(
      `{ commerce { orders(first: 10, filter: { sources: [CODAT] }) { nodes { ${ORDER_FIELDS} } } } }`,
    );
    await expectOrderStubsResolved(t, external, list.data!.commerce.orders.nodes, (query) =>
      t.graphql<{ flaggedOrders: OrderJson[] }>(query),
    );
  });

  it("resolves a SHOPLINE merchant's commerce link from the commerce subgraph", async () => {
    const routed = await t.graphql<{
      shoplineMerchants: {
        nodes: Array<{
          merchantId: string;
          commerceLink: { id: string; source: string; name: string } | null;
        }>;
      };
      commerce: { sources: Array<{ id: string; source: string; name: string }> };
    }>(
      `{ shoplineMerchants(first: 5) { nodes { merchantId commerceLink { id source name } } }
         commerce { sources { id source name } } }`,
    );
    expect(routed.body.errors).toBeUndefined();
    const link = routed.body.data!.commerce.sources.find((s) => s.source === 'SHOPLINE');
    expect(link).toMatchObject({ name: MERCHANT });
    // `source` and `name` exist only in the commerce subgraph: the router fetched them there.
    expect(routed.body.data!.shoplineMerchants.nodes).toEqual([
      { merchantId: MERCHANT, commerceLink: link },
    ]);
  });

  it("forwards credentials: another workspace's key gets no data, no key gets 401", async () => {
    const list = await t.graphql<Orders>(
      `{ commerce { orders(first: 3, filter: { sources: [CODAT] }) { nodes { ${ORDER_FIELDS} } } } }`,
    );
    const orders = list.body.data!.commerce.orders.nodes;
    external.flag(orders.map((o) => o.id));
    const other = await t.graphql<{ flaggedOrders: OrderJson[] | null }>(
      `{ flaggedOrders { id sourceId customer { name } } }`,
      {},
      { apiKey: t.keys.b },
    );
    expect(other.body.data ?? null).toBeNull();
    expect(other.body.errors?.map((e) => e.extensions?.['code'])).toContain('NOT_FOUND');
    const names = orders.flatMap((o) => (o.customer?.name ? [o.customer.name] : []));
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(JSON.stringify(other.body)).not.toContain(name);
    const own = await t.graphql<Orders>(
      `{ commerce { orders(first: 3) { nodes { sourceId } } } }`,
      {},
      {
        apiKey: t.keys.b,
      },
    );
    expect(own.body.data?.commerce.orders.nodes).toEqual([]);

    t.sandbox.server.resetStats();
    for (const apiKey of [null, 'cg_not_a_key']) {
      const refused = await t.graphql(
        `{ commerce { orders(first: 3) { nodes { sourceId } } } }`,
        {},
        {
          apiKey,
        },
      );
      expect(refused.status).toBe(401);
      expect(refused.body.data ?? null).toBeNull();
      expect(refused.body.errors?.map((e) => e.extensions?.['code'])).toEqual(['UNAUTHENTICATED']);
    }
    expect(t.sandbox.server.requestCount('codat')).toBe(0);
  });

  it('delivers connectionUpdated through Hive Gateway from the connections subgraph to a graphql-ws client', async () => {
    await expectConnectionUpdatedThrough(t, t.graphqlUrl.replace(/^http/, 'ws'), clients);
  });
});
