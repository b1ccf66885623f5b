import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { centsToDecimal } from '../../../src/modules/shopline/commerce/shopline-mappers.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { authorizeCodat, linkSource } from '../commerce/helpers.js';
import { installAndClaim } from './helpers.js';

interface OrderNode {
  id: string;
  createdAt: string;
  source: string;
  sourceId: string;
  orderNumber: string | null;
  status: string | null;
  totalAmount: { amount: string; currencyCode: string } | null;
  lineItems: Array<{ quantity: string | null; unitPrice: { amount: string } | null }>;
}
interface OrdersPage {
  commerce: {
    orders: {
      edges: Array<{ cursor: string; node: OrderNode }>;
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      totalCount: number | null;
      sourceErrors: Array<{ id: string }>;
    };
  };
}

const ORDERS = `query ($first: Int, $after: String) {
  commerce { orders(first: $first, after: $after) {
    edges { cursor node { id source sourceId createdAt orderNumber status totalAmount { amount currencyCode } lineItems { quantity unitPrice { amount } } } }
    pageInfo { hasNextPage endCursor }
    totalCount
    sourceErrors { id }
  } }
}`;

const SOURCES = `{ commerce { sources { source status syncStatus { dataType state upstreamStatus } } } }`;
const MERCHANT = 'm-commerce';

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway();
  await installAndClaim(t, MERCHANT);
});
afterAll(async () => t?.close());

