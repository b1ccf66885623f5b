import {
  createSourceEventStream,
  execute,
  getOperationAST,
  type ExecutionArgs,
  type ExecutionResult,
} from 'graphql';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { OperationNameLabels } from './operation-plugin.js';
import { startSubscriptionSpans, type IncomingHeaders } from './spans.js';

/** Upper bounds of the event execution histogram, in seconds. */
const BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** The error codes an event's answer carries (its own errors and the partial ones reported). */
export type EventErrorCodes = (result: ExecutionResult, contextValue: unknown) => string[];

type Stream = AsyncGenerator<ExecutionResult, void, void>;

/**
 * Metrics and spans of GraphQL subscriptions over graphql-ws, which Apollo's plugins never see:
 * its `subscribe` runs graphql-js's subscribe in two steps (the source stream, then `execute`
 * per event, as graphql-js does) so each step is timed and traced on its own. Operation names
 * are bounded as for HTTP operations (`OperationNameLabels`): `unknown` for a subscribe refused
 * or invalid before its operation is known, `other` past the cap.
 */
export class SubscriptionObserver {
  private readonly names: OperationNameLabels;
  private readonly started: Counter<'operation' | 'outcome'>;
  private readonly active: Gauge<'operation'>;
  private readonly events: Counter<'operation' | 'outcome'>;
  private readonly eventDuration: Histogram<'operation'>;

  constructor(
    registry: Registry,
    maxOperationNames: number,
    private readonly errorCodes: EventErrorCodes,
  ) {
    this.names = new OperationNameLabels(maxOperationNames);
    this.started = new Counter({
      name: 'graphql_subscriptions_started_total',
      help: 'Subscribe requests over graphql-ws, by operation name (bounded) and outcome: ok, error (the subscribe failed), refused (a limit or trusted documents), invalid.',
      labelNames: ['operation', 'outcome'] as const,
      registers: [registry],
    });
    this.active = new Gauge({
      name: 'graphql_subscriptions_active',
      help: 'GraphQL subscriptions open on this process’s graphql-ws sockets, by operation name (bounded).',
      labelNames: ['operation'] as const,
      registers: [registry],
    });
    this.events = new Counter({
      name: 'graphql_subscription_events_total',
      help: 'Subscription events executed and handed to graphql-ws for delivery, by operation name (bounded) and outcome (ok, or error when the event’s answer carries errors).',
      labelNames: ['operation', 'outcome'] as const,
      registers: [registry],
    });
    this.eventDuration = new Histogram({
      name: 'graphql_subscription_event_duration_seconds',
      help: 'Time to execute one subscription event (its resolvers and upstream calls), by operation name (bounded).',
      labelNames: ['operation'] as const,
      buckets: BUCKETS,
      registers: [registry],
    });
  }

  /** A subscribe refused before it ran (socket limits, trusted documents). */
  refused(): void {
    this.started.inc({ operation: 'unknown', outcome: 'refused' });
  }

  /** A subscribe whose document did not validate. */
  invalid(): void {
    this.started.inc({ operation: 'unknown', outcome: 'invalid' });
  }

  /**
   * graphql-ws's `subscribe`: the source stream made in the subscription's span, then a stream
   * of answers whose events are each executed in a span of their own. `carrier` holds the
   * caller's trace context (`traceparent`).
   */
  async subscribe(
    args: ExecutionArgs,
    carrier: IncomingHeaders,
  ): Promise<Stream | ExecutionResult> {
    const name = getOperationAST(args.document, args.operationName)?.name?.value;
    const operation = this.names.of(name);
    const spans = startSubscriptionSpans(carrier, name);
    let source: Awaited<ReturnType<typeof createSourceEventStream>>;
    try {
      const subscribe = () => Promise.resolve(createSourceEventStream(args));
      source = spans
        ? await spans.subscribe(subscribe, (r) =>
            Symbol.asyncIterator in r ? [] : this.errorCodes(r, args.contextValue),
          )
        : await subscribe();
    } catch (error) {
      this.started.inc({ operation, outcome: 'error' });
      throw error;
    }
    if (!(Symbol.asyncIterator in source)) {
      this.started.inc({ operation, outcome: 'error' });
      return source;
    }
    this.started.inc({ operation, outcome: 'ok' });
    this.active.inc({ operation });

    const runEvent = async (payload: unknown): Promise<ExecutionResult> => {
      const begun = performance.now();
      const run = () => Promise.resolve(execute({ ...args, rootValue: payload }));
      const codes = (r: ExecutionResult) => this.errorCodes(r, args.contextValue);
      const result = spans ? await spans.event(run, codes) : await run();
      this.eventDuration.observe({ operation }, (performance.now() - begun) / 1000);
      this.events.inc({ operation, outcome: codes(result).length > 0 ? 'error' : 'ok' });
      return result;
    };
    return mapEvents(source, runEvent, () => this.active.dec({ operation }));
  }
}

/**
 * The source stream mapped through `run`, as graphql-js maps it, with `closed` called once when
 * the stream ends, fails or is returned. Written as an iterator rather than an async generator:
 * graphql-ws returns the stream when the client completes, and an async generator waiting for
 * its next event would only see that return after the event came.
 */
function mapEvents(
  source: AsyncIterable<unknown>,
  run: (payload: unknown) => Promise<ExecutionResult>,
  closed: () => void,
): Stream {
  const events = source[Symbol.asyncIterator]();
  let open = true;
  const close = () => {
    if (open) closed();
    open = false;
  };
  const done = { done: true as const, value: undefined };
  const stream: Stream = {
    async next() {
      try {
        const step = await events.next();
        if (step.done) {
          close();
          return done;
        }
        return { done: false, value: await run(step.value) };
      } catch (error) {
        close();
        await events.return?.();
        throw error;
      }
    },
    async return() {
      close();
      await events.return?.();
      return done;
    },
    async throw(error: unknown) {
      close();
      if (events.throw) await events.throw(error);
      throw error;
    },
    [Symbol.asyncIterator]() {
      return stream;
    },
  };
  return stream;
}
