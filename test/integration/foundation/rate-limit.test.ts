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
 */
const BUDGET = {
  MAX_OPERATION_COST: '100',
  RATE_LIMIT_POINTS: '100',
  RATE_LIMIT_POINTS_PER_SECOND: '1',
};
// nodes(ids:) weighs 10 and counts one entry per id: 10 + 30 = 40 points.
const QUERY = `{ nodes(ids: [${Array.from({ length: 30 }, (_, i) => `"gid://commerce-graph/Order/codat:c:${i}"`).join(', ')}]) { id } }`;

/** A workspace of its own: Redis outlives this test, and other tests' workspaces are ws-a/ws-b. */
async function freshWorkspaceKey(t: TestGateway): Promise<string> {
  const id = `ws-rate-${randomUUID()}`;
  await t.gateway.services.workspaces.ensure(id, 'Rate limited');
  return (await t.gateway.services.workspaces.createApiKey(id, { roles: ['member'] })).key;
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

  it('refuses a configuration whose bucket cannot pay for the costliest allowed operation', async () => {
    expect(() =>
      loadConfig({ SANDBOX: 'true', MAX_OPERATION_COST: '1000', RATE_LIMIT_POINTS: '999' }),
    ).toThrow(/^Invalid RATE_LIMIT_POINTS: expected at least MAX_OPERATION_COST \(1000\)/);
  });
});
