import { randomUUID } from 'node:crypto';
import { ApolloServer, HeaderMap } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import cors from '@fastify/cors';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import type { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import type { GatewayModule } from '../modules/module.js';
import { runWithLogger } from '../request-scope.js';
import { deferredChildLoggerFactory } from './request-logger.js';
import { ErrorCode, GatewayError } from '../errors.js';
import { pendingMigrations } from '../store/migrator.js';
import { OperationAdmission, type AdmissionRefusal } from './admission.js';
import { compiledExecutionGateway } from './compiled-executor.js';
import { createContext, type GraphQLContext, type Principal } from '../request-context.js';
import { depthLimitRule } from './depth-limit.js';
import { documentLimitsRule } from './document-limits.js';
import { OperationCostMetrics, operationCostPlugin } from './operation-cost-plugin.js';
import { costRules } from './upstream-fields.js';
import { chargeWorkspace, openWorkspaceBudget } from './workspace-budget.js';
import { createErrorFormatter, formatPartialErrors } from './error-format.js';
import { registerGraphiqlAssets, renderGraphiqlPage, wantsGraphiql } from './graphiql.js';
import type { GatewayServices } from './services.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

export interface AppOptions {
  schema: GraphQLSchema;
  modules: GatewayModule[];
  services: GatewayServices;
  /** Headers GraphiQL starts with (the sandbox's demo key); read on every page load. */
  graphiqlHeaders?: () => Record<string, string>;
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;

export async function buildApp({
  schema,
  modules,
  services,
  graphiqlHeaders,
}: AppOptions): Promise<{
  app: FastifyInstance;
  apollo: ApolloServer<GraphQLContext>;
  /** Marks the app as draining: responses from now on close their keep-alive connection. */
  startDraining(): void;
}> {
  const { config, logger } = services;
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: config.limits.maxBodyBytes,
    requestIdHeader: false,
    // Our own onResponse hook logs one line per request with the fields we want.
    logController: new LogController({
      requestIdLogLabel: 'requestId',
      disableRequestLogging: true,
    }),
    // A caller-supplied x-request-id ties our log lines to theirs; anything odd is replaced.
    // Each request's child logger is made only when it writes (request-logger.ts).
    childLoggerFactory: deferredChildLoggerFactory,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    return503OnClosing: true,
  });

  let draining = false;
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  // While draining, a keep-alive connection that finishes its request must not linger idle and
  // hold the process open until the keep-alive timeout.
  app.addHook('onSend', async (_request, reply) => {
    if (draining) reply.header('connection', 'close');
  });
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        url: request.routeOptions.url ?? 'unmatched',
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
      },
      'request completed',
    );
  });

  if (config.corsOrigins.length > 0) {
    await app.register(cors, {
      origin: config.corsOrigins,
      methods: ['GET', 'POST', 'OPTIONS'],
      allowedHeaders: [
        'content-type',
        'x-api-key',
        'authorization',
        'x-request-id',
        'apollo-require-preflight',
      ],
      exposedHeaders: ['x-request-id'],
      maxAge: 600,
    });
  }

  app.setErrorHandler((error: FastifyError, request, reply) =>
    sendHttpError(error, request, reply),
  );
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      errors: [
        {
          message: `No route ${request.method} ${request.url.split('?')[0]}`,
          extensions: { code: ErrorCode.NOT_FOUND },
        },
      ],
    }),
  );

  const formatError = createErrorFormatter(logger);
  const costMetrics = new OperationCostMetrics();
  const limits = config.operationCost;
  const budget = await openWorkspaceBudget(config);
  if (budget) app.addHook('onClose', async () => budget.close());
  const apollo = new ApolloServer<GraphQLContext>({
    // Operations run compiled (graphql-jit); Apollo takes an executor only as a gateway.
    gateway: compiledExecutionGateway(schema),
    introspection: true,
    includeStacktraceInErrorResponses: false,
    formatError,
    validationRules: [
      documentLimitsRule(limits, (name) => costMetrics.refuse(name)),
      depthLimitRule(config.limits.maxQueryDepth),
    ],
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
      // (ftv1) for Apollo Studio; operations are measured by our own metrics instead.
      ApolloServerPluginInlineTraceDisabled(),
      operationCostPlugin(
        {
          schema,
          limits,
          rules: costRules({
            upstreamWeight: limits.upstreamFieldWeight,
            defaultListSize: limits.defaultListSize,
          }),
          ...(budget ? { charge: chargeWorkspace(budget) } : {}),
        },
        costMetrics,
      ),
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
    ],
  });
  await apollo.start();

  const admission = new OperationAdmission(config.admission);
  admission.start();
  app.addHook('onClose', async () => admission.stop());

  const graphqlHandler = async (request: FastifyRequest, reply: FastifyReply) => {
    let principal: Principal;
    try {
      principal = await services.authenticator.authenticate(request.headers);
    } catch (error) {
      if (error instanceof GatewayError) {
        return sendGraphqlErrors(
          request,
          reply,
          error.code === ErrorCode.UNAUTHENTICATED ? 401 : 403,
          error.message,
          error.code,
        );
      }
      throw error;
    }
    request.principal = principal;
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(request.headers)) {
      if (value === undefined) continue;
      const text = Array.isArray(value) ? value.join(', ') : value;
      if (key !== 'accept' || !ACCEPTS_ANY_JSON.has(text)) headers.set(key, text);
    }
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: {
        method: request.method.toUpperCase(),
        headers,
        search: request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '',
        body: request.body,
      },
      context: async () =>
        createContext({ requestId: request.id, log: request.log, principal, services }),
    });
    for (const [key, value] of response.headers) void reply.header(key, value);
    void reply.code(response.status ?? 200);
    if (response.body.kind === 'complete') return reply.send(response.body.string);
    // Incremental delivery (@defer) is not enabled, so every body is complete.
    throw new Error('unexpected chunked GraphQL response');
  };
  const admittedHandler = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!admission.tryEnter()) {
      const outcome = await admission.wait(reply.raw);
      // For 'client-closed' the answer goes to a closed socket: Fastify needs one all the same.
      if (outcome !== 'admitted') return sendOverloaded(request, reply, outcome);
    }
    try {
      return await runWithLogger(request.log, () => graphqlHandler(request, reply));
    } finally {
      admission.leave();
    }
  };
  app.route({
    method: ['GET', 'POST'],
    url: '/graphql',
    handler: (request, reply) => {
      // The GraphiQL page is a static document, not an operation: it never waits for a slot.
      if (
        request.method === 'GET' &&
        wantsGraphiql(request.headers.accept, request.query as Record<string, unknown>)
      ) {
        return reply.header('content-type', 'text/html; charset=utf-8').send(
          renderGraphiqlPage({
            defaultHeaders: graphiqlHeaders?.() ?? {},
            sandbox: config.sandbox,
          }),
        );
      }
      return admittedHandler(request, reply);
    },
  });

  registerGraphiqlAssets(app);
  for (const module of modules) {
    const routes = module.routes;
    if (routes) await app.register(async (scope) => routes(scope, services));
  }

  app.get('/healthz', async () => ({ status: 'ok', uptimeSeconds: Math.round(process.uptime()) }));
  app.get('/readyz', async (_request, reply) => {
    try {
      await services.store.ping();
      const pending = await pendingMigrations(services.store);
      if (pending.length > 0) {
        return reply
          .code(503)
          .send({ status: 'not-ready', store: services.store.kind, pendingMigrations: pending });
      }
      return { status: 'ready', store: services.store.kind, migrations: 'applied' };
    } catch {
      return reply
        .code(503)
        .send({ status: 'not-ready', store: services.store.kind, error: 'store unreachable' });
    }
  });
  app.get('/metrics', async (_request, reply) =>
    reply
      .header('content-type', 'text/plain; version=0.0.4')
      .send(
        services.metrics.toPrometheus() +
          admission.toPrometheus() +
          costMetrics.toPrometheus() +
          modules.map((m) => m.metrics?.(services) ?? '').join(''),
      ),
  );

  return {
    app,
    apollo,
    startDraining: () => {
      draining = true;
    },
  };
}

