import { execute, getOperationAST, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { Histogram, type Registry } from 'prom-client';
import { OperationNameLabels } from './operation-plugin.js';
import {
  inOperationSpan,
  nameOperationSpan,
  operationErrors,
  type IncomingHeaders,
} from './spans.js';
import type { EventErrorCodes } from './subscription-observer.js';

/** The operation duration histogram, which operationObservabilityPlugin registers. */
const DURATION = 'graphql_operation_duration_seconds';

/**
 * Metrics and spans of queries and mutations sent over graphql-ws, which Apollo's plugins never
 * see: the same server span as an HTTP operation (`query Workflows`, its `graphql.operation.*`
 * attributes, failed when the answer carries errors, partial ones included), child of the
 * socket's trace context, with the operation's upstream calls as its children; and a sample of
 * the HTTP operations' duration histogram, under the same labels. graphql-ws parses and
 * validates the document before it calls `execute`, so both cover the execution only.
 */
export class SocketOperationObserver {
  private readonly names: OperationNameLabels;
  private readonly duration: Histogram<'operation' | 'type'>;

  constructor(
    registry: Registry,
    maxOperationNames: number,
    private readonly errorCodes: EventErrorCodes,
  ) {
    // One histogram for both transports: taken from the registry, where the Apollo plugin made
    // it, since a second histogram of the same name cannot be registered.
    const duration = registry.getSingleMetric(DURATION);
    if (!(duration instanceof Histogram))
      throw new Error(`${DURATION} is not registered: start Apollo before graphql-ws`);
    this.duration = duration as Histogram<'operation' | 'type'>;
    this.names = OperationNameLabels.ofOperations(registry, maxOperationNames);
  }

  /**
   * graphql-ws's `execute`: graphql-js's, in the operation's span. `carrier` holds the caller's
   * trace context (`traceparent`).
   */
  async execute(args: ExecutionArgs, carrier: IncomingHeaders): Promise<ExecutionResult> {
    const started = performance.now();
    const resolved = getOperationAST(args.document, args.operationName);
    const type = resolved?.operation ?? 'unknown';
    const name = resolved?.name?.value;
    try {
      return await inOperationSpan(carrier, async () => {
        nameOperationSpan(type, name);
        const result = await execute(args);
        operationErrors(this.errorCodes(result, args.contextValue));
        return result;
      });
    } finally {
      const operation = resolved ? this.names.of(name) : 'unknown';
      this.duration.observe({ operation, type }, (performance.now() - started) / 1000);
    }
  }
}
