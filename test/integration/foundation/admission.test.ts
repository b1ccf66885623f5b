import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';

/**
 * Operations past the gateway's concurrency limit wait their turn, and past the queue's bounds
 * are refused with 503 before they touch an upstream. One slot and a slow Dispatch make the
 * limit bind on purpose; the limit's movement with the event loop is covered by the unit test.
 */

const QUERY = '{ workflows(entityType: SHIPMENT) { totalCount } }';
const SLOW_MS = 400;

async function post(t: TestGateway, signal?: AbortSignal) {
  const res = await fetch(t.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': t.keys.a },
    body: JSON.stringify({ query: QUERY }),
    ...(signal ? { signal } : {}),
  });
  return {
    status: res.status,
    retryAfter: res.headers.get('retry-after'),
    body: (await res.json()) as {
      data?: { workflows: { totalCount: number } };
      errors?: Array<{ message: string; extensions: { code: string; retryAfter?: number } }>;
    },
  };
}

async function refusals(t: TestGateway): Promise<Record<string, number>> {
  const text = await (await fetch(`${t.url}/metrics`)).text();
  const counts: Record<string, number> = {};
  for (const m of text.matchAll(/^graphql_operations_refused_total\{reason="([\w-]+)"\} (\d+)$/gm))
    counts[m[1]!] = Number(m[2]);
  return counts;
}

/** Waits until the gateway's /metrics shows `line` (e.g. one operation running, one queued). */
async function untilMetric(t: TestGateway, line: string): Promise<void> {
  await vi.waitFor(
    async () => {
      // Read in-process (no socket), so the polls leave no keep-alive connection behind.
      const text = (await t.gateway.app.inject({ url: '/metrics' })).body;
      if (!text.split('\n').includes(line)) throw new Error(`/metrics has no line "${line}" yet`);
    },
    { timeout: 10_000, interval: 10 },
  );
}

/**
 * A gateway with one slot, the given queue bounds and a Dispatch slowed to `latencyMs`, and the
 * Dispatch calls one query makes (measured before the slowdown, on an idle gateway).
 */
async function slotGateway(
  queue: Record<string, string>,
  latencyMs: number,
): Promise<{ t: TestGateway; perQuery: number }> {
  const t = await startTestGateway({
    env: { ADMISSION_MIN_CONCURRENCY: '1', ADMISSION_MAX_CONCURRENCY: '1', ...queue },
  });
  const before = t.sandbox.server.requestCount('dispatch');
  const res = await post(t);
  expect(res.body.data?.workflows.totalCount).toBeGreaterThanOrEqual(0);
  const perQuery = t.sandbox.server.requestCount('dispatch') - before;
  expect(perQuery).toBeGreaterThan(0);
  t.sandbox.server.setKnobs('dispatch', { latencyMs });
  return { t, perQuery };
}

describe('admission: one slot, one place in the queue', () => {
  let t: TestGateway;
  let perQuery: number;
  beforeAll(async () => {
    ({ t, perQuery } = await slotGateway({ ADMISSION_QUEUE_LIMIT: '1' }, SLOW_MS));
  });
  afterAll(() => t.close());

  it('runs one, queues one and refuses the third before it reaches Dispatch', async () => {
    const before = t.sandbox.server.requestCount('dispatch');
    const first = post(t);
    // Each next request is sent once the one before is in (running, then queued).
    await untilMetric(t, 'graphql_operations_in_flight 1');
    const second = post(t);
    await untilMetric(t, 'graphql_operations_queued 1');
    const third = await post(t);

    expect(third.status).toBe(503);
    expect(third.retryAfter).toBe('1');
    expect(third.body.errors?.[0]?.extensions).toEqual({ code: 'OVERLOADED', retryAfter: 1 });
    expect(third.body).not.toHaveProperty('data');
    const answers = await Promise.all([first, second]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect(answers.every((a) => a.body.data?.workflows)).toBe(true);
    expect(t.sandbox.server.requestCount('dispatch') - before).toBe(2 * perQuery);
    expect((await refusals(t))['queue-full']).toBe(1);
  });

  it('serves GraphiQL, health and metrics while every slot is taken', async () => {
    const running = post(t);
    await untilMetric(t, 'graphql_operations_in_flight 1');
    const queued = post(t);
    await untilMetric(t, 'graphql_operations_queued 1');
    const page = await fetch(t.graphqlUrl, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html');
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toContain('graphql_operations_in_flight 1');
    expect(metrics).toContain('graphql_operations_queued 1');
    expect(metrics).toContain('graphql_admission_limit 1');
    expect((await Promise.all([running, queued])).map((a) => a.status)).toEqual([200, 200]);
  });

  it('drops a queued operation whose client went away, without calling Dispatch for it', async () => {
    const before = t.sandbox.server.requestCount('dispatch');
    const refusedBefore = (await refusals(t))['client-closed'] ?? 0;
    const running = post(t);
    await untilMetric(t, 'graphql_operations_in_flight 1');
    const abort = new AbortController();
    const queued = post(t, abort.signal).catch((error: unknown) => error);
    await untilMetric(t, 'graphql_operations_queued 1');
    abort.abort();
    expect(await queued).toBeInstanceOf(Error);
    expect((await running).status).toBe(200);
    // Once nothing runs or waits, the dropped operation can no longer reach Dispatch.
    await untilMetric(t, 'graphql_operations_queued 0');
    await untilMetric(t, 'graphql_operations_in_flight 0');
    expect(t.sandbox.server.requestCount('dispatch') - before).toBe(perQuery);
    expect((await refusals(t))['client-closed']).toBe(refusedBefore + 1);
  });
});

describe('admission: a bounded wait', () => {
  let t: TestGateway;
  let perQuery: number;
  beforeAll(async () => {
    ({ t, perQuery } = await slotGateway({ ADMISSION_QUEUE_TIMEOUT_MS: '150' }, 3 * SLOW_MS));
  });
  afterAll(() => t.close());

  it('refuses an operation that waited longer than the queue timeout', async () => {
    const before = t.sandbox.server.requestCount('dispatch');
    const running = post(t);
    await untilMetric(t, 'graphql_operations_in_flight 1');
    const waited = await post(t);
    expect(waited.status).toBe(503);
    expect(waited.body.errors?.[0]?.extensions.code).toBe('OVERLOADED');
    expect(waited.body.errors?.[0]?.message).toMatch(/waited too long/);
    expect((await running).status).toBe(200);
    expect(t.sandbox.server.requestCount('dispatch') - before).toBe(perQuery);
    expect((await refusals(t))['queue-timeout']).toBe(1);
  });
});
