import { randomUUID } from 'node:crypto';
import type { ApolloServer } from '@apollo/server';
import cors from '@fastify/cors';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
} from 'fastify';
import type { GraphQLSchema } from 'graphql';
import type { GatewayModule } from '../modules/module.js';
import type { GraphQLContext } from '../request-context.js';
import { OperationAdmission } from './admission.js';
import { registerAdmissionMetrics } from './admission-metrics.js';
import { operationCostOptions, operationValidationRules, startApollo } from './apollo.js';
import { registerGraphiqlAssets } from './graphiql.js';
import { registerGraphqlRoute } from './graphql-route.js';
import { loadTrustedDocuments } from './trusted-documents.js';
import type { TrustedDocumentsPolicy } from './trusted-request.js';
import { sendHttpError, sendNotFound } from './http-errors.js';
import { OperationCostMetrics } from './operation-cost-plugin.js';
import { registerOperationalRoutes } from './operational-routes.js';
import { deferredChildLoggerFactory } from './request-logger.js';
import type { GatewayServices } from './services.js';
import type { SocketOperationBounds } from './socket-operation-bounds.js';
import { openWorkspaceBudget } from './workspace-budget.js';

export interface AppOptions {
  schema: GraphQLSchema;
  modules: GatewayModule[];
  services: GatewayServices;
  /** Headers GraphiQL starts with (the sandbox's demo key); read on every page load. */
  graphiqlHeaders?: () => Record<string, string>;
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/**
 * Composes the gateway's HTTP server: Fastify with request ids, logging and CORS, the GraphQL
 * route (graphql-route.ts) in front of Apollo (apollo.ts), module routes and the operational
 * routes (operational-routes.ts). Errors outside GraphQL are shaped in http-errors.ts.
 */
export async function buildApp({
  schema,
  modules,
  services,
  graphiqlHeaders,
}: AppOptions): Promise<{
  app: FastifyInstance;
  apollo: ApolloServer<GraphQLContext>;
  /** Which documents run (subscriptions apply it too). */
  trusted: TrustedDocumentsPolicy;
  /** The bounds HTTP operations pass, for graphql-ws to apply the same. */
  operationBounds: SocketOperationBounds;
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
  app.setNotFoundHandler(sendNotFound);

  const { metricsRegistry } = services;
  const costMetrics = new OperationCostMetrics(metricsRegistry);
  const validationRules = operationValidationRules(config, costMetrics);
  // Read before anything is opened: a manifest that does not load stops start-up.
  const trusted = await loadTrustedDocuments(config.trustedDocuments, schema, validationRules);
  const policy: TrustedDocumentsPolicy = { mode: config.trustedDocuments.mode, documents: trusted };
  const budget = await openWorkspaceBudget(config);
  if (budget) app.addHook('onClose', async () => budget.close());
  const apollo = await startApollo({
    schema,
    config,
    logger,
    costMetrics,
    metricsRegistry,
    budget,
    validationRules,
    trusted,
  });

  const admission = new OperationAdmission(config.admission);
  admission.start();
  app.addHook('onClose', async () => admission.stop());
  registerAdmissionMetrics(metricsRegistry, admission);
  for (const module of modules) module.metrics?.(metricsRegistry, services);

  registerGraphqlRoute(app, {
    apollo,
    admission,
    services,
    trusted: policy,
    graphiqlHeaders,
  });
  registerGraphiqlAssets(app);
  for (const module of modules) {
    const routes = module.routes;
    if (routes) await app.register(async (scope) => routes(scope, services));
  }
  registerOperationalRoutes(app, services);

  return {
    app,
    apollo,
    trusted: policy,
    operationBounds: {
      validationRules,
      cost: operationCostOptions(schema, config, budget),
      costMetrics,
    },
    startDraining: () => {
      draining = true;
    },
  };
}
