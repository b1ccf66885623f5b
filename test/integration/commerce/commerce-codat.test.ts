import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { authorizeCodat, linkSource } from './helpers.js';

interface OrderNode {
  id: string;
  sourceId: string;
  createdAt: string;
  totalAmount: { amount: string; currencyCode: string } | null;
  customer: { name: string | null } | null;
  lineItems: Array<{ product: { name: string | null } | null }>;
}

const ORDERS = `query ($first: Int, $after: String) {
  commerce { orders(first: $first, after: $after) {
    edges { cursor node { id sourceId createdAt totalAmount { amount currencyCode } customer { name } lineItems { product { name } } } }
    pageInfo { hasNextPage endCursor }
    totalCount
  } }
}`;

describe('commerce over one Codat link', () => {
  let t: TestGateway;
  let companyId: string;

  beforeAll(async () => {
    t = await startTestGateway();
    await linkSource(t, 'CODAT', 'Acme Goods', 'woocommerce');
    companyId = authorizeCodat(t);
  });
  afterAll(() => t?.close());

  it('lists 50 newest orders with customers and products in at most 3 Codat requests', async () => {
    const before = t.sandbox.server.requestCount('codat');
    const res = await t.graphql<{ commerce: { orders: { edges: Array<{ node: OrderNode }> } } }>(
      ORDERS,
      { first: 50 },
    );
    const used = t.sandbox.server.requestCount('codat') - before;
    expect(res.body.errors).toBeUndefined();
    const nodes = res.body.data!.commerce.orders.edges.map((e) => e.node);
    expect(nodes).toHaveLength(50);
    expect(used).toBeLessThanOrEqual(3);
    // The data is really there: customers and products were resolved from the batches.
    expect(nodes.filter((n) => n.customer?.name).length).toBeGreaterThan(25);
    expect(nodes.flatMap((n) => n.lineItems).filter((l) => l.product?.name).length).toBeGreaterThan(
      25,
    );
    // Newest first.
    const times = nodes.map((n) => Date.parse(n.createdAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it('looks ahead from a list into the relations its selection reads, and only those', async () => {
    const datasetsCalled = async (query: string, variables: Record<string, unknown> = {}) => {
      t.sandbox.server.resetStats();
      const res = await t.graphql<{
        commerce: {
          orders: {
            nodes?: Array<Record<string, unknown>>;
            edges?: Array<{ node: Record<string, unknown> }>;
          };
        };
      }>(query, variables);
      expect(res.body.errors).toBeUndefined();
      const paths = t.sandbox.server.requests('codat').map((r) => r.path.split('?')[0]!);
      return {
        nodes:
          res.body.data!.commerce.orders.nodes ??
          res.body.data!.commerce.orders.edges!.map((e) => e.node),
        datasets: paths.map((p) => p.split('/').at(-1)).sort(),
      };
    };
    const reference = new Map(
      t.sandbox.codat.data(companyId).lists['commerce-products'].map((p) => [p.id, p]),
    );

    // Through a named fragment and an inline fragment under edges.node: the same three calls,
    // and every variant belongs to its line's product.
    const viaFragments = await datasetsCalled(`
      fragment Line on OrderLineItem { product { sourceId name } variant { sourceId product { sourceId } } }
      query { commerce { orders(first: 20) { edges { node { ... on Order { customer { name } lineItems { ...Line } } } } } } }`);
    expect(viaFragments.datasets).toEqual([
      'commerce-customers',
      'commerce-orders',
      'commerce-products',
    ]);
    const lines = viaFragments.nodes.flatMap(
      (n) =>
        n['lineItems'] as Array<{
          product: { sourceId: string; name: string } | null;
          variant: { sourceId: string; product: { sourceId: string } } | null;
        }>,
    );
    expect(lines.filter((l) => l.variant).length).toBeGreaterThan(10);
    for (const line of lines) {
      expect(line.product?.name).toBe(reference.get(line.product!.sourceId)!['name']);
      if (line.variant) expect(line.variant.product.sourceId).toBe(line.product!.sourceId);
    }

    // A skipped relation is not fetched; an unselected one neither.
    const skipped = await datasetsCalled(
      `query ($skip: Boolean!) { commerce { orders(first: 20) { nodes { orderNumber customer { name } lineItems @skip(if: $skip) { product { name } } } } } }`,
      { skip: true },
    );
    expect(skipped.datasets).toEqual(['commerce-customers', 'commerce-orders']);
    expect(skipped.nodes.every((n) => !('lineItems' in n))).toBe(true);
    const bare = await datasetsCalled(
      `{ commerce { orders(first: 20) { nodes { orderNumber } } } }`,
    );
    expect(bare.datasets).toEqual(['commerce-orders']);

    // Two lists of one query that reach the same customers look each of them up once.
    const twice = await datasetsCalled(
      `{ commerce { orders(first: 20) { nodes { customer { name } } } again: orders(first: 20) { nodes { customer { name } } } } }`,
    );
    expect(twice.datasets.filter((d) => d === 'commerce-customers')).toHaveLength(1);
    expect(
      twice.nodes.filter((n) => (n['customer'] as { name?: string } | null)?.name).length,
    ).toBeGreaterThan(10);
  });

  it('keeps amounts exact: every order total equals the sandbox record as decimal text', async () => {
    const res = await t.graphql<{ commerce: { orders: { edges: Array<{ node: OrderNode }> } } }>(
      ORDERS,
      { first: 100 },
    );
    const reference = new Map(
      t.sandbox.codat.data(companyId).lists['commerce-orders'].map((o) => [o.id, o]),
    );
    for (const { node } of res.body.data!.commerce.orders.edges) {
      const raw = reference.get(node.sourceId)!;
      expect(node.totalAmount?.amount).toBe(String((raw['totalAmount'] as { text: string }).text));
    }
  });

  it('pages through every order exactly once with after', async () => {
    const total = t.sandbox.codat.data(companyId).lists['commerce-orders'].length;
    const seen = new Set<string>();
    let after: string | null = null;
    for (let i = 0; i < 200; i += 1) {
      const res: {
        body: {
          data?: {
            commerce: {
              orders: {
                edges: Array<{ node: OrderNode }>;
                pageInfo: { hasNextPage: boolean; endCursor: string | null };
              };
            };
          } | null;
        };
      } = await t.graphql(
        `query ($after: String) { commerce { orders(first: 250, after: $after) { edges { node { sourceId } } pageInfo { hasNextPage endCursor } } } }`,
        { after },
      );
      const page = res.body.data!.commerce.orders;
      for (const e of page.edges) {
        expect(seen.has(e.node.sourceId)).toBe(false);
        seen.add(e.node.sourceId);
      }
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen.size).toBe(total);
  });

  it('refuses bad page sizes and foreign or tampered cursors with BAD_USER_INPUT', async () => {
    for (const first of [-1, 10000]) {
      const res = await t.graphql(ORDERS, { first });
      expect(res.body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    }
    const both = await t.graphql(`{ commerce { orders(first: 5, last: 5) { nodes { id } } } }`);
    expect(both.body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    const customers = await t.graphql<{
      commerce: { customers: { pageInfo: { endCursor: string } } };
    }>(`{ commerce { customers(first: 2) { pageInfo { endCursor } } } }`);
    const foreign = customers.body.data!.commerce.customers.pageInfo.endCursor;
    const fromOther = await t.graphql(ORDERS, { first: 2, after: foreign });
    expect(fromOther.body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    const own = await t.graphql<{ commerce: { orders: { pageInfo: { endCursor: string } } } }>(
      ORDERS,
      { first: 2 },
    );
    const cursor = own.body.data!.commerce.orders.pageInfo.endCursor;
    const tampered = `${cursor.slice(0, 5)}${cursor[5] === 'A' ? 'B' : 'A'}${cursor.slice(6)}`;
    const res = await t.graphql(ORDERS, { first: 2, after: tampered });
    expect(res.body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
  });

  it('answers DATA_NOT_READY with the sync status while a dataset syncs', async () => {
    t.sandbox.codat.startSync(companyId, 'commerce-disputes');
    const res = await t.graphql(`{ commerce { disputes(first: 5) { nodes { id } } } }`);
    expect(res.body.data?.commerce).toEqual({ disputes: null });
    const error = res.body.errors?.[0];
    expect(error?.path).toEqual(['commerce', 'disputes']);
    expect(error?.extensions?.['code']).toBe('DATA_NOT_READY');
    expect(error?.extensions?.['source']).toBe('CODAT');
    expect((error?.extensions?.['syncStatus'] as { state: string }).state).toMatch(
      /QUEUED|FETCHING/,
    );
    t.sandbox.codat.completeSync(companyId);
    const after = await t.graphql<{ commerce: { disputes: { nodes: unknown[] } } }>(
      `{ commerce { disputes(first: 5) { nodes { id } } } }`,
    );
    expect(after.body.errors).toBeUndefined();
    expect(after.body.data!.commerce.disputes.nodes).toHaveLength(5);
  });

  it('serves every dataset normalized, with enums mapped and times zoned', async () => {
    const res = await t.graphql<
      Record<string, Record<string, { nodes: Array<Record<string, unknown>> }>>
    >(`{
      commerce {
        customers(first: 3) { nodes { id source sourceId name email addresses { kind city } createdAt timeZoneAssumed link { id source } } }
        products(first: 3) { nodes { id name status variants { id sku prices { amount currencyCode } product { id } } } }
        payments(first: 3) { nodes { id status amount { amount currencyCode } } }
        transactions(first: 20) { nodes { id type sourceType sourceRecordId sourceRecord { __typename ... on Order { id } ... on Payment { id } } amount { amount } } }
        disputes(first: 3) { nodes { id status amount { amount } } }
        locations(first: 3) { nodes { id name address { city } } }
        companyInfo { name baseCurrency }
      }
    }`);
    expect(res.body.errors).toBeUndefined();
    const c = res.body.data!['commerce']!;
    for (const key of [
      'customers',
      'products',
      'payments',
      'transactions',
      'disputes',
      'locations',
    ]) {
      expect(c[key]!.nodes.length).toBeGreaterThan(0);
    }
    expect(c['customers']!.nodes[0]!['source']).toBe('CODAT');
    expect(
      (c['customers']!.nodes[0]!['id'] as string).startsWith('gid://commerce-graph/Customer/'),
    ).toBe(true);
    const linked = c['transactions']!.nodes.filter(
      (n) => n['sourceRecordId'] && (n['sourceType'] === 'ORDER' || n['sourceType'] === 'PAYMENT'),
    );
    for (const n of linked) expect(n['sourceRecord']).not.toBeNull();
    expect(
      (res.body.data!['commerce'] as unknown as { companyInfo: Array<{ name: string }> })
        .companyInfo[0]!.name,
    ).toBeTruthy();
  });

  it('resolves links, line items, variants and company profiles through Query.nodes', async () => {
    const res = await t.graphql<{
      commerce: {
        sources: Array<{ id: string }>;
        orders: { nodes: Array<{ lineItems: Array<{ id: string }> }> };
        products: { nodes: Array<{ variants: Array<{ id: string }> }> };
        companyInfo: Array<{ id: string }>;
      };
    }>(`{ commerce {
      sources { id }
      orders(first: 1) { nodes { lineItems { id } } }
      products(first: 1) { nodes { variants { id } } }
      companyInfo { id }
    } }`);
    const c = res.body.data!.commerce;
    const ids = [
      c.sources[0]!.id,
      c.orders.nodes[0]!.lineItems[0]!.id,
      c.products.nodes[0]!.variants[0]!.id,
      c.companyInfo[0]!.id,
    ];
    const nodes = await t.graphql<{ nodes: Array<{ __typename: string; id: string } | null> }>(
      `query ($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }`,
      { ids },
    );
    expect(nodes.body.errors).toBeUndefined();
    expect(nodes.body.data!.nodes).toEqual([
      { __typename: 'CommerceLink', id: ids[0] },
      { __typename: 'OrderLineItem', id: ids[1] },
      { __typename: 'ProductVariant', id: ids[2] },
      { __typename: 'CompanyInfo', id: ids[3] },
    ]);
  });

  it('batches records looked up one by one in a query: one call per dataset, each id asked once', async () => {
    const list = await t.graphql<{
      commerce: { orders: { nodes: Array<{ id: string; sourceId: string }> } };
    }>(`{ commerce { orders(first: 3) { nodes { id sourceId } } } }`);
    const orders = list.body.data!.commerce.orders.nodes;
    expect(orders).toHaveLength(3);
    t.sandbox.server.resetStats();
    // Query.nodes resolves each id on its own: the lookups must batch them, and the repeat.
    const res = await t.graphql<{
      nodes: Array<{ sourceId: string; customer: { name: string | null } | null } | null>;
    }>(
      `query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Order { sourceId customer { name } } } }`,
      { ids: [...orders.map((o) => o.id), orders[0]!.id] },
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.nodes.map((n) => n?.sourceId)).toEqual([
      ...orders.map((o) => o.sourceId),
      orders[0]!.sourceId,
    ]);
    expect(res.body.data!.nodes.filter((n) => n?.customer?.name).length).toBeGreaterThan(0);
    const calls = t.sandbox.server.requests('codat').map((r) => decodeURIComponent(r.path));
    const orderCalls = calls.filter((p) => p.includes('/commerce-orders'));
    expect(orderCalls).toHaveLength(1);
    for (const o of orders) expect(orderCalls[0]!.split(`id=${o.sourceId}`).length - 1).toBe(1);
    expect(calls.filter((p) => p.includes('/commerce-customers'))).toHaveLength(1);
  });

  it('resolves record ids through Query.node, and not from another workspace', async () => {
    const res = await t.graphql<{
      commerce: { orders: { nodes: Array<{ id: string; sourceId: string }> } };
    }>(`{ commerce { orders(first: 1) { nodes { id sourceId } } } }`);
    const { id, sourceId } = res.body.data!.commerce.orders.nodes[0]!;
    const node = await t.graphql<{ node: { sourceId: string } | null }>(
      `query ($id: ID!) { node(id: $id) { ... on Order { sourceId } } }`,
      { id },
    );
    expect(node.body.data!.node?.sourceId).toBe(sourceId);
    const malformed = await t.graphql<{ node: unknown }>(
      `query ($id: ID!) { node(id: $id) { id } }`,
      {
        id: 'gid://commerce-graph/Order/%25E0%25A4%25A',
      },
    );
    expect(malformed.body.errors).toBeUndefined();
    expect(malformed.body.data!.node).toBeNull();
    const other = await t.graphql<{ node: unknown }>(
      `query ($id: ID!) { node(id: $id) { id } }`,
      { id },
      { apiKey: t.keys.b },
    );
    expect(other.body.data!.node).toBeNull();
  });
});
