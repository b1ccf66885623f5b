import type { ApolloServerPlugin } from '@apollo/server';
import { Histogram, type Registry } from 'prom-client';
import { nameOperationSpan, operationErrors } from './spans.js';

/** Upper bounds of the operation duration histogram, in seconds. */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The operation duration histogram's names, per registry (OperationNameLabels.ofOperations). */
const operationNames = new WeakMap<Registry, OperationNameLabels>();

/**
 * Operation names as metric labels, bounded: an unnamed operation is `anonymous`, a request that
 * never resolved to an operation (unparsable, invalid) is `unknown`, and past `max` distinct
 * names every new one is `other`. Names are GraphQL names once parsed, so they are short and
 * plain; prom-client escapes label values all the same.
 */
export class OperationNameLabels {
  private readonly seen = new Set<string>();

  constructor(private readonly max: number) {}

  /**
   * The names of the operation duration histogram in `registry`: one set for both transports
   * (the Apollo plugin for HTTP, SocketOperationObserver for graphql-ws), so the histogram holds
   * at most `max` names in all, not `max` per transport.
   */
  static ofOperations(registry: Registry, max: number): OperationNameLabels {
    let names = operationNames.get(registry);
    if (!names) {
      names = new OperationNameLabels(max);
      operationNames.set(registry, names);
    }
    return names;
  }

  of(name: string | undefined): string {
    if (name === undefined) return 'anonymous';
    if (this.seen.has(name)) return name;
    if (this.seen.size >= this.max) return 'other';
    this.seen.add(name);
    return name;
  }
}

/**
 * Times each GraphQL operation from the moment Apollo receives it to its answer (parsing,
 * validation, cost checks and execution; not the wait for an admission slot), by operation name
 * and type; and, with tracing on, names the request's span after its operation and marks it
 * failed when the answer carries errors.
 */
export function operationObservabilityPlugin(
  registry: Registry,
  maxOperationNames: number,
): ApolloServerPlugin {
  const duration = new Histogram({
    name: 'graphql_operation_duration_seconds',
    help: 'Duration of GraphQL operations, by operation name (bounded, see METRICS_MAX_OPERATION_NAMES) and type.',
    labelNames: ['operation', 'type'] as const,
    buckets: BUCKETS,
    registers: [registry],
  });
  const names = OperationNameLabels.ofOperations(registry, maxOperationNames);
  return {
    async requestDidStart() {
      const started = performance.now();
      let operation = 'unknown';
      let type = 'unknown';
      return {
        async didResolveOperation({ operation: resolved }) {
          if (!resolved) return;
          operation = names.of(resolved.name?.value);
          type = resolved.operation;
          nameOperationSpan(type, resolved.name?.value);
        },
        async willSendResponse({ response }) {
          duration.observe({ operation, type }, (performance.now() - started) / 1000);
          if (response.body.kind === 'single' && response.body.singleResult.errors)
            operationErrors(
              response.body.singleResult.errors.map((e) =>
                String(e.extensions?.['code'] ?? 'ERROR'),
              ),
            );
        },
      };
    },
  };
}