describe('SHOPLINE in the unified commerce graph', () => {
  it('converts SHOPLINE cents to exact decimals by integer arithmetic', () => {
    expect(centsToDecimal(12345)).toBe('123.45');
    expect(centsToDecimal(5)).toBe('0.05');
    expect(centsToDecimal(-250)).toBe('-2.50');
    expect(centsToDecimal(0)).toBe('0.00');
    expect(centsToDecimal('123456789012345678901')).toBe('1234567890123456789.01');
    expect(centsToDecimal(1.5)).toBeNull();
  });

  it('lists the merchant orders with source SHOPLINE, exact money, and pages through each exactly once', async () => {
    const expected = t.sandbox.shopline.data(MERCHANT).orders.filter((o) => !o.archived);
    t.sandbox.server.resetStats();
    const first = await t.graphql<OrdersPage>(ORDERS, { first: 20 });
    expect(first.body.errors).toBeUndefined();
    const page = first.body.data!.commerce.orders;
    expect(t.sandbox.server.requestCount('shopline')).toBe(1);
    expect(page.totalCount).toBe(expected.length);
    expect(page.sourceErrors).toEqual([]);

    const newest = expected[0]! as unknown as {
      id: string;
      order_number: string;
      total: { cents: number; currency_iso: string };
    };
    const node = page.edges[0]!.node;
    expect(node).toMatchObject({
      source: 'SHOPLINE',
      sourceId: newest.id,
      orderNumber: newest.order_number,
      totalAmount: {
        amount: (newest.total.cents / 100).toFixed(2),
        currencyCode: newest.total.currency_iso,
      },
    });
    expect(node.lineItems.length).toBeGreaterThan(0);

    const seen = page.edges.map((e) => e.node.sourceId);
    let after = page.pageInfo.endCursor;
    while (after) {
      const next = await t.graphql<OrdersPage>(ORDERS, { first: 20, after });
      expect(next.body.errors).toBeUndefined();
      const p = next.body.data!.commerce.orders;
      seen.push(...p.edges.map((e) => e.node.sourceId));
      after = p.pageInfo.hasNextPage ? p.pageInfo.endCursor : null;
    }
    expect(seen).toEqual(expected.map((o) => o.id));

    const byId = await t.graphql<{ node: { sourceId: string; source: string } }>(
      `query($id: ID!) { node(id: $id) { ... on Order { sourceId source } } }`,
      { id: node.id },
    );
    expect(byId.body.data!.node).toEqual({ sourceId: newest.id, source: 'SHOPLINE' });
  });

  it('treats an archived (410) or missing (404) order as absent when looked up by id', async () => {
    const data = t.sandbox.shopline.data(MERCHANT).orders;
    const listed = data.find((o) => !o.archived)!;
    const archived = data.find((o) => o.archived)!;
    const page = await t.graphql<OrdersPage>(ORDERS, { first: 1 });
    const someId = page.body.data!.commerce.orders.edges[0]!.node;
    const idOf = (sourceId: string) =>
      someId.id.replace(encodeURIComponent(someId.sourceId), encodeURIComponent(sourceId));
    t.sandbox.server.resetStats();
    const res = await t.graphql<{
      a: { sourceId: string } | null;
      b: { sourceId: string } | null;
      c: { sourceId: string } | null;
    }>(
      `query($a: ID!, $b: ID!, $c: ID!) { a: node(id: $a) { ... on Order { sourceId } } b: node(id: $b) { ... on Order { sourceId } } c: node(id: $c) { ... on Order { sourceId } } }`,
      { a: idOf(listed.id), b: idOf(archived.id), c: idOf('000000000000000000000000') },
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data).toEqual({ a: { sourceId: listed.id }, b: null, c: null });
    expect(
      t.sandbox.server
        .requests('shopline')
        .map((r) => r.status)
        .sort(),
    ).toEqual([200, 404, 410]);
  });

  it('reports SHOPLINE rate limiting as RATE_LIMITED with its retryAfter', async () => {
    t.sandbox.server.setKnobs('shopline', { rateLimitRate: 1, retryAfterSeconds: 30 });
    try {
      const res = await t.graphql<OrdersPage>(ORDERS, { first: 5 });
      const error = res.body.errors!.find((e) => e.extensions?.['source'] === 'SHOPLINE')!;
      expect(error.extensions).toMatchObject({
        code: 'RATE_LIMITED',
        retryAfter: 30,
        upstream: 'shopline',
      });
    } finally {
      t.sandbox.server.setKnobs('shopline', { rateLimitRate: 0 });
    }
  });

  it("gives the merchant's store as its commerce link, the same link the commerce lists use", async () => {
    const res = await t.graphql<{
      shoplineMerchants: {
        nodes: Array<{ merchantId: string; commerceLink: { id: string; source: string } | null }>;
      };
      commerce: { sources: Array<{ id: string; source: string; name: string }> };
    }>(
      `{ shoplineMerchants(first: 5) { nodes { merchantId commerceLink { id source } } }
         commerce { sources { id source name } } }`,
    );
    expect(res.body.errors).toBeUndefined();
    const [merchant] = res.body.data!.shoplineMerchants.nodes;
    const link = res.body.data!.commerce.sources.find((l) => l.name === MERCHANT);
    expect(merchant?.commerceLink).toEqual({ id: link?.id, source: 'SHOPLINE' });
  });

  it('reports the link as live while its token works', async () => {
    const res = await t.graphql<{
      commerce: {
        sources: Array<{
          source: string;
          status: string;
          syncStatus: Array<{ dataType: string; state: string }>;
        }>;
      };
    }>(SOURCES);
    const shopline = res.body.data!.commerce.sources.find((s) => s.source === 'SHOPLINE')!;
    expect(shopline.status).toBe('LINKED');
    expect(shopline.syncStatus.every((s) => s.state === 'COMPLETE')).toBe(true);
  });

  it('merges SHOPLINE orders with another source newest first, each order exactly once', async () => {
    await linkSource(t, 'CODAT', 'Codat next to SHOPLINE', 'shopify');
    const company = authorizeCodat(t);
    const expected =
      t.sandbox.codat.data(company).lists['commerce-orders'].length +
      t.sandbox.shopline.data(MERCHANT).orders.filter((o) => !o.archived).length;
    const seen = new Set<string>();
    const sources = new Set<string>();
    let previous = Infinity;
    let after: string | null = null;
    for (let i = 0; i < 100; i += 1) {
      const res: { body: { data?: OrdersPage | null; errors?: unknown[] } } = await t.graphql(
        ORDERS,
        { first: [50, 7, 250][i % 3], after },
      );
      expect(res.body.errors).toBeUndefined();
      const page = res.body.data!.commerce.orders;
      for (const { node } of page.edges) {
        expect(seen.has(node.id)).toBe(false);
        seen.add(node.id);
        sources.add(node.source);
        expect(Date.parse(node.createdAt)).toBeLessThanOrEqual(previous);
        previous = Date.parse(node.createdAt);
      }
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(sources).toEqual(new Set(['CODAT', 'SHOPLINE']));
    expect(seen.size).toBe(expected);
  });

  it('marks a token SHOPLINE answers 401 for as unusable, says so in the source statuses, and stops calling', async () => {
    const token = await t.gateway.services.shopline.merchants.usableToken(MERCHANT, 'orders');
    t.sandbox.shopline.revokeToken(token!.token);

    const refused = await t.graphql<OrdersPage>(ORDERS, { first: 5 });
    const error = refused.body.errors!.find((e) => e.extensions?.['source'] === 'SHOPLINE')!;
    expect(error.extensions).toMatchObject({
      code: 'UPSTREAM_ERROR',
      upstream: 'shopline',
      tokenStatus: 'TOKEN_REJECTED',
    });
    expect(error.message).toMatch(/401/);
    // The other source's orders still come back; the error sits at the list, naming SHOPLINE's link.
    expect(error.path).toEqual(['commerce', 'orders']);
    const page = refused.body.data!.commerce.orders;
    expect(page.sourceErrors).toEqual([{ id: error.extensions?.['linkId'] }]);
    expect(new Set(page.edges.map((e) => e.node.source))).toEqual(new Set(['CODAT']));
    expect(JSON.stringify(refused.body)).not.toContain(token!.token);

    const sources = await t.graphql<{
      commerce: {
        sources: Array<{
          source: string;
          status: string;
          syncStatus: Array<{ state: string; upstreamStatus: string }>;
        }>;
      };
    }>(SOURCES);
    const shopline = sources.body.data!.commerce.sources.find((s) => s.source === 'SHOPLINE')!;
    expect(shopline.status).toBe('AUTH_ERROR');
    expect(shopline.syncStatus.map((s) => [s.state, s.upstreamStatus])).toContainEqual([
      'ERROR',
      'TOKEN_REJECTED',
    ]);

    const merchants = await t.graphql<{
      shoplineMerchants: {
        nodes: Array<{ usableScopes: string[]; tokens: Array<{ status: string }> }>;
      };
    }>('{ shoplineMerchants { nodes { usableScopes tokens { status } } } }');
    expect(merchants.body.data!.shoplineMerchants.nodes[0]).toEqual({
      usableScopes: [],
      tokens: [{ status: 'REJECTED' }],
    });

    const calls = t.sandbox.server.requestCount('shopline');
    // From then on the link has lost access: a state of the list's sources, not an error.
    const again = await t.graphql<{
      commerce: { orders: { sourceStatuses: Array<{ link: { source: string }; state: string }> } };
    }>('{ commerce { orders(first: 5) { sourceStatuses { link { source } state } } } }');
    expect(again.body.errors).toBeUndefined();
    expect(again.body.data!.commerce.orders.sourceStatuses).toContainEqual({
      link: { source: 'SHOPLINE' },
      state: 'AUTH_ERROR',
    });
    expect(t.sandbox.server.requestCount('shopline')).toBe(calls);
    expect(t.logs.join('\n')).not.toContain(token!.token);
  });
});
