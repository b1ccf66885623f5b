import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import type { GraphQLFormattedError, GraphQLSchema, ValidationRule } from 'graphql';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Config } from '../config.js';
import { operationObservabilityPlugin } from '../observability/operation-plugin.js';
import type { GraphQLContext } from '../request-context.js';
import { compiledExecutionGateway } from './compiled-executor.js';
import { depthLimitRule } from './depth-limit.js';
import { documentLimitsRule } from './document-limits.js';
import { createErrorFormatter, formatPartialErrors } from './error-format.js';
import {
  type OperationCostMetrics,
  type OperationCostOptions,
  operationCostPlugin,
} from './operation-cost-plugin.js';
import { trustedDocumentStore, type TrustedDocuments } from './trusted-documents.js';
import { costRules } from './upstream-fields.js';
import { chargeWorkspace, refundWorkspace, type WorkspaceBudget } from './workspace-budget.js';

export interface ApolloOptions {
  schema: GraphQLSchema;
  config: Config;
  logger: Logger;
  costMetrics: OperationCostMetrics;
  /** The app's Prometheus registry, for the operation duration histogram. */
  metricsRegistry: Registry;
  /** Per-workspace cost budget, when one is configured. */
  budget: WorkspaceBudget | undefined;
  /** The rules every document passes (operationValidationRules), trusted ones when loaded. */
  validationRules: ValidationRule[];
  /** Trusted documents, kept parsed and validated in Apollo's document store. */
  trusted: TrustedDocuments | undefined;
}

/** What every document must pass besides the spec's rules: document limits and depth. */
export function operationValidationRules(
  config: Config,
  costMetrics: OperationCostMetrics,
): ValidationRule[] {
  return [
    documentLimitsRule(config.operationCost, (name) => costMetrics.refuse(name)),
    depthLimitRule(config.limits.maxQueryDepth),
  ];
}

/** How operations are costed and charged, over HTTP and graphql-ws alike. */
export function operationCostOptions(
  schema: GraphQLSchema,
  config: Config,
  budget: WorkspaceBudget | undefined,
): OperationCostOptions {
  const limits = config.operationCost;
  return {
    schema,
    limits,
    rules: costRules({
      upstreamWeight: limits.upstreamFieldWeight,
      defaultListSize: limits.defaultListSize,
    }),
    ...(budget ? { charge: chargeWorkspace(budget), refund: refundWorkspace(budget) } : {}),
  };
}

/**
 * The Apollo server that validates and runs operations (HTTP is Fastify's job, graphql-route.ts):
 * compiled execution, document and depth limits, operation cost, error formatting. Started.
 */
export async function startApollo({
  schema,
  config,
  logger,
  costMetrics,
  metricsRegistry,
  budget,
  validationRules,
  trusted,
}: ApolloOptions): Promise<ApolloServer<GraphQLContext>> {
  const formatError = createErrorFormatter(logger);
  const apollo = new ApolloServer<GraphQLContext>({
    // Operations run compiled (graphql-jit); Apollo takes an executor only as a gateway.
    gateway: compiledExecutionGateway(schema),
    introspection: true,
    includeStacktraceInErrorResponses: false,
    formatError,
    validationRules,
    // Trusted documents stay parsed and validated (pinned); others are kept as Apollo would.
    documentStore: trustedDocumentStore(trusted),
    // Bounds the parser's work before validation runs (the depth rule needs a parsed document).
    parseOptions: { maxTokens: config.limits.maxQueryTokens },
    // Credentials travel in headers (x-api-key, Authorization) that browsers never attach on
    // their own, so a cross-site request cannot act as a user; Apollo's CSRF guard, built for
    // cookie sessions, would only reject plain GET requests the GraphQL-over-HTTP spec allows.
    csrfPrevention: false,
    // The gateway owns shutdown (drain HTTP first, then stop Apollo); Apollo's own signal
    // handler would stop it while requests are still in flight.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      // We set no cache hints; Apollo's default cache-control plugin would still wrap every
      // field resolver (willResolveField), a cost paid hundreds of times by a 50-order list.
      ApolloServerPluginCacheControlDisabled(),
      // The schema is a federation subgraph, for which Apollo would otherwise add inline traces
      // (ftv1) for Apollo Studio; operations are measured by our own metrics and traces instead.
      ApolloServerPluginInlineTraceDisabled(),
      operationCostPlugin(operationCostOptions(schema, config, budget), costMetrics),
      {
        // Partial results: errors reported on fields that still returned data join `errors`.
        async requestDidStart() {
          return {
            async willSendResponse({ response, contextValue }) {
              if (response.body.kind !== 'single') return;
              const result = response.body.singleResult;
              const reported = contextValue.takePartialErrors();
              if (reported.length > 0)
                result.errors = [
                  ...(result.errors ?? []),
                  ...formatPartialErrors(formatError, reported),
                ];
              logUpstreamErrors(contextValue, result.errors);
            },
          };
        },
      },
      // Last, so the answer's errors include the partial ones the plugin above adds.
      operationObservabilityPlugin(metricsRegistry, config.metricsMaxOperationNames),
    ],
  });
  await apollo.start();
  return apollo;
}

/**
 * One warning per answer that carries upstream failures, on the request's logger (so with its
 * request id): which upstream failed where, with what code and the upstream's correlation id.
 * The upstream client's own lines are tied to the request only at debug level (request-scope.ts).
 */
function logUpstreamErrors(
  ctx: GraphQLContext,
  errors: ReadonlyArray<GraphQLFormattedError> | undefined,
): void {
  const failures = (errors ?? []).flatMap((e) => {
    const upstream = e.extensions?.['upstream'];
    if (typeof upstream !== 'string') return [];
    const correlationId = e.extensions?.['correlationId'];
    return [
      {
        upstream,
        code: e.extensions?.['code'],
        path: e.path?.join('.'),
        ...(typeof correlationId === 'string' ? { correlationId } : {}),
      },
    ];
  });
  if (failures.length > 0) ctx.log.warn({ failures }, 'answered with upstream errors');
}
