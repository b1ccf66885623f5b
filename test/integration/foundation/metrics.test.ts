import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';

/**
 * /metrics as Prometheus scrapes it, after real operations over HTTP (and graphql-ws): the process's metrics,
 * operation durations by a bounded set of operation names, upstream call durations by upstream
 * and status, and the admission and cost metrics, each gateway counting only its own requests.
 */

const WORKFLOWS = 'query Workflows { workflows(entityType: SHIPMENT) { totalCount } }';

async function scrape(t: TestGateway): Promise<{ text: string; type: string | null }> {
  const res = await fetch(`${t.url}/metrics`);
  return { text: await res.text(), type: res.headers.get('content-type') };
}

/** The value of the sample `name{labels}` (labels in prom-client's order), or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('/metrics', () => {
  let t: TestGateway;
  let other: TestGateway;

  beforeAll(async () => {
    t = await startTestGateway({ env: { METRICS_MAX_OPERATION_NAMES: '2' } });
    other = await startTestGateway({ sharedSandbox: t.sandbox });
  });
  afterAll(async () => {
    await other?.close();
    await t?.close();
  });

  it('shows what one process and its operations did, in Prometheus text', async () => {
    t.gateway.services.metrics.reset();
    expect((await t.graphql(WORKFLOWS)).body.errors).toBeUndefined();
    expect((await t.graphql(WORKFLOWS)).body.errors).toBeUndefined();
    expect((await t.graphql('{ __typename }')).body.errors).toBeUndefined();
    expect((await t.graphql('query Second { __typename }')).body.errors).toBeUndefined();
    // The cap is two names: a third is counted as `other`, however many more come.
    expect((await t.graphql('query Third { __typename }')).body.errors).toBeUndefined();
    expect((await t.graphql('query Fourth { __typename }')).body.errors).toBeUndefined();
    // Never resolved to an operation: `unknown`.
    expect((await t.graphql('query Broken {')).status).toBe(400);

    const { text, type } = await scrape(t);
    expect(type).toMatch(/^text\/plain; version=0\.0\.4/);
    const count = (labels: string) =>
      sample(text, `graphql_operation_duration_seconds_count{${labels}}`);
    expect(count('operation="Workflows",type="query"')).toBe(2);
    expect(count('operation="anonymous",type="query"')).toBe(1);
    expect(count('operation="Second",type="query"')).toBe(1);
    expect(count('operation="other",type="query"')).toBe(2);
    expect(count('operation="unknown",type="unknown"')).toBe(1);
    expect(text).not.toContain('operation="Third"');
    expect(
      sample(
        text,
        'graphql_operation_duration_seconds_bucket{le="+Inf",operation="Workflows",type="query"}',
      ),
    ).toBe(2);

    // Each upstream attempt is in the duration histogram under its upstream and status, and in
    // the request counter: as many as the client counted.
    const dispatch = t.gateway.services.metrics.snapshot('dispatch');
    expect(dispatch.requests).toBeGreaterThanOrEqual(2);
    expect(
      sample(text, 'upstream_request_duration_seconds_count{upstream="dispatch",status="200"}'),
    ).toBe(dispatch.byStatus['200']);
    expect(sample(text, 'upstream_requests_total{upstream="dispatch",status="200"}')).toBe(
      dispatch.byStatus['200'],
    );
    expect(sample(text, 'upstream_calls_total{upstream="dispatch",outcome="ok"}')).toBe(
      dispatch.calls,
    );

    // Admission and cost, as before the move to prom-client.
    expect(text.split('\n')).toContain('graphql_operations_in_flight 0');
    expect(text).toMatch(/^graphql_admission_limit \d+$/m);
    expect(sample(text, 'graphql_operations_refused_total{reason="queue-full"}')).toBe(0);
    expect(sample(text, 'graphql_operation_cost_count{kind="estimated"}')).toBe(6);
    expect(sample(text, 'graphql_operation_cost_count{kind="actual"}')).toBe(6);

    // The process: memory, heap, GC, event-loop lag and busy time, CPU.
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(sample(text, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect(text).toContain('# TYPE nodejs_gc_duration_seconds histogram');
    expect(sample(text, 'nodejs_eventloop_lag_p99_seconds')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'nodejs_eventloop_time_seconds_total{state="active"}')).toBeGreaterThan(0);
    expect(sample(text, 'nodejs_eventloop_time_seconds_total{state="idle"}')).toBeGreaterThan(0);
    expect(sample(text, 'process_cpu_seconds_total')).toBeGreaterThan(0);
  });

  it('counts in each gateway only its own operations (two in one process)', async () => {
    const before =
      sample(
        (await scrape(t)).text,
        'graphql_operation_duration_seconds_count{operation="Workflows",type="query"}',
      ) ?? 0;
    expect((await other.graphql(WORKFLOWS)).body.errors).toBeUndefined();
    const mine = (await scrape(t)).text;
    const theirs = (await scrape(other)).text;
    expect(
      sample(mine, 'graphql_operation_duration_seconds_count{operation="Workflows",type="query"}'),
    ).toBe(before);
    expect(
      sample(
        theirs,
        'graphql_operation_duration_seconds_count{operation="Workflows",type="query"}',
      ),
    ).toBe(1);
    // The process's own metrics are in both.
    expect(sample(theirs, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('bounds the operation names of HTTP and graphql-ws together', async () => {
    // The cap's two names taken over HTTP (already, if the first test ran)…
    expect((await t.graphql(WORKFLOWS)).body.errors).toBeUndefined();
    expect((await t.graphql('query Second { __typename }')).body.errors).toBeUndefined();
    const count = (text: string, operation: string) =>
      sample(
        text,
        `graphql_operation_duration_seconds_count{operation="${operation}",type="query"}`,
      );
    const before = (await scrape(t)).text;
    // …so a new name sent on a socket is `other`, and a taken one counts under its name.
    const client = createClient({
      url: t.graphqlUrl.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { 'x-api-key': t.keys.a },
      retryAttempts: 0,
    });
    try {
      for (const query of ['query OnSocket { __typename }', 'query Second { __typename }']) {
        for await (const answer of client.iterate({ query })) expect(answer.errors).toBeUndefined();
      }
    } finally {
      await client.dispose();
    }
    const after = (await scrape(t)).text;
    expect(after).not.toContain('operation="OnSocket"');
    expect(count(after, 'other')).toBe((count(before, 'other') ?? 0) + 1);
    expect(count(after, 'Second')).toBe(count(before, 'Second')! + 1);
  });
});
