import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { authorizeCodat, authorizeQard, linkSource, syncLink } from './helpers.js';

interface Page {
  edges: Array<{ cursor: string; node: { id: string; source: string; createdAt: string } }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  sourceErrors: Array<{ id: string }>;
}

const ORDERS = `query ($first: Int, $after: String, $filter: CommerceRecordFilter) {
  commerce { orders(first: $first, after: $after, filter: $filter) {
    edges { cursor node { id source createdAt } }
    pageInfo { hasNextPage endCursor }
    sourceErrors { id }
  } }
}`;

const CONFIGURE = `mutation ($input: ConfigureQardProviderInput!) {
  configureQardProvider(input: $input) { configuration { provider enabled autoConnect credentialsSet credentialsUpdatedAt } userErrors { field code } }
}`;

describe('commerce merged across a Codat and a Qard link', () => {
  let t: TestGateway;
  let qardLinkId: string;
  let codatCompany: string;
  let qardUser: string;
  const secret = 'shpss_0123456789abcdef-very-secret';

  beforeAll(async () => {
    t = await startTestGateway();
    await linkSource(t, 'CODAT', 'Merged Codat', 'shopify');
    codatCompany = authorizeCodat(t);
  });
  afterAll(() => t?.close());

  it("refuses every workspace key Qard's deployment-wide provider settings; the operator's settings never show or log the credentials", async () => {
    const input = {
      provider: 'shopify',
      credentials: { clientId: 'app-key-1', clientSecret: secret },
      autoConnect: true,
      enabled: false,
    };
    const qardCalls = t.sandbox.server.requestCount('qard');
    for (const apiKey of [t.keys.a, t.keys.aMember, t.keys.b]) {
      const refused = await t.graphql(CONFIGURE, { input }, { apiKey });
      expect(refused.body.data).toBeNull();
      expect(refused.body.errors).toMatchObject([
        { path: ['configureQardProvider'], extensions: { code: 'FORBIDDEN' } },
      ]);
      expect(refused.body.errors![0]!.message).toMatch(/npm run cli -- qard-provider configure/);
    }
    expect(t.sandbox.server.requestCount('qard')).toBe(qardCalls);
    expect(await t.gateway.services.commerce.qardProviders.find('shopify')).toBeNull();

    // The operator's path (what `npm run cli -- qard-provider configure` runs).
    const operator = t.gateway.services.commerce.qardProviders;
    const invalid = await operator.configure({
      ...input,
      credentials: { clientId: '', clientSecret: secret },
    });
    expect(invalid).toMatchObject({ userErrors: [{ field: ['credentials', 'clientId'] }] });
    expect(t.sandbox.server.requestCount('qard')).toBe(qardCalls);
    const configured = await operator.configure({ ...input, enabled: true });
    expect(configured).toMatchObject({
      ok: { provider: 'shopify', enabled: true, autoConnect: true },
    });
    expect(JSON.stringify(configured)).not.toContain(secret);
    expect(t.logs.join('\n')).not.toContain(secret);
  });

  it('links Qard and reports its not-yet-synced part as DATA_NOT_READY while Codat records still return', async () => {
    const link = await linkSource(t, 'QARD', 'Merged Qard', 'shopify');
    qardLinkId = link.id;
    expect(link.authorizationUrl).toMatch(/^http/);
    qardUser = authorizeQard(t).userId;
    const res = await t.graphql<{ commerce: { orders: Page } }>(ORDERS, { first: 10 });
    const page = res.body.data!.commerce.orders;
    expect(page.edges).toHaveLength(10);
    expect(new Set(page.edges.map((e) => e.node.source))).toEqual(new Set(['CODAT']));
    expect(page.sourceErrors).toEqual([{ id: qardLinkId }]);
    const error = res.body.errors!.find((e) => e.extensions?.['source'] === 'QARD')!;
    expect(error.path).toEqual(['commerce', 'orders']);
    expect(error.extensions?.['code']).toBe('DATA_NOT_READY');
    expect(error.extensions?.['linkId']).toBe(qardLinkId);
    expect(error.extensions?.['syncStatus']).toMatchObject({ state: 'NOT_SYNCED' });

    // A client that selects only the records still learns that part of the list is missing.
    const bare = await t.graphql<{ commerce: { orders: { nodes: unknown[] } } }>(
      '{ commerce { orders(first: 3) { nodes { id } } } }',
    );
    expect(bare.body.data!.commerce.orders.nodes).toHaveLength(3);
    expect(
      bare.body.errors?.map((e) => [e.path, e.extensions?.['code'], e.extensions?.['source']]),
    ).toEqual([[['commerce', 'orders'], 'DATA_NOT_READY', 'QARD']]);
  });

  it('queues a Qard sync, refuses a second one while it runs, and serves the data once done', async () => {
    const first = (await syncLink(t, qardLinkId)) as { queued: unknown[]; userErrors: unknown[] };
    expect(first.userErrors).toEqual([]);
    expect(first.queued.length).toBe(4);
    const second = (await syncLink(t, qardLinkId)) as { userErrors: Array<{ code: string }> };
    expect(second.userErrors[0]!.code).toBe('CONFLICT');
    t.sandbox.qard.completeSync(qardUser);
    const res = await t.graphql<{ commerce: { orders: Page } }>(ORDERS, { first: 10 });
    expect(res.body.errors).toBeUndefined();
  });

  it('merges both sources newest first and pages through every order exactly once', async () => {
    const expected =
      t.sandbox.codat.data(codatCompany).lists['commerce-orders'].length +
      t.sandbox.qard.data(qardUser)['commerce-orders'].length;
    const seen = new Set<string>();
    const sources = new Set<string>();
    let previous = Infinity;
    let after: string | null = null;
    const sizes = [250, 7, 133, 1, 250, 64];
    for (let i = 0; ; i += 1) {
      const res: { body: { data?: { commerce: { orders: Page } } | null; errors?: unknown[] } } =
        await t.graphql(ORDERS, {
          first: sizes[i % sizes.length],
          after,
        });
      expect(res.body.errors).toBeUndefined();
      const page = res.body.data!.commerce.orders;
      for (const { node } of page.edges) {
        expect(seen.has(node.id)).toBe(false);
        seen.add(node.id);
        sources.add(node.source);
        const time = Date.parse(node.createdAt);
        expect(time).toBeLessThanOrEqual(previous);
        previous = time;
      }
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
      expect(i).toBeLessThan(500);
    }
    expect(sources).toEqual(new Set(['CODAT', 'QARD']));
    expect(seen.size).toBe(expected);
  });

  it('filters by source and by link', async () => {
    const bySource = await t.graphql<{ commerce: { orders: Page } }>(ORDERS, {
      first: 30,
      filter: { sources: ['QARD'] },
    });
    expect(new Set(bySource.body.data!.commerce.orders.edges.map((e) => e.node.source))).toEqual(
      new Set(['QARD']),
    );
    const byLink = await t.graphql<{ commerce: { orders: Page } }>(ORDERS, {
      first: 30,
      filter: { linkIds: [qardLinkId] },
    });
    expect(new Set(byLink.body.data!.commerce.orders.edges.map((e) => e.node.source))).toEqual(
      new Set(['QARD']),
    );
    // A cursor is bound to its filter.
    const cursor = bySource.body.data!.commerce.orders.pageInfo.endCursor;
    const misuse = await t.graphql(ORDERS, { first: 5, after: cursor });
    expect(misuse.body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
  });

  it('normalizes Qard customers, products, locations and orders, with lookups across records', async () => {
    const res = await t.graphql<{
      commerce: Record<string, { nodes: Array<Record<string, unknown>> }>;
    }>(`{
      commerce {
        customers(first: 20, filter: { sources: [QARD] }) { nodes { source name email addresses { kind city } } }
        products(first: 250, filter: { sources: [QARD] }) { nodes { status variants { sku prices { amount currencyCode } } } }
        locations(first: 5, filter: { sources: [QARD] }) { nodes { name address { city } } }
        orders(first: 20, filter: { sources: [QARD] }) {
          nodes { status fulfillmentStatus totalAmount { amount currencyCode } raw
                  customer { name } lineItems { quantity product { name } variant { sku } } }
        }
      }
    }`);
    expect(res.body.errors).toBeUndefined();
    const c = res.body.data!.commerce;
    expect(
      c['customers']!.nodes.every((n) => n['source'] === 'QARD' && typeof n['name'] === 'string'),
    ).toBe(true);
    expect(c['locations']!.nodes.length).toBeGreaterThan(0);
    const statuses = new Set(c['products']!.nodes.map((n) => n['status']));
    expect(
      [...statuses].every((s) => ['PUBLISHED', 'UNPUBLISHED', 'UNKNOWN'].includes(s as string)),
    ).toBe(true);
    const orders = c['orders']!.nodes;
    for (const order of orders) {
      const raw = order['raw'] as { total_amount: { amount: string }; customer_id: string | null };
      expect((order['totalAmount'] as { amount: string }).amount).toBe(raw.total_amount.amount);
      if (raw.customer_id) expect((order['customer'] as { name: string }).name).toBeTruthy();
      for (const line of order['lineItems'] as Array<{
        product: { name: string } | null;
        variant: { sku: string } | null;
      }>) {
        expect(line.product?.name).toBeTruthy();
        expect(line.variant?.sku).toBeTruthy();
      }
    }
  });

  it('looks Qard customers and products up with few requests (pages or ids, whichever is fewer)', async () => {
    const data = t.sandbox.qard.data(qardUser);
    const bound =
      1 +
      Math.ceil(data['commerce-customers'].length / 100) +
      Math.ceil(data['commerce-products'].length / 100);
    const before = t.sandbox.server.requestCount('qard');
    const res = await t.graphql<{
      commerce: {
        orders: {
          nodes: Array<{
            customer: unknown;
            lineItems: Array<{ product: { name: string } | null }>;
          }>;
        };
      };
    }>(
      `{ commerce { orders(first: 50, filter: { sources: [QARD] }) { nodes { customer { name } lineItems { product { name } } } } } }`,
    );
    expect(res.body.errors).toBeUndefined();
    const used = t.sandbox.server.requestCount('qard') - before;
    const nodes = res.body.data!.commerce.orders.nodes;
    expect(nodes.flatMap((n) => n.lineItems).every((l) => l.product?.name)).toBe(true);
    expect(used).toBeLessThanOrEqual(bound);
  });

  it('applies creation-time filters on both sources', async () => {
    const bound = '2025-06-01T00:00:00Z';
    const res = await t.graphql<{ commerce: { orders: Page } }>(ORDERS, {
      first: 250,
      filter: { createdAfter: bound },
    });
    expect(res.body.errors).toBeUndefined();
    const edges = res.body.data!.commerce.orders.edges;
    for (const e of edges)
      expect(Date.parse(e.node.createdAt)).toBeGreaterThanOrEqual(Date.parse(bound));
    expect(new Set(edges.map((e) => e.node.source))).toEqual(new Set(['CODAT', 'QARD']));
    const before = await t.graphql<{ commerce: { orders: Page } }>(ORDERS, {
      first: 50,
      filter: { createdBefore: bound },
    });
    for (const e of before.body.data!.commerce.orders.edges)
      expect(Date.parse(e.node.createdAt)).toBeLessThanOrEqual(Date.parse(bound));
    expect(before.body.data!.commerce.orders.edges.length).toBe(50);
  });

  it('returns the other source when one is down, with UPSTREAM_UNAVAILABLE on its part', async () => {
    t.sandbox.server.setKnobs('codat', { dropRate: 1 });
    try {
      const res = await t.graphql<{ commerce: { orders: Page } }>(ORDERS, { first: 10 });
      const page = res.body.data!.commerce.orders;
      expect(page.edges).toHaveLength(10);
      expect(new Set(page.edges.map((e) => e.node.source))).toEqual(new Set(['QARD']));
      const error = res.body.errors!.find((e) => e.extensions?.['source'] === 'CODAT')!;
      expect(error.extensions?.['code']).toBe('UPSTREAM_UNAVAILABLE');
      expect(error.path).toEqual(['commerce', 'orders']);
      expect(page.sourceErrors).toHaveLength(1);
    } finally {
      t.sandbox.server.setKnobs('codat', { dropRate: 0 });
    }
  });

  it('reports a rate-limited source as RATE_LIMITED with retryAfter on its part', async () => {
    // A Retry-After longer than the client waits out: the caller gets RATE_LIMITED at once.
    t.sandbox.server.setKnobs('qard', { rateLimitRate: 1, retryAfterSeconds: 30 });
    try {
      const res = await t.graphql<{ commerce: { customers: Page } }>(
        `{ commerce { customers(first: 5) { edges { node { id source createdAt } cursor } pageInfo { hasNextPage endCursor } sourceErrors { id } } } }`,
      );
      const page = res.body.data!.commerce.customers;
      expect(page.edges.map((e) => e.node.source)).toEqual([
        'CODAT',
        'CODAT',
        'CODAT',
        'CODAT',
        'CODAT',
      ]);
      const error = res.body.errors!.find((e) => e.extensions?.['source'] === 'QARD')!;
      expect(error.extensions).toMatchObject({
        code: 'RATE_LIMITED',
        retryAfter: 30,
        upstream: 'qard',
      });
    } finally {
      t.sandbox.server.setKnobs('qard', { rateLimitRate: 0 });
    }
  });

  it('lists the links with platform, status and per-dataset sync status', async () => {
    const res = await t.graphql<{
      commerce: {
        sources: Array<{
          source: string;
          platform: string;
          syncStatus: Array<{ dataType: string; state: string; dataAsOf: string | null }>;
        }>;
      };
    }>(
      `{ commerce { sources { id source platform name status syncStatus { dataType state dataAsOf } } } }`,
    );
    expect(res.body.errors).toBeUndefined();
    const sources = res.body.data!.commerce.sources;
    expect(sources.map((s) => s.source).sort()).toEqual(['CODAT', 'QARD']);
    for (const s of sources) {
      const orders = s.syncStatus.find((x) => x.dataType === 'ORDERS')!;
      expect(orders.state).toBe('COMPLETE');
      expect(orders.dataAsOf).toMatch(/Z$/);
    }
  });
});
