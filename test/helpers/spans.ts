import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { expect } from 'vitest';
import { startTracing, type Tracing } from '../../src/observability/tracing.js';
import { createLogger } from '../../src/server/logger.js';

/** A caller's W3C trace context: the trace it continues and the span it sends as parent. */
export const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
export const CALLER_SPAN_ID = '00f067aa0ba902b7';
export const traceparent = (traceId = TRACE_ID) => `00-${traceId}-${CALLER_SPAN_ID}-01`;

/**
 * Tracing on for this test file's process, its spans kept in memory as soon as they end.
 * Tracing is process-wide: start it before the gateway, shut it down after.
 */
export async function startTestTracing(): Promise<{
  exporter: InMemorySpanExporter;
  tracing: Tracing | undefined;
}> {
  const exporter = new InMemorySpanExporter();
  const tracing = await startTracing(
    { exporters: [], serviceName: 'commerce-graph' },
    createLogger('silent'),
    { exporter },
  );
  return { exporter, tracing };
}

/** A GraphQL operation's server span: the caller's trace, named attributes, not failed. */
export function expectOperationSpan(
  span: ReadableSpan,
  expected: { traceId: string; type: string; name: string },
): void {
  expect(span.kind).toBe(SpanKind.SERVER);
  expect(span.spanContext().traceId).toBe(expected.traceId);
  expect(span.parentSpanContext?.spanId).toBe(CALLER_SPAN_ID);
  expect(span.attributes).toMatchObject({
    'graphql.operation.name': expected.name,
    'graphql.operation.type': expected.type,
  });
  expect(span.status.code).not.toBe(SpanStatusCode.ERROR);
}
