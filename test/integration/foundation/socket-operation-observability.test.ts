import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { InMemorySpanExporter, ReadableSpan } from '@opentelemetry/sdk-trace-node';
import type { ExecutionResult } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Tracing } from '../../../src/observability/tracing.js';
import type { TestGateway } from '../../helpers/gateway.js';
import {
  expectOperationSpan,
  startTestTracing,
  TRACE_ID,
  traceparent,
} from '../../helpers/spans.js';
import { until } from '../../helpers/wait.js';
import { startWorkflowGateway } from '../integrations/workflow-fixtures.js';

/**
 * Queries and mutations sent over graphql-ws (as Apollo Client's GraphQLWsLink sends every
 * operation), measured and traced as HTTP operations are: through a real graphql-ws client,
 * spans read from an in-memory exporter and the operation duration histogram from GET /metrics.
 * Each operation's server span continues the socket's traceparent, and the Dispatch calls made
 * to answer it are its children.
 */

const WORKFLOWS = 'query Workflows { workflows(entityType: SHIPMENT, first: 1) { nodes { id } } }';
const TOGGLE = `mutation Toggle($id: ID!) {
  toggleWorkflow(input: { workflowId: $id }) { workflowId userErrors { code } }
}`;

type Answer = ExecutionResult<Record<string, { nodes?: Array<{ id: string }> } | null>>;

describe('queries and mutations over graphql-ws: metrics and spans', () => {
  let t: TestGateway;
  let tracing: Tracing | undefined;
  let exporter: InMemorySpanExporter;
  let client: Client;

  beforeAll(async () => {
    ({ exporter, tracing } = await startTestTracing());
    t = await startWorkflowGateway();
    client = createClient({
      url: t.graphqlUrl.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { 'x-api-key': t.keys.a, traceparent: traceparent() },
      retryAttempts: 0,
    });
  });
  afterAll(async () => {
    await client?.dispose();
    await t?.close();
    await tracing?.shutdown();
  });
  beforeEach(() => {
    exporter.reset();
    t.sandbox.server.resetStats();
  });

  /** The one answer of an operation sent on the socket. */
  async function send(query: string, variables: Record<string, unknown> = {}): Promise<Answer> {
    for await (const answer of client.iterate({ query, variables })) return answer as Answer;
    throw new Error('the operation completed without an answer');
  }

  /** The operation's server span once it ended, and the upstream call spans under it. */
  async function spansOf(name: string): Promise<{ server: ReadableSpan; calls: ReadableSpan[] }> {
    const find = () =>
      exporter.getFinishedSpans().find((s) => s.kind === SpanKind.SERVER && s.name === name);
    await until(() => find() !== undefined, `the span "${name}"`);
    const server = find()!;
    const calls = exporter
      .getFinishedSpans()
      .filter(
        (s) =>
          s.kind === SpanKind.CLIENT && s.parentSpanContext?.spanId === server.spanContext().spanId,
      );
    return { server, calls };
  }

  /** Each Dispatch call is a child span, and Dispatch received that span as its parent. */
  function expectDispatchCalls(calls: ReadableSpan[]): void {
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) expect(call.attributes['upstream.name']).toBe('dispatch');
    const received = t.sandbox.server.requests('dispatch');
    expect(received.length).toBe(calls.length);
    const ids = new Set(calls.map((c) => c.spanContext().spanId));
    for (const entry of received) {
      const [, traceId, parentId] = (entry.traceparent ?? '').split('-');
      expect(traceId).toBe(TRACE_ID);
      expect(ids.has(parentId!)).toBe(true);
    }
  }

  async function durationCount(operation: string, type: string): Promise<number | undefined> {
    const series = `graphql_operation_duration_seconds_count{operation="${operation}",type="${type}"}`;
    const text = await (await fetch(`${t.url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line === undefined ? undefined : Number(line.slice(series.length + 1));
  }

  it('traces and times a query and a mutation sent on the socket', async () => {
    const listed = await send(WORKFLOWS);
    expect(listed.errors).toBeUndefined();
    const id = listed.data?.['workflows']?.nodes?.[0]?.id;
    expect(id).toBeDefined();
    const query = await spansOf('query Workflows');
    expectOperationSpan(query.server, { traceId: TRACE_ID, type: 'query', name: 'Workflows' });
    expectDispatchCalls(query.calls);
    expect(await durationCount('Workflows', 'query')).toBe(1);

    exporter.reset();
    t.sandbox.server.resetStats();
    const toggled = await send(TOGGLE, { id });
    expect(toggled.errors).toBeUndefined();
    const mutation = await spansOf('mutation Toggle');
    expectOperationSpan(mutation.server, { traceId: TRACE_ID, type: 'mutation', name: 'Toggle' });
    expectDispatchCalls(mutation.calls);
    expect(await durationCount('Toggle', 'mutation')).toBe(1);
  });

  it('marks the span of an operation whose answer carries an upstream error', async () => {
    t.sandbox.server.setKnobs('dispatch', { errorRate: 1 });
    const answer = await send(WORKFLOWS.replace('Workflows', 'Failing')).finally(() =>
      t.sandbox.server.setKnobs('dispatch', { errorRate: 0 }),
    );
    expect(answer.errors?.[0]?.extensions?.['upstream']).toBe('dispatch');
    const { server, calls } = await spansOf('query Failing');
    expect(server.status.code).toBe(SpanStatusCode.ERROR);
    expect(calls.length).toBeGreaterThan(0);
    expect(await durationCount('Failing', 'query')).toBe(1);
  });
});
