import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { authorizeCodat, linkSource } from '../commerce/helpers.js';

/**
 * Operations over a limit are refused before anything runs: typed BAD_USER_INPUT naming the
 * limit, the count and the bound, and not one upstream call. What ran is in /metrics.
 */

// 14 tokens: 1,400 of them fit the parser's 20,000-token bound, as in the measured attack.
const ORDERS_PAGE = 'commerce { orders(first: 250) { totalCount } }';

async function costHistogram(
  t: TestGateway,
): Promise<Record<string, { count: number; sum: number }>> {
  const text = await (await fetch(`${t.url}/metrics`)).text();
  const out: Record<string, { count: number; sum: number }> = {};
  for (const kind of ['estimated', 'actual']) {
    const count = new RegExp(`^graphql_operation_cost_count\\{kind="${kind}"\\} (\\d+)$`, 'm').exec(
      text,
    );
    const sum = new RegExp(`^graphql_operation_cost_sum\\{kind="${kind}"\\} (\\d+)$`, 'm').exec(
      text,
    );
    out[kind] = { count: Number(count?.[1]), sum: Number(sum?.[1]) };
  }
  return out;
}

describe('operation limits', () => {
  let t: TestGateway;

  beforeAll(async () => {
    t = await startTestGateway();
    await linkSource(t, 'CODAT', 'Acme Goods', 'woocommerce');
    authorizeCodat(t);
  });
  afterAll(() => t?.close());

  const refusedWithoutCalls = async (query: string, variables?: Record<string, unknown>) => {
    t.sandbox.server.resetStats();
    const res = await t.graphql(query, variables);
    expect(t.sandbox.server.requests()).toHaveLength(0);
    expect(res.status).toBe(400);
    expect(res.body.data).toBeUndefined();
    expect(res.body.errors).toHaveLength(1);
    const error = res.body.errors![0]!;
    expect(error.extensions?.['code']).toBe('BAD_USER_INPUT');
    return error;
  };

  it('refuses 1,400 aliases of a 250-order page with no upstream call', async () => {
    const query = `{ ${Array.from({ length: 1400 }, (_, i) => `a${i}: ${ORDERS_PAGE}`).join(' ')} }`;
    const error = await refusedWithoutCalls(query);
    expect(error.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      limitName: 'aliases',
      aliases: 1400,
      limit: 30,
    });
    expect(error.message).toContain('1400 aliases');
  });

  it('refuses an operation whose lists multiply past the cost limit, sized from variables', async () => {
    const query = `query ($n: Int) { commerce { orders(first: $n) { nodes { lineItems { product { variants { product { variants { id } } } } } } } } }`;
    const error = await refusedWithoutCalls(query, { n: 250 });
    // commerce 1 + orders 11 + 250 orders × (1 + 5 line items × (1 + a product of
    // 1 + 5 variants × (1 + a product of 1 + 5 variants))).
    expect(error.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      limitName: 'cost',
      cost: 1 + 11 + 250 * (1 + 5 * (1 + 1 + 5 * (1 + 1 + 5))),
      limit: 25000,
    });
    // The same document with a small page runs.
    const res = await t.graphql(query, { n: 2 });
    expect(res.body.errors).toBeUndefined();
  });

  it('refuses 1,600 same-named sibling fields before graphql-js compares them pairwise', async () => {
    const query = `{ ${'commerce { sources { id } } '.repeat(1600)} }`;
    const error = await refusedWithoutCalls(query);
    expect(error.extensions).toMatchObject({
      limitName: 'repeatedFields',
      repeatedFields: 1600,
      limit: 100,
    });
  });

  it('refuses more directives than allowed', async () => {
    const query = `{ viewer { ${'workspace @include(if: true) { id } '.repeat(51)} } }`;
    const error = await refusedWithoutCalls(query);
    expect(error.extensions).toMatchObject({ limitName: 'directives', directives: 51, limit: 50 });
  });

  it('reports estimated and measured cost in /metrics', async () => {
    const before = await costHistogram(t);
    const res = await t.graphql<{ commerce: { orders: { nodes: unknown[] } } }>(
      '{ commerce { orders(first: 5) { nodes { id } } } }',
    );
    expect(res.body.data!.commerce.orders.nodes).toHaveLength(5);
    const after = await costHistogram(t);
    expect(after['estimated']!.count - before['estimated']!.count).toBe(1);
    expect(after['actual']!.count - before['actual']!.count).toBe(1);
    // Five orders came back, as estimated: commerce 1 + orders 11 + 5.
    expect(after['estimated']!.sum - before['estimated']!.sum).toBe(17);
    expect(after['actual']!.sum - before['actual']!.sum).toBe(17);
    const text = await (await fetch(`${t.url}/metrics`)).text();
    expect(text).toMatch(/^graphql_operations_limited_total\{limit="aliases"\} [1-9]/m);
  });
});

describe('operation limits from the environment', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ env: { MAX_ALIASES: '2000', MAX_OPERATION_COST: '100' } });
  });
  afterAll(() => t?.close());

  it('applies MAX_ALIASES and MAX_OPERATION_COST', async () => {
    const res = await t.graphql('{ commerce { orders(first: 100) { nodes { id } } } }');
    expect(res.body.errors?.[0]?.extensions).toMatchObject({
      limitName: 'cost',
      cost: 112,
      limit: 100,
    });
    const aliased = await t.graphql(
      `{ ${Array.from({ length: 40 }, (_, i) => `a${i}: viewer { workspace { id } }`).join(' ')} }`,
    );
    expect(aliased.body.errors).toBeUndefined();
  });
});
