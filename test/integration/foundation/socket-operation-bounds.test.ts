import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { ExecutionResult, GraphQLFormattedError } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { until } from '../../helpers/wait.js';
import { authorizeCodat, linkSource } from '../commerce/helpers.js';

/**
 * Operations sent over graphql-ws pass the bounds HTTP operations pass, through a real
 * graphql-ws client: the parser's token bound, the document limits, the cost limit (sized from
 * the request's variables) and the workspace's budget. A refused operation gets the error HTTP
 * gives (same code, same limitName and counts) and not one upstream call is made; an admitted
 * one is charged to the same bucket HTTP requests spend.
 */

const ENV = {
  MAX_OPERATION_COST: '100',
  RATE_LIMIT_POINTS: '100',
  RATE_LIMIT_POINTS_PER_SECOND: '1',
};
// 14 tokens each: 1,400 of them fit the parser's 20,000-token bound.
const ORDERS_PAGE = 'commerce { orders(first: 250) { totalCount } }';
// commerce 1 + orders 11 + one per order: 12 + n points.
const ORDERS = 'query Orders($n: Int) { commerce { orders(first: $n) { nodes { id } } } }';
// 20 × viewer { workspace { id } }: 40 points, no upstream call, answered in full (no refund).
const VIEWERS = `{ ${Array.from({ length: 20 }, (_, i) => `v${i}: viewer { workspace { id } }`).join(' ')} }`;

type Answer = ExecutionResult<Record<string, unknown>> & {
  /** The errors of an `error` message: the operation did not run. */
  refused?: GraphQLFormattedError[];
};

