import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NO_FAULTS } from '../../../src/sandbox/framework.js';
import {
  startTestGateway,
  startTwoReplicas,
  type TestGateway,
  type TwoReplicas,
} from '../../helpers/gateway.js';
import { postgresAvailable, redisAvailable } from '../../helpers/services.js';
import { authorizeCodat, authorizeQard, linkSource, syncLink } from './helpers.js';
import { until } from '../../helpers/wait.js';

/**
 * The cross-request record cache (COMMERCE_CACHE_MB) over one Codat link, driven over HTTP: what
 * it answers without the upstream, when it asks the upstream again, and that its answers are the
 * upstream's.
 */

const ORDERS = `query ($first: Int!) { commerce { orders(first: $first) {
  nodes { id sourceId orderNumber totalAmount { amount currencyCode } customer { sourceId name } lineItems { product { sourceId name } } }
  totalCount
} } }`;

interface OrdersData {
  commerce: {
    orders: {
      nodes: Array<{
        id: string;
        sourceId: string;
        customer: { sourceId: string; name: string | null } | null;
        lineItems: Array<{ product: { sourceId: string; name: string | null } | null }>;
      }>;
      totalCount: number | null;
    } | null;
  };
}

/** Codat calls a query made, by kind: commerce data (by dataset) and sync status. */
async function callsOf<T>(t: TestGateway, run: () => Promise<T>) {
  t.sandbox.server.resetStats();
  const result = await run();
  const paths = t.sandbox.server.requests('codat').map((r) => r.path);
  return {
    result,
    data: paths.filter((p) => p.includes('/data/commerce-')),
    status: paths.filter((p) => p.endsWith('/dataStatus')),
  };
}

