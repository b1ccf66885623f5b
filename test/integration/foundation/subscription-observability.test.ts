import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { InMemorySpanExporter, ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Tracing } from '../../../src/observability/tracing.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import {
  CALLER_SPAN_ID,
  expectOperationSpan,
  startTestTracing,
  TRACE_ID,
  traceparent,
} from '../../helpers/spans.js';
import { until } from '../../helpers/wait.js';
import { authorizeCodat, linkSource } from '../commerce/helpers.js';

/**
 * Subscriptions over graphql-ws, measured and traced as HTTP operations are: through a real
 * graphql-ws client, spans read from an in-memory exporter and metrics from GET /metrics. A
 * subscription's span continues the trace context the socket sent, each event's execution has
 * a span under it, and the upstream calls made for the event are that span's children.
 */

const SYNCED = `subscription Synced { commerceLinkSynced {
  link { id syncStatus { dataType state } } outcome
} }`;
const UPDATES = 'subscription Updates { connectionUpdated { id status } }';

interface Subscriber {
  client: Client;
  events: unknown[];
  errors: unknown[];
  completed: boolean;
}

describe('subscription metrics and spans', () => {
  let t: TestGateway;
  let tracing: Tracing | undefined;
  let exporter: InMemorySpanExporter;
  const clients: Client[] = [];

  beforeAll(async () => {
    ({ exporter, tracing } = await startTestTracing());
    t = await startTestGateway({
      codatWebhooks: true,
      env: { METRICS_MAX_OPERATION_NAMES: '2', SUBSCRIPTIONS_PER_SOCKET: '2' },
    });
  });
  afterAll(async () => {
    for (const c of clients) await c.dispose();
    await t?.close();
    await tracing?.shutdown();
  });
  beforeEach(() => exporter.reset());

  /** A graphql-ws client subscribed to `query`; `params` go in connection_init. */
  function subscribe(
    query: string,
    { params = {}, headers }: { params?: Record<string, string>; headers?: Record<string, string> },
  ): Subscriber {
    // The upgrade request's headers, as a router or a server-side client sends them.
    class Socket extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols, headers ? { headers } : {});
      }
    }
    const client = createClient({
      url: t.graphqlUrl.replace(/^http/, 'ws'),
      webSocketImpl: Socket,
      connectionParams: { 'x-api-key': t.keys.a, ...params },
      retryAttempts: 0,
    });
    clients.push(client);
    const sub: Subscriber = { client, events: [], errors: [], completed: false };
    client.subscribe(
      { query },
      {
        next: (m) => (m.errors ? sub.errors.push(m.errors) : sub.events.push(m.data)),
        error: (e) => sub.errors.push(e),
        complete: () => (sub.completed = true),
      },
    );
    return sub;
  }

  const finished = () => exporter.getFinishedSpans();
  const spanNamed = (name: string): ReadableSpan | undefined =>
    finished().find((s) => s.name === name);

  async function metric(series: string): Promise<number | undefined> {
    const text = await (await fetch(`${t.url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line === undefined ? undefined : Number(line.slice(series.length + 1));
  }

  it('traces a subscription from the caller’s traceparent to the upstream calls of its events', async () => {
    const { id: linkId } = await linkSource(t, 'CODAT', 'Fresh Goods', 'woocommerce');
    const sub = subscribe(SYNCED, { params: { traceparent: traceparent() } });
    await until(() => spanNamed('subscription Synced') !== undefined, 'the subscribe span');
    const subscribed = spanNamed('subscription Synced')!;
    expectOperationSpan(subscribed, { traceId: TRACE_ID, type: 'subscription', name: 'Synced' });
    expect(await metric('graphql_subscriptions_active{operation="Synced"}')).toBe(1);

    t.sandbox.server.resetStats();
    t.sandbox.codat.completeSync(authorizeCodat(t, false));
    await until(() => sub.events.length === 1, 'the sync event');
    expect(sub.events[0]).toMatchObject({ commerceLinkSynced: { link: { id: linkId } } });
    expect(sub.errors).toEqual([]);
    await until(() => spanNamed('subscription Synced event') !== undefined, 'the event span');
    const event = spanNamed('subscription Synced event')!;
    expect(event.spanContext().traceId).toBe(TRACE_ID);
    expect(event.parentSpanContext?.spanId).toBe(subscribed.spanContext().spanId);
    expect(event.attributes['graphql.operation.name']).toBe('Synced');

    // `syncStatus` reads Codat: that call is the event span's child, and Codat got its context.
    const calls = finished().filter(
      (s) =>
        s.kind === SpanKind.CLIENT && s.parentSpanContext?.spanId === event.spanContext().spanId,
    );
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) {
      expect(call.spanContext().traceId).toBe(TRACE_ID);
      expect(call.attributes['upstream.name']).toBe('codat');
    }
    const callIds = new Set(calls.map((c) => c.spanContext().spanId));
    const received = t.sandbox.server
      .requests('codat')
      .filter((r) => callIds.has(r.traceparent?.split('-')[2] ?? ''));
    expect(received.length).toBe(calls.length);
    for (const entry of received) expect(entry.traceparent?.split('-')[1]).toBe(TRACE_ID);
    const recorded = JSON.stringify(finished().map((s) => [s.name, s.attributes]));
    for (const entry of received) expect(recorded).not.toContain(entry.path);

    expect(
      await metric('graphql_subscriptions_started_total{operation="Synced",outcome="ok"}'),
    ).toBe(1);
    expect(await metric('graphql_subscription_events_total{operation="Synced",outcome="ok"}')).toBe(
      1,
    );
    expect(
      await metric('graphql_subscription_event_duration_seconds_count{operation="Synced"}'),
    ).toBe(1);
    // The subscription ends with its socket: no longer active.
    await sub.client.dispose();
    await until(
      async () => (await metric('graphql_subscriptions_active{operation="Synced"}')) === 0,
      'the subscription to end',
    );
  });

  it('continues the trace of the upgrade request’s traceparent when connection_init has none', async () => {
    const traceId = 'a'.repeat(32);
    const sub = subscribe(UPDATES, { headers: { traceparent: traceparent(traceId) } });
    await until(() => spanNamed('subscription Updates') !== undefined, 'the subscribe span');
    const span = spanNamed('subscription Updates')!;
    expect(span.spanContext().traceId).toBe(traceId);
    expect(span.parentSpanContext?.spanId).toBe(CALLER_SPAN_ID);
    await sub.client.dispose();
  });

  it('counts failed, invalid and refused subscribes under bounded operation names', async () => {
    // Two names are counted (Synced, Updates): a third is `other`, and its subscribe fails.
    const failed = subscribe(
      'subscription Third { commerceLinkSynced(linkId: "not-a-link") { outcome } }',
      {},
    );
    await until(() => failed.errors.length > 0 || failed.completed, 'the failed subscribe');
    await until(() => spanNamed('subscription Third') !== undefined, 'its span');
    expect(spanNamed('subscription Third')!.status.code).toBe(SpanStatusCode.ERROR);
    expect(
      await metric('graphql_subscriptions_started_total{operation="other",outcome="error"}'),
    ).toBe(1);
    expect((await fetch(`${t.url}/metrics`).then((r) => r.text())).includes('"Third"')).toBe(false);

    const invalid = subscribe('subscription { noSuchField }', {});
    await until(() => invalid.errors.length > 0, 'the invalid subscribe');
    expect(
      await metric('graphql_subscriptions_started_total{operation="unknown",outcome="invalid"}'),
    ).toBe(1);

    // A third subscription on a socket that may hold two is refused (and the socket closed).
    const ws = new WebSocket(t.graphqlUrl.replace(/^http/, 'ws'), 'graphql-transport-ws');
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(JSON.stringify({ type: 'connection_init', payload: { 'x-api-key': t.keys.a } }));
    await new Promise((resolve) => ws.once('message', resolve));
    const closed = new Promise((resolve) => ws.once('close', resolve));
    for (const id of ['a', 'b', 'c'])
      ws.send(JSON.stringify({ id, type: 'subscribe', payload: { query: UPDATES } }));
    await closed;
    expect(
      await metric('graphql_subscriptions_started_total{operation="unknown",outcome="refused"}'),
    ).toBe(1);
    // The two it held, and the earlier socket's one; none is still active once they closed.
    const updates = (series: string) => metric(`${series}{operation="Updates"}`);
    await until(
      async () =>
        (await metric('graphql_subscriptions_started_total{operation="Updates",outcome="ok"}')) ===
          3 && (await updates('graphql_subscriptions_active')) === 0,
      'the refused socket’s subscriptions to end',
    );
  });
});