describe('operation bounds over graphql-ws', () => {
  let t: TestGateway;
  const clients: Client[] = [];

  beforeAll(async () => {
    t = await startTestGateway({ env: ENV });
    await linkSource(t, 'CODAT', 'Acme Goods', 'woocommerce');
    authorizeCodat(t);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await t?.close();
  });

  function socket(apiKey = t.keys.a): Client {
    const client = createClient({
      url: t.graphqlUrl.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { 'x-api-key': apiKey },
      retryAttempts: 0,
    });
    clients.push(client);
    return client;
  }

  /** The one answer of an operation sent on the socket, or the errors refusing it. */
  function send(client: Client, query: string, variables: Record<string, unknown> = {}) {
    return new Promise<Answer>((resolve, reject) => {
      let answer: Answer = {};
      client.subscribe(
        { query, variables },
        {
          next: (result) => (answer = result as Answer),
          error: (error) =>
            Array.isArray(error)
              ? resolve({ refused: error as GraphQLFormattedError[] })
              : reject(error as Error),
          complete: () => resolve(answer),
        },
      );
    });
  }

  /** Refused on the socket with no upstream call, with the error HTTP gives the same request. */
  async function refusedLikeHttp(
    client: Client,
    query: string,
    variables: Record<string, unknown> = {},
  ): Promise<GraphQLFormattedError> {
    t.sandbox.server.resetStats();
    const answer = await send(client, query, variables);
    expect(t.sandbox.server.requests()).toHaveLength(0);
    expect(answer.refused).toHaveLength(1);
    const error = answer.refused![0]!;
    const http = await t.graphql(query, variables);
    expect(http.body.errors).toHaveLength(1);
    expect(error.extensions).toEqual(http.body.errors![0]!.extensions);
    expect(error.message).toBe(http.body.errors![0]!.message);
    return error;
  }

  it('refuses 1,400 aliases of a 250-order page with no upstream call', async () => {
    const query = `{ ${Array.from({ length: 1400 }, (_, i) => `a${i}: ${ORDERS_PAGE}`).join(' ')} }`;
    const error = await refusedLikeHttp(socket(), query);
    expect(error.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      limitName: 'aliases',
      aliases: 1400,
      limit: 30,
    });
  });

  it('stops parsing past MAX_QUERY_TOKENS', async () => {
    const query = `{ ${'__typename '.repeat(20_001)}}`;
    const error = await refusedLikeHttp(socket(), query);
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT' });
    expect(error.message).toMatch(/20000 tokens/);
  });

  it('refuses a document whose operation cannot be told, with the error HTTP gives', async () => {
    const error = await refusedLikeHttp(socket(), 'query A { __typename } query B { __typename }');
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT' });
    expect(error.message).toMatch(/operation name/);
  });

  it('refuses a page past MAX_OPERATION_COST, sized from the variables, and runs one under it', async () => {
    const client = socket();
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 500 }), async (n) => {
        const cost = 12 + n;
        if (cost > 100) {
          const error = await refusedLikeHttp(client, ORDERS, { n });
          expect(error.extensions).toEqual({
            code: 'BAD_USER_INPUT',
            limitName: 'cost',
            cost,
            limit: 100,
          });
        } else {
          // Under the limit it runs; a fresh workspace's bucket pays for it.
          const answer = await send(socket(await freshWorkspaceKey(t)), ORDERS, { n });
          expect(answer.refused).toBeUndefined();
          expect(answer.errors).toBeUndefined();
        }
      }),
      { numRuns: 8, examples: [[88], [89], [250]] },
    );
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(/^graphql_operations_limited_total\{limit="cost"\} [1-9]/m);
  });

  it('costs a subscription when it starts', async () => {
    const key = await freshWorkspaceKey(t);
    const before = await estimatedCost(t);
    const dispose = socket(key).subscribe(
      { query: 'subscription { connectionUpdated { id status } }' },
      { next: () => {}, error: () => {}, complete: () => {} },
    );
    await until(async () => (await estimatedCost(t)).count > before.count, 'the subscribe');
    // One object: 1 point, estimated and charged before it runs.
    expect(await estimatedCost(t)).toEqual({ count: before.count + 1, sum: before.sum + 1 });
    dispose();
  });

  it('answers a query on the socket and charges it to the bucket HTTP requests spend', async () => {
    const client = socket();
    // A query that calls upstream answers as over HTTP.
    t.sandbox.server.resetStats();
    const orders = await send(client, ORDERS, { n: 2 });
    expect(orders.errors).toBeUndefined();
    expect(orders.data).toMatchObject({ commerce: { orders: { nodes: [{}, {}] } } });
    expect(t.sandbox.server.requests().length).toBeGreaterThan(0);
    // 40 points each from a 100-point bucket refilled at 1 a second: without a charge on the
    // socket it would never be refused.
    let answer: Answer = {};
    for (let i = 0; i < 5 && !answer.refused; i++) answer = await send(client, VIEWERS);
    expect(answer.refused?.[0]?.extensions).toEqual({
      code: 'RATE_LIMITED',
      retryAfter: expect.any(Number) as number,
      limitName: 'rate',
      cost: 40,
    });
    // The socket spent the workspace's bucket: HTTP is refused too.
    const http = await t.graphql(VIEWERS);
    expect(http.status).toBe(429);
    expect(http.body.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', cost: 40 });
    // A 42-point page is refused before any upstream call.
    t.sandbox.server.resetStats();
    const refused = await send(client, ORDERS, { n: 30 });
    expect(t.sandbox.server.requests()).toHaveLength(0);
    expect(refused.refused?.[0]?.extensions).toMatchObject({
      code: 'RATE_LIMITED',
      limitName: 'rate',
      cost: 42,
    });
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(/^graphql_operations_limited_total\{limit="rate"\} [3-9]/m);
  });
});

/** A workspace of its own, with a full bucket. */
async function freshWorkspaceKey(t: TestGateway): Promise<string> {
  const id = `ws-socket-${randomUUID()}`;
  await t.gateway.services.workspaces.ensure(id, 'Socket bounds');
  return (await t.gateway.services.workspaces.createApiKey(id, { roles: ['member'] })).key;
}

/** graphql_operation_cost{kind="estimated"}: how many operations were estimated, and their sum. */
async function estimatedCost(t: TestGateway): Promise<{ count: number; sum: number }> {
  const text = await (await fetch(`${t.url}/metrics`)).text();
  const read = (what: string) =>
    Number(
      new RegExp(`^graphql_operation_cost_${what}\\{kind="estimated"\\} (\\d+)$`, 'm').exec(
        text,
      )?.[1] ?? 0,
    );
  return { count: read('count'), sum: read('sum') };
}