describe('commerce record cache over one Codat link', () => {
  let t: TestGateway;
  let companyId: string;
  let linkId: string;

  beforeAll(async () => {
    t = await startTestGateway({ env: { COMMERCE_CACHE_MB: '16' } });
    linkId = (await linkSource(t, 'CODAT', 'Acme Goods', 'woocommerce')).id;
    companyId = authorizeCodat(t);
  });
  afterAll(() => t?.close());
  afterEach(() => t.sandbox.server.setKnobs('codat', NO_FAULTS));

  it('answers a repeated list without an upstream call, with the upstream’s data', async () => {
    const first = await callsOf(t, () => t.graphql<OrdersData>(ORDERS, { first: 50 }));
    expect(first.result.body.errors).toBeUndefined();
    expect(first.data).toHaveLength(3);
    expect(first.status).toHaveLength(1);

    const second = await callsOf(t, () => t.graphql<OrdersData>(ORDERS, { first: 50 }));
    expect(second.result.body).toEqual(first.result.body);
    expect(second.data).toEqual([]);
    expect(second.status).toEqual([]);

    const orders = second.result.body.data!.commerce.orders!;
    expect(orders.nodes).toHaveLength(50);
    expect(orders.totalCount).toBe(t.sandbox.codat.data(companyId).lists['commerce-orders'].length);
    const reference = new Map(
      t.sandbox.codat.data(companyId).lists['commerce-products'].map((p) => [p.id, p['name']]),
    );
    const lines = orders.nodes.flatMap((n) => n.lineItems).filter((l) => l.product);
    expect(lines.length).toBeGreaterThan(25);
    for (const line of lines)
      expect(line.product!.name).toBe(reference.get(line.product!.sourceId));
  });

  it('answers node(id) of a record a list read, and its relations, from the cache', async () => {
    const list = await t.graphql<OrdersData>(ORDERS, { first: 50 });
    const order = list.body.data!.commerce.orders!.nodes.find((n) => n.customer)!;
    const single = await callsOf(t, () =>
      t.graphql<{ node: { sourceId: string; customer: { name: string } } }>(
        `query ($id: ID!) { node(id: $id) { ... on Order { sourceId customer { name } } } }`,
        { id: order.id },
      ),
    );
    expect(single.result.body.errors).toBeUndefined();
    expect(single.result.body.data!.node).toEqual({
      sourceId: order.sourceId,
      customer: { name: order.customer!.name },
    });
    expect(single.data).toEqual([]);
  });

  it('looks up only the ids it does not hold', async () => {
    await t.graphql<OrdersData>(ORDERS, { first: 50 });
    const held50 = await callsOf(t, () =>
      t.graphql<OrdersData>(
        `{ commerce { orders(first: 50) { nodes { customer { sourceId } } } } }`,
      ),
    );
    expect(held50.result.body.errors).toBeUndefined();
    expect(held50.data).toEqual([]);
    const held = new Set(
      held50.result.body.data!.commerce.orders!.nodes.flatMap((n) =>
        n.customer ? [n.customer.sourceId] : [],
      ),
    );
    // A 60-order page is not held, nor the customers of its 10 oldest orders that the 50 lack.
    const larger = await callsOf(t, () =>
      t.graphql<OrdersData>(
        `{ commerce { orders(first: 60) { nodes { customer { sourceId name } } } } }`,
      ),
    );
    expect(larger.result.body.errors).toBeUndefined();
    const customerCalls = larger.data.filter((p) => p.includes('/data/commerce-customers'));
    expect(customerCalls.length).toBeLessThanOrEqual(1);
    const asked = customerCalls.flatMap((p) =>
      [
        ...decodeURIComponent(new URL(p, 'http://x').searchParams.get('query') ?? '').matchAll(
          /id=([^|]+)/g,
        ),
      ].map((m) => m[1]!),
    );
    for (const id of asked) expect(held.has(id)).toBe(false);
    const nodes = larger.result.body.data!.commerce.orders!.nodes;
    expect(nodes).toHaveLength(60);
    const names = new Map(
      t.sandbox.codat
        .data(companyId)
        .lists['commerce-customers'].map((c) => [c.id, c['customerName']]),
    );
    const customers = nodes.flatMap((n) => (n.customer ? [n.customer] : []));
    expect(customers.length).toBeGreaterThan(30);
    for (const c of customers) expect(c.name).toBe(names.get(c.sourceId));
  });

  it('keeps no failure: an upstream error is reported, and the next request asks again', async () => {
    t.sandbox.server.setKnobs('codat', { errorRate: 1 });
    const failed = await t.graphql<OrdersData>(ORDERS, { first: 13 });
    expect(failed.body.errors?.[0]?.extensions?.['code']).toMatch(/^UPSTREAM_/);
    t.sandbox.server.setKnobs('codat', NO_FAULTS);
    const recovered = await callsOf(t, () => t.graphql<OrdersData>(ORDERS, { first: 13 }));
    expect(recovered.result.body.errors).toBeUndefined();
    expect(recovered.result.body.data!.commerce.orders!.nodes).toHaveLength(13);
    expect(recovered.data.length).toBeGreaterThan(0);
  });

  it('sees a sync requested through the gateway at once, and reads the new sync afresh', async () => {
    await t.graphql<OrdersData>(ORDERS, { first: 50 });
    await syncLink(t, linkId);
    // While the sync runs, the upstream says the data is not ready, and so does the gateway.
    const during = await t.graphql<OrdersData>(ORDERS, { first: 50 });
    expect(during.body.errors?.[0]?.extensions?.['code']).toBe('DATA_NOT_READY');

    t.sandbox.codat.completeSync(companyId);
    // A client that polls the sync status until it completes lets the cache see the new sync.
    const status = await t.graphql<{
      commerce: { sources: Array<{ syncStatus: Array<{ dataType: string; state: string }> }> };
    }>(`{ commerce { sources { syncStatus { dataType state } } } }`);
    const orders = status.body.data!.commerce.sources[0]!.syncStatus.find(
      (s) => s.dataType === 'ORDERS',
    );
    expect(orders?.state).toBe('COMPLETE');
    const after = await callsOf(t, () => t.graphql<OrdersData>(ORDERS, { first: 50 }));
    expect(after.result.body.errors).toBeUndefined();
    expect(after.data).toHaveLength(3);
    const again = await callsOf(t, () => t.graphql<OrdersData>(ORDERS, { first: 50 }));
    expect(again.data).toEqual([]);
    expect(again.result.body).toEqual(after.result.body);
  });

  it('never answers one workspace with another’s records', async () => {
    const list = await t.graphql<OrdersData>(ORDERS, { first: 5 });
    const order = list.body.data!.commerce.orders!.nodes[0]!;
    const foreign = await callsOf(t, () =>
      t.graphql<{ node: unknown; commerce: { orders: { nodes: unknown[] } } }>(
        `query ($id: ID!) { node(id: $id) { id } commerce { orders(first: 5) { nodes { id } } } }`,
        { id: order.id },
        { apiKey: t.keys.b },
      ),
    );
    expect(foreign.result.body.data?.node ?? null).toBeNull();
    expect(foreign.result.body.data?.commerce.orders.nodes).toEqual([]);
    expect(foreign.data).toEqual([]);
  });

  it('reports its use on /metrics', async () => {
    const text = await (await fetch(`${t.url}/metrics`)).text();
    const hits = Number(/commerce_cache_lookups_total\{outcome="hit"\} (\d+)/.exec(text)?.[1]);
    const bytes = Number(/commerce_cache_bytes (\d+)/.exec(text)?.[1]);
    expect(hits).toBeGreaterThan(0);
    expect(bytes).toBeGreaterThan(0);
    expect(bytes).toBeLessThanOrEqual(16 * 1024 * 1024);
  });
});

