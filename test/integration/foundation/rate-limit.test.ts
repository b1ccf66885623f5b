import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import {
  startTestGateway,
  startTwoReplicas,
  type TestGateway,
  type TwoReplicas,
} from '../../helpers/gateway.js';
import { postgresAvailable, redisAvailable } from '../../helpers/services.js';

/**
 * Each workspace spends its operations' estimated cost from one bucket: 100 points, refilled at
 * 1 point a second. A 40-point query runs twice; the third is refused with 429, RATE_LIMITED
 * and when to retry, before any upstream call. Through Redis the bucket is one for all replicas.
 * What an operation was estimated beyond its answer's cost goes back into the bucket.
 */
const BUDGET = {
  MAX_OPERATION_COST: '100',
  RATE_LIMIT_POINTS: '100',
  RATE_LIMIT_POINTS_PER_SECOND: '1',
};
// viewer { workspace { id } } costs 2 points (two objects, no upstream call), and answers all of
// it: 20 of them cost 40 points, estimated and actual alike, so nothing is refunded.
const QUERY = `{ ${Array.from({ length: 20 }, (_, i) => `v${i}: viewer { workspace { id } }`).join(' ')} }`;
/**
 * Estimated as a full page of 80 workflows (11 + 80 = 91 points); the workspace has configured
 * none, so its answer costs 11 and 80 points are refunded.
 */
const EMPTY_PAGE = '{ workflows(entityType: ORDER, first: 80) { nodes { id } } }';

/** A workspace of its own: Redis outlives this test, and other tests' workspaces are ws-a/ws-b. */
async function freshWorkspaceKey(t: TestGateway): Promise<string> {
  const id = `ws-rate-${randomUUID()}`;
  await t.gateway.services.workspaces.ensure(id, 'Rate limited');
  return (await t.gateway.services.workspaces.createApiKey(id, { roles: ['member'] })).key;
}

/**
 * The refund follows the answer without delaying it: the request is sent again while it is
 * refused, for at most 5 s (the 1 point a second refill alone would take half a minute).
 */
async function statusOnceRefunded(send: () => ReturnType<TestGateway['graphql']>): Promise<number> {
  const deadline = Date.now() + 5_000;
  let res = await send();
  while (res.status === 429 && Date.now() < deadline) {
    await new Promise((resolve) => setImmediate(resolve));
    res = await send();
  }
  return res.status;
}

function expectRateLimited(res: Awaited<ReturnType<TestGateway['graphql']>>, retryAfter: number) {
  expect(res.status).toBe(429);
  expect(res.headers.get('retry-after')).toBe(String(retryAfter));
  expect(res.body.data).toBeUndefined();
  expect(res.body.errors).toHaveLength(1);
  expect(res.body.errors![0]!.extensions).toEqual({
    code: 'RATE_LIMITED',
    retryAfter,
    limitName: 'rate',
    cost: 40,
  });
}

const up = (await postgresAvailable()) && (await redisAvailable());

describe.skipIf(!up)('workspace budget shared by two replicas through Redis', () => {
  let replicas: TwoReplicas;
  beforeAll(async () => {
    replicas = await startTwoReplicas({ seed: 5, env: BUDGET });
  });
  afterAll(() => replicas?.close());

  it('spends one bucket across both replicas and refuses past it with 429 and Retry-After', async () => {
    const { a, b, sandbox } = replicas;
    const key = await freshWorkspaceKey(a);
    expect((await a.graphql(QUERY, undefined, { apiKey: key })).status).toBe(200);
    expect((await b.graphql(QUERY, undefined, { apiKey: key })).status).toBe(200);
    sandbox.server.resetStats();
    // 20 points left, 40 needed, 1 point a second: about 20 s.
    const refusedOnA = await a.graphql(QUERY, undefined, { apiKey: key });
    const retryAfter = Number(refusedOnA.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(19);
    expect(retryAfter).toBeLessThanOrEqual(20);
    expectRateLimited(refusedOnA, retryAfter);
    expectRateLimited(await b.graphql(QUERY, undefined, { apiKey: key }), retryAfter);
    expect(sandbox.server.requests()).toHaveLength(0);
    // Another workspace has its own bucket.
    const other = await freshWorkspaceKey(b);
    expect((await b.graphql(QUERY, undefined, { apiKey: other })).status).toBe(200);
    const metrics = await (await fetch(`${a.url}/metrics`)).text();
    expect(metrics).toMatch(/^graphql_operations_limited_total\{limit="rate"\} 1$/m);
  });

  it('gives back through Redis what an operation was estimated beyond its actual cost', async () => {
    const { a, b } = replicas;
    const key = await freshWorkspaceKey(a);
    expect((await a.graphql(EMPTY_PAGE, undefined, { apiKey: key })).status).toBe(200);
    expect(await statusOnceRefunded(() => b.graphql(QUERY, undefined, { apiKey: key }))).toBe(200);
  });
});

describe('workspace budget in one process without Redis', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ env: BUDGET });
  });
  afterAll(() => t?.close());

  it('refuses past the bucket and lets a cheaper operation through', async () => {
    const key = await freshWorkspaceKey(t);
    expect((await t.graphql(QUERY, undefined, { apiKey: key })).status).toBe(200);
    expect((await t.graphql(QUERY, undefined, { apiKey: key })).status).toBe(200);
    const refused = await t.graphql(QUERY, undefined, { apiKey: key });
    expectRateLimited(refused, Number(refused.headers.get('retry-after')));
    // viewer { workspace { id } } costs 2 points, which the 20 left still pay for.
    const cheap = await t.graphql('{ viewer { workspace { id } } }', undefined, { apiKey: key });
    expect(cheap.status).toBe(200);
    expect(cheap.body.errors).toBeUndefined();
  });

  it('gives back what an operation was estimated beyond its actual cost', async () => {
    const key = await freshWorkspaceKey(t);
    const empty = await t.graphql<{ workflows: { nodes: unknown[] } }>(EMPTY_PAGE, undefined, {
      apiKey: key,
    });
    expect(empty.body.data?.workflows.nodes).toEqual([]);
    // 9 points were left after the estimate; 40 are there only once the 80 came back.
    expect(await statusOnceRefunded(() => t.graphql(QUERY, undefined, { apiKey: key }))).toBe(200);
  });

  it('refuses a configuration whose bucket cannot pay for the costliest allowed operation', async () => {
    expect(() =>
      loadConfig({ SANDBOX: 'true', MAX_OPERATION_COST: '1000', RATE_LIMIT_POINTS: '999' }),
    ).toThrow(/^Invalid RATE_LIMIT_POINTS: expected at least MAX_OPERATION_COST \(1000\)/);
  });
});
