import type { ApolloServerPlugin } from '@apollo/server';
import type { DocumentNode, GraphQLSchema, OperationDefinitionNode } from 'graphql';
import { Counter, Histogram, type Registry } from 'prom-client';
import { GatewayError } from '../errors.js';
import type { GraphQLContext } from '../request-context.js';
import { limitError, type DocumentLimits } from './document-limits.js';
import { estimateWithVariables, type CostRules } from './operation-cost.js';
import { resultCostMeter } from './result-cost.js';

export interface OperationCostOptions {
  schema: GraphQLSchema;
  limits: DocumentLimits & { maxCost: number };
  rules: CostRules;
  /**
   * Charges an admitted operation's estimated cost to its workspace (true when it was taken);
   * throws a RATE_LIMITED GatewayError when the workspace's budget cannot cover it.
   */
  charge?: (ctx: GraphQLContext, cost: number) => Promise<boolean>;
  /** Gives back what a charged operation was estimated beyond its measured cost. */
  refund?: (ctx: GraphQLContext, points: number) => Promise<void>;
}

/**
 * Bounds what one operation may cost before any resolver runs, once it is validated (its shape
 * is bounded by documentLimitsRule): the cost estimated with the request's variables, then the
 * workspace's budget. A refusal is a typed error and nothing ran,
 * upstream or in the store. Answers are measured with the same rules, for /metrics.
 */
export function operationCostPlugin(
  options: OperationCostOptions,
  metrics: OperationCostMetrics,
): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      let admitted: AdmittedCost | undefined;
      return {
        async didResolveOperation({ document, operation, request, contextValue }) {
          // No operation to run: Apollo answers that itself.
          if (!operation) return;
          admitted = await admitOperationCost(options, metrics, {
            document,
            operation,
            variables: request.variables ?? {},
            ctx: contextValue,
          });
        },
        async willSendResponse({ response, document, operation, contextValue }) {
          if (admitted === undefined || !document || !operation) return;
          if (response.body.kind !== 'single') return;
          settleOperationCost(options, metrics, admitted, {
            document,
            operation,
            data: response.body.singleResult.data,
            ctx: contextValue,
          });
        },
      };
    },
  };
}

/** What an admitted operation was estimated to cost, and whether its workspace paid it. */
export interface AdmittedCost {
  estimated: number;
  charged: boolean;
}

interface CostedOperation {
  document: DocumentNode;
  operation: OperationDefinitionNode;
  ctx: GraphQLContext;
}

/**
 * Estimates a validated operation's cost with the request's variables, refuses it past
 * `maxCost` (BAD_USER_INPUT, `limitName: cost`) and charges it to its workspace's budget
 * (RATE_LIMITED when spent). Shared by HTTP (the plugin above) and graphql-ws.
 */
export async function admitOperationCost(
  options: OperationCostOptions,
  metrics: OperationCostMetrics,
  { document, operation, variables, ctx }: CostedOperation & { variables: Record<string, unknown> },
): Promise<AdmittedCost> {
  const { limits } = options;
  const cost = costsFor(options).estimate(document, operation, variables);
  if (cost > limits.maxCost) {
    metrics.refuse('cost');
    throw limitError('cost', cost, limits.maxCost);
  }
  const charged = options.charge
    ? await refuseCountedAsync(metrics, () => options.charge!(ctx, cost))
    : false;
  // Only operations that run are measured, estimated and actual alike.
  metrics.observe('estimated', cost);
  return { estimated: cost, charged };
}

/** Measures an admitted operation's answer and refunds what it was estimated beyond it. */
export function settleOperationCost(
  options: OperationCostOptions,
  metrics: OperationCostMetrics,
  { estimated, charged }: AdmittedCost,
  { document, operation, data, ctx }: CostedOperation & { data: unknown },
): void {
  const actual = costsFor(options).measure(document, operation, data);
  metrics.observe('actual', actual);
  // The budget pays for what ran: an estimate counts full pages, an answer what came
  // back. Not awaited: the answer does not wait for the bucket.
  if (charged && options.refund && actual < estimated) {
    void options.refund(ctx, estimated - actual);
  }
}

/**
 * Estimates and answer meters kept per operation. Apollo's document store hands back the same
 * parsed document (and so the same operation node) for a repeated query, so these live as long
 * as it keeps the document. An estimate no variable entered is the same for every request.
 */
class OperationCosts {
  private readonly fixedEstimates = new WeakMap<OperationDefinitionNode, number>();
  private readonly meters = new WeakMap<OperationDefinitionNode, (data: unknown) => number>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly rules: CostRules,
  ) {}

  estimate(
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: Readonly<Record<string, unknown>>,
  ): number {
    const fixed = this.fixedEstimates.get(operation);
    if (fixed !== undefined) return fixed;
    const { cost, readsVariables } = estimateWithVariables(
      this.schema,
      document,
      operation,
      variables,
      this.rules,
    );
    if (!readsVariables) this.fixedEstimates.set(operation, cost);
    return cost;
  }

  measure(document: DocumentNode, operation: OperationDefinitionNode, data: unknown): number {
    let meter = this.meters.get(operation);
    if (!meter) {
      meter = resultCostMeter(this.schema, document, operation, this.rules);
      this.meters.set(operation, meter);
    }
    return meter(data);
  }
}

/** One cache of estimates and meters per set of options (HTTP and graphql-ws share it). */
const costCaches = new WeakMap<OperationCostOptions, OperationCosts>();

function costsFor(options: OperationCostOptions): OperationCosts {
  let costs = costCaches.get(options);
  if (!costs) {
    costs = new OperationCosts(options.schema, options.rules);
    costCaches.set(options, costs);
  }
  return costs;
}

async function refuseCountedAsync<T>(
  metrics: OperationCostMetrics,
  check: () => Promise<T>,
): Promise<T> {
  try {
    return await check();
  } catch (error) {
    countRefusal(metrics, error);
    throw error;
  }
}

function countRefusal(metrics: OperationCostMetrics, error: unknown): void {
  if (!(error instanceof GatewayError)) return;
  const name = error.extensions['limitName'];
  metrics.refuse(typeof name === 'string' ? name : error.code.toLowerCase());
}

const BUCKETS = [1, 10, 100, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000];

/** Histograms of estimated and measured operation cost, and refusals by limit. */
export class OperationCostMetrics {
  private readonly cost: Histogram<'kind'>;
  private readonly refusals: Counter<'limit'>;

  constructor(registry: Registry) {
    this.cost = new Histogram({
      name: 'graphql_operation_cost',
      help: 'Operation cost: estimated from the document before it ran, and measured on its answer.',
      labelNames: ['kind'] as const,
      buckets: BUCKETS,
      registers: [registry],
    });
    this.refusals = new Counter({
      name: 'graphql_operations_limited_total',
      help: 'Operations refused by a cost, shape or rate limit, by limit.',
      labelNames: ['limit'] as const,
      registers: [registry],
    });
  }

  observe(kind: 'estimated' | 'actual', cost: number): void {
    this.cost.observe({ kind }, cost);
  }

  /** `limit` is a limit's name from the code (`cost`, `aliases`, `rate`…): a bounded label. */
  refuse(limit: string): void {
    this.refusals.inc({ limit });
  }
}