describe('commerce record cache: a sync completed at the upstream', () => {
  let t: TestGateway;
  let companyId: string;

  beforeAll(async () => {
    // Status read again on every request's background check.
    t = await startTestGateway({
      env: { COMMERCE_CACHE_MB: '16', COMMERCE_CACHE_SYNC_CHECK_SECONDS: '0' },
    });
    await linkSource(t, 'CODAT', 'Acme Goods', 'woocommerce');
    companyId = authorizeCodat(t);
  });
  afterAll(() => t?.close());

  it('serves the held sync until a status read shows the new one, then reads it', async () => {
    const query = `{ commerce { orders(first: 20) { nodes { sourceId customer { name } } } } }`;
    const first = await t.graphql<OrdersData>(query);
    expect(first.body.errors).toBeUndefined();
    t.sandbox.codat.startSync(companyId);
    t.sandbox.codat.completeSync(companyId);

    // Known links never wait on their status: this answer is the held sync's, and it starts a read.
    const stale = await callsOf(t, () => t.graphql<OrdersData>(query));
    expect(stale.data).toEqual([]);
    expect(stale.result.body).toEqual(first.body);

    // Until the background status read lands, each answer is still the held sync's, without a
    // data call; the first one after it reads the new sync from Codat.
    let fresh: Awaited<ReturnType<typeof callsOf<unknown>>> | undefined;
    await until(async () => {
      const reply = await callsOf(t, () => t.graphql<OrdersData>(query));
      if (reply.data.length === 0) expect(reply.result.body).toEqual(first.body);
      fresh = reply;
      return reply.data.length > 0;
    }, 'a query to read the sync the status read found');
    expect(fresh?.data.length).toBe(2);
    expect(fresh?.result).toMatchObject({ body: first.body });
  });
});

