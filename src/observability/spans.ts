import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
} from '@opentelemetry/api';

/**
 * The spans the gateway makes: one per GraphQL request (a server span, child of the caller's
 * `traceparent` when it sends one), one per subscription and per subscription event, and one
 * per upstream call (a client span whose context the call carries as `traceparent`). Only the
 * OpenTelemetry API is loaded here; with tracing off (the default) each function tests
 * `enabled` and does nothing else.
 */

let enabled = false;

/** Set by startTracing (tracing.ts) once the SDK is registered. */
export function setTracingEnabled(on: boolean): void {
  enabled = on;
}

export function tracingEnabled(): boolean {
  return enabled;
}

const tracer = () => trace.getTracer('commerce-graph');

/** Header values as Node and Fastify give them. */
export type IncomingHeaders = Record<string, string | string[] | undefined>;

/**
 * Runs one GraphQL request inside its server span. Named `GraphQL Operation` until the operation
 * is known (`nameOperationSpan`), as the semantic conventions name an unparsed request.
 */
export async function inOperationSpan<T>(
  headers: IncomingHeaders,
  fn: () => Promise<T>,
): Promise<T> {
  if (!enabled) return fn();
  const parent = propagation.extract(ROOT_CONTEXT, headers);
  const span = tracer().startSpan('GraphQL Operation', { kind: SpanKind.SERVER }, parent);
  return inSpan(span, parent, fn, () => []);
}

/** Names the request's span after its operation: `query ListOrders`. */
export function nameOperationSpan(type: string, name: string | undefined): void {
  if (!enabled) return;
  const span = trace.getActiveSpan();
  if (!span) return;
  span.updateName(name ? `${type} ${name}` : type);
  span.setAttribute('graphql.operation.type', type);
  if (name) span.setAttribute('graphql.operation.name', name);
}

/** Marks the request's span as failed when its answer carries errors. */
export function operationErrors(codes: readonly string[]): void {
  if (!enabled || codes.length === 0) return;
  const span = trace.getActiveSpan();
  span?.setStatus({ code: SpanStatusCode.ERROR, message: [...new Set(codes)].join(', ') });
}

/** The spans of one subscription over graphql-ws. */
export interface SubscriptionSpans {
  /** Runs the subscribe (the source stream's creation) in the subscription's span, then ends it. */
  subscribe<T>(fn: () => Promise<T>, errorCodes: (result: T) => readonly string[]): Promise<T>;
  /** Runs one event's execution in a span of its own, a child of the subscription's span. */
  event<T>(fn: () => Promise<T>, errorCodes: (result: T) => readonly string[]): Promise<T>;
}

/**
 * A server span for a subscription (`subscription OrderEvents`, with the same `graphql.operation.*`
 * attributes as an HTTP operation's span), child of the caller's trace context sent with the
 * socket (`carrier`). It covers the subscribe only, so it is exported as soon as the
 * subscription is set up, however long the subscription lasts; each event's execution then
 * gets a span of its own under it (`subscription OrderEvents event`), and the upstream calls
 * made while resolving the event are that span's children.
 */
export function startSubscriptionSpans(
  carrier: IncomingHeaders,
  name: string | undefined,
): SubscriptionSpans | undefined {
  if (!enabled) return undefined;
  const parent = propagation.extract(ROOT_CONTEXT, carrier);
  const title = name ? `subscription ${name}` : 'subscription';
  const attributes = {
    'graphql.operation.type': 'subscription',
    ...(name ? { 'graphql.operation.name': name } : {}),
  };
  const span = tracer().startSpan(title, { kind: SpanKind.SERVER, attributes }, parent);
  const subscribed = trace.setSpan(parent, span);
  return {
    subscribe: (fn, errorCodes) => inSpan(span, parent, fn, errorCodes),
    event(fn, errorCodes) {
      const event = tracer().startSpan(`${title} event`, { attributes }, subscribed);
      return inSpan(event, subscribed, fn, errorCodes);
    },
  };
}

/**
 * Runs `fn` with `span` active (under `parent`), marks the span failed when `fn` throws or its
 * result carries error codes, and ends it.
 */
async function inSpan<T>(
  span: Span,
  parent: Context,
  fn: () => Promise<T>,
  errorCodes: (result: T) => readonly string[],
): Promise<T> {
  try {
    const result = await context.with(trace.setSpan(parent, span), fn);
    const codes = errorCodes(result);
    if (codes.length > 0)
      span.setStatus({ code: SpanStatusCode.ERROR, message: [...new Set(codes)].join(', ') });
    return result;
  } catch (error) {
    failed(span, error);
    throw error;
  } finally {
    span.end();
  }
}

/** What an upstream call reports to its span once it is over. */
export interface UpstreamSpan {
  /** Headers the call's attempts carry: `traceparent` (and `tracestate`). */
  readonly headers: Record<string, string>;
  /** Counts an attempt repeated after a retryable failure. */
  retried(): void;
  end(outcome: { status?: number; error?: unknown }): void;
}

/**
 * A client span for one upstream call, retries included. Its attributes name the upstream and
 * the call's secret-free operation label (`GET /commerce-orders`), never the path it was sent to,
 * which can carry a token.
 */
export function startUpstreamSpan(
  upstream: string,
  method: string,
  operation: string,
): UpstreamSpan | undefined {
  if (!enabled) return undefined;
  const span = tracer().startSpan(`${upstream} ${operation}`, {
    kind: SpanKind.CLIENT,
    attributes: {
      'upstream.name': upstream,
      'upstream.operation': operation,
      'http.request.method': method,
    },
  });
  const headers: Record<string, string> = {};
  propagation.inject(trace.setSpan(context.active(), span), headers);
  let retries = 0;
  return {
    headers,
    retried() {
      retries += 1;
    },
    end({ status, error }) {
      if (status !== undefined) span.setAttribute('http.response.status_code', status);
      if (retries > 0) span.setAttribute('http.request.resend_count', retries);
      if (error !== undefined) failed(span, error);
      span.end();
    },
  };
}

function failed(span: Span, error: unknown): void {
  const name = error instanceof Error ? error.name : 'Error';
  span.setAttribute('error.type', name);
  // The message of a gateway or upstream error names the upstream and a status, never a path.
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: error instanceof Error ? error.message : name,
  });
}
