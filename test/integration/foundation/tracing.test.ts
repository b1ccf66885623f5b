import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { InMemorySpanExporter, ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Tracing } from '../../../src/observability/tracing.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import {
  expectOperationSpan,
  startTestTracing,
  TRACE_ID,
  traceparent,
} from '../../helpers/spans.js';

/**
 * OpenTelemetry tracing over real HTTP, spans read from an in-memory exporter: a server span per
 * GraphQL request that continues the caller's W3C trace context, a client span per upstream call
 * whose context reaches the upstream as `traceparent`, and no span that names a path.
 */

const WORKFLOWS = 'query Workflows { workflows(entityType: SHIPMENT) { totalCount } }';

describe('tracing', () => {
  let t: TestGateway;
  let tracing: Tracing | undefined;
  let exporter: InMemorySpanExporter;

  beforeAll(async () => {
    ({ exporter, tracing } = await startTestTracing());
    t = await startTestGateway();
  });
  afterAll(async () => {
    await t?.close();
    await tracing?.shutdown();
  });
  beforeEach(() => {
    exporter.reset();
    t.sandbox.server.resetStats();
    t.sandbox.server.setKnobs('dispatch', { errorRate: 0 });
  });

  /** The finished spans once the request's server span has ended. */
  async function spansOf(name: string): Promise<ReadableSpan[]> {
    return vi.waitFor(() => {
      const spans = exporter.getFinishedSpans();
      if (!spans.some((s) => s.kind === SpanKind.SERVER && s.name === name))
        throw new Error(`no server span "${name}" yet`);
      return spans;
    });
  }

  it('continues the caller’s trace and carries it to the upstream', async () => {
    const res = await t.graphql(WORKFLOWS, undefined, {
      headers: { traceparent: traceparent() },
    });
    expect(res.body.errors).toBeUndefined();
    const spans = await spansOf('query Workflows');
    const server = spans.find((s) => s.kind === SpanKind.SERVER)!;
    expectOperationSpan(server, { traceId: TRACE_ID, type: 'query', name: 'Workflows' });
    expect(server.resource.attributes).toMatchObject({
      'service.name': 'commerce-graph',
      'telemetry.sdk.language': 'nodejs',
    });

    const clients = spans.filter((s) => s.kind === SpanKind.CLIENT);
    expect(clients.length).toBeGreaterThan(0);
    for (const client of clients) {
      expect(client.spanContext().traceId).toBe(TRACE_ID);
      expect(client.parentSpanContext?.spanId).toBe(server.spanContext().spanId);
      expect(client.attributes['upstream.name']).toBe('dispatch');
      expect(client.attributes['http.response.status_code']).toBe(200);
      expect(client.attributes['upstream.operation']).toMatch(/^GET \//);
    }

    // The upstream received our trace context: the same trace, each call's own span as parent.
    const received = t.sandbox.server.requests('dispatch');
    expect(received.length).toBe(clients.length);
    const clientIds = new Set(clients.map((c) => c.spanContext().spanId));
    for (const entry of received) {
      const [version, traceId, parentId] = (entry.traceparent ?? '').split('-');
      expect(version).toBe('00');
      expect(traceId).toBe(TRACE_ID);
      expect(clientIds.has(parentId!)).toBe(true);
    }
    // No span names or carries the path an upstream was called with.
    const recorded = JSON.stringify(spans.map((s) => [s.name, s.attributes]));
    for (const entry of received) expect(recorded).not.toContain(entry.path);
  });

  it('starts a trace of its own when the caller sends none', async () => {
    expect((await t.graphql(WORKFLOWS)).body.errors).toBeUndefined();
    const spans = await spansOf('query Workflows');
    const server = spans.find((s) => s.kind === SpanKind.SERVER)!;
    expect(server.parentSpanContext).toBeUndefined();
    expect(server.spanContext().traceId).not.toBe(TRACE_ID);
    const [entry] = t.sandbox.server.requests('dispatch');
    expect(entry?.traceparent?.split('-')[1]).toBe(server.spanContext().traceId);
  });

  it('marks a failed upstream call and the operation that reported it', async () => {
    t.sandbox.server.setKnobs('dispatch', { errorRate: 1 });
    const res = await t.graphql(WORKFLOWS);
    expect(res.body.errors?.[0]?.extensions?.['upstream']).toBe('dispatch');
    const spans = await spansOf('query Workflows');
    const client = spans.find((s) => s.kind === SpanKind.CLIENT)!;
    expect(client.status.code).toBe(SpanStatusCode.ERROR);
    expect(client.attributes['http.response.status_code']).toBe(500);
    // Dispatch's list is a GET: retried before it failed.
    expect(client.attributes['http.request.resend_count']).toBeGreaterThan(0);
    const server = spans.find((s) => s.kind === SpanKind.SERVER)!;
    expect(server.status.code).toBe(SpanStatusCode.ERROR);
  });
});