describe('commerce record cache over a Codat and a Qard link, merged', () => {
  let t: TestGateway;
  let codatCompany: string;
  let qardUser: string;

  beforeAll(async () => {
    // Room for every record of both stores (their pages and lookups: ~25 MB by the cache's
    // estimate), so that nothing is evicted between the two passes.
    t = await startTestGateway({ env: { COMMERCE_CACHE_MB: '128' } });
    await linkSource(t, 'CODAT', 'Merged Codat', 'shopify');
    codatCompany = authorizeCodat(t);
    const configured = await t.gateway.services.commerce.qardProviders.configure({
      provider: 'shopify',
      credentials: { clientId: 'app-key', clientSecret: 'app-secret' },
      autoConnect: true,
      enabled: true,
    });
    expect(configured).toHaveProperty('ok');
    const qard = await linkSource(t, 'QARD', 'Merged Qard', 'shopify');
    qardUser = authorizeQard(t).userId;
    await syncLink(t, qard.id);
    t.sandbox.qard.completeSync(qardUser);
    // The gateway polls Qard until it sees the sync end, and then drops the link's cached
    // records: let that happen before the passes that count calls.
    await until(
      () => t.gateway.services.commerce.syncsWatched === 0,
      'the Qard poll to see its sync end',
      { timeoutMs: 20_000 },
    );
  });
  afterAll(() => t?.close());

  /** Every order, page by page in mixed sizes, with the Codat and Qard calls it took. */
  async function pageThrough(): Promise<{ ids: string[]; calls: number }> {
    const sizes = [50, 7, 133, 1, 250];
    const ids: string[] = [];
    let after: string | null = null;
    t.sandbox.server.resetStats();
    for (let i = 0; i < 500; i += 1) {
      const res: {
        body: {
          data?: {
            commerce: {
              orders: {
                nodes: Array<{ id: string; customer: { name: string | null } | null }>;
                pageInfo: { hasNextPage: boolean; endCursor: string | null };
              };
            };
          } | null;
          errors?: unknown[];
        };
      } = await t.graphql(
        `query ($first: Int, $after: String) { commerce { orders(first: $first, after: $after) {
          nodes { id customer { name } lineItems { product { name } } } pageInfo { hasNextPage endCursor }
        } } }`,
        { first: sizes[i % sizes.length], after },
      );
      expect(res.body.errors).toBeUndefined();
      const page = res.body.data!.commerce.orders;
      ids.push(...page.nodes.map((n) => n.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    const calls = t.sandbox.server.requestCount('codat') + t.sandbox.server.requestCount('qard');
    return { ids, calls };
  }

  it('pages through every order exactly once, and again from the cache without a call', async () => {
    const expected =
      t.sandbox.codat.data(codatCompany).lists['commerce-orders'].length +
      t.sandbox.qard.data(qardUser)['commerce-orders'].length;
    const cold = await pageThrough();
    expect(new Set(cold.ids).size).toBe(expected);
    expect(cold.ids).toHaveLength(expected);
    expect(cold.calls).toBeGreaterThan(0);

    const warm = await pageThrough();
    expect(warm.ids).toEqual(cold.ids);
    expect(warm.calls).toBe(0);
  });
});

const shared = (await postgresAvailable()) && (await redisAvailable());

describe.skipIf(!shared)('commerce record cache on two replicas (PostgreSQL + Redis)', () => {
  let replicas: TwoReplicas;
  let a: TestGateway;
  let b: TestGateway;

  beforeAll(async () => {
    replicas = await startTwoReplicas({ seed: 5, env: { COMMERCE_CACHE_MB: '16' } });
    ({ a, b } = replicas);
  });
  afterAll(() => replicas?.close());

  it('drops a link’s records on every replica when a sync is requested through one', async () => {
    const link = await linkSource(a, 'CODAT', 'Shared Store');
    authorizeCodat(a);
    const query = `{ commerce { orders(first: 10) { nodes { sourceId customer { name } } } } }`;
    const first = await b.graphql<OrdersData>(query, undefined, { apiKey: a.keys.a });
    expect(first.body.errors).toBeUndefined();
    const held = await callsOf(b, () =>
      b.graphql<OrdersData>(query, undefined, { apiKey: a.keys.a }),
    );
    expect(held.data).toEqual([]);

    await syncLink(a, link.id);
    // Replica B hears of it over Redis and asks the upstream, which says the sync is running.
    // Until it hears, B answers from its held records, without an error.
    await until(async () => {
      const res = await b.graphql<OrdersData>(query, undefined, { apiKey: a.keys.a });
      const code = res.body.errors?.[0]?.extensions?.['code'];
      if (code === undefined) expect(res.body).toEqual(first.body);
      return code === 'DATA_NOT_READY';
    }, 'replica B to read the link again and find its sync running');
  });
});