/**
 * `Accept` values for which Apollo's content negotiation (the `negotiator` package, run twice per
 * request) chooses what it chooses when there is no `Accept` header at all: `application/json`
 * for the answer, no incremental delivery. Such a header is left out of what Apollo sees, which
 * then skips one negotiation; any other value is negotiated by Apollo as sent.
 */
const ACCEPTS_ANY_JSON = new Set(['application/json', '*/*']);

/**
 * Errors Fastify raises before GraphQL runs (malformed JSON, oversized or unsupported bodies)
 * answered in the GraphQL-over-HTTP shape with the status the spec asks for; never a stack trace.
 */
function sendHttpError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const status =
    error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
  let message: string;
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      message = `Request body is larger than the ${request.server.initialConfig.bodyLimit} bytes allowed`;
      break;
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      message = 'Unsupported Content-Type: send application/json';
      break;
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      message = 'Request body is empty: send a JSON object with a "query"';
      break;
    default:
      message =
        status === 500
          ? 'Internal server error'
          : error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY'
            ? 'Request body is not valid JSON'
            : error.message;
  }
  if (status === 500) request.log.error({ err: error }, 'unhandled error');
  const code =
    status === 500
      ? ErrorCode.INTERNAL_SERVER_ERROR
      : status === 404
        ? ErrorCode.NOT_FOUND
        : ErrorCode.BAD_USER_INPUT;
  return sendGraphqlErrors(request, reply, status, message, code);
}

/** Seconds a refused client is told to wait: about one turn of a saturated loop's queue. */
const OVERLOADED_RETRY_AFTER_SECONDS = 1;

/** 503 for an operation refused before it ran: nothing was read or changed upstream. */
function sendOverloaded(request: FastifyRequest, reply: FastifyReply, reason: AdmissionRefusal) {
  const message =
    reason === 'queue-full'
      ? 'The gateway is running as many operations as it can and its queue is full; retry later'
      : 'The gateway is running as many operations as it can and this one waited too long; retry later';
  void reply.header('retry-after', String(OVERLOADED_RETRY_AFTER_SECONDS));
  return sendGraphqlErrors(request, reply, 503, message, ErrorCode.OVERLOADED, {
    retryAfter: OVERLOADED_RETRY_AFTER_SECONDS,
  });
}

function sendGraphqlErrors(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  message: string,
  code: string,
  extra: Record<string, unknown> = {},
) {
  const accept = request.headers.accept ?? '';
  const type = accept.includes('application/graphql-response+json')
    ? 'application/graphql-response+json'
    : 'application/json';
  return reply
    .code(status)
    .header('content-type', `${type}; charset=utf-8`)
    .send(JSON.stringify({ errors: [{ message, extensions: { code, ...extra } }] }));
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
