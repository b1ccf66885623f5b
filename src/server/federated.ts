import type { AddressInfo } from 'node:net';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { DOMAINS, createModuleSet, type Domain } from '../modules/index.js';
import type { GatewayModule } from '../modules/module.js';
import { createMetricsRegistry } from '../observability/metrics.js';
import { printSubgraphSdl } from './federation.js';
import { mountFederationRouter } from './federated-router.js';
import { serveModules, type ServedModules } from './gateway.js';
import { registerGraphiqlAssets } from './graphiql.js';
import { sendHttpError, sendNotFound } from './http-errors.js';
import { registerOperationalRoutes } from './operational-routes.js';
import { createServices, type GatewayServices, type ServiceOptions } from './services.js';
import { composeSupergraph, type SubgraphSource } from './supergraph.js';

export interface FederatedGateway {
  /** Hive Gateway's address: `${url}/graphql` is the supergraph, as in the single process. */
  url: string;
  /** The router's HTTP app (GraphiQL, module routes, /healthz, /metrics). */
  app: FastifyInstance;
  /** Each domain subgraph's GraphQL endpoint (loopback, port chosen by the system). */
  subgraphs: Record<Domain, string>;
  /** The composed supergraph SDL the router serves. */
  supergraph: string;
  services: GatewayServices;
  close(): Promise<void>;
}

export interface FederatedOptions extends ServiceOptions {
  logger: Logger;
  graphiqlHeaders?: () => Record<string, string>;
  /** Other teams' subgraphs composed beside the domains (the supergraph config file's). */
  external?: readonly SubgraphSource[];
}

/**
 * The local federated mode (`npm run federation`): every domain served as its own Federation v2
 * subgraph, each on its own loopback endpoint, and Hive Gateway in front of them on PORT. They
 * run in this one process over one set of services, because the embedded store (PGlite) serves
 * one process; a deployment that runs domains as separate processes starts each with
 * `--subgraph <domain>` over PostgreSQL (DATABASE_URL) and runs its own router.
 */
export async function startFederatedGateway(
  config: Config,
  options: FederatedOptions,
): Promise<FederatedGateway> {
  const whole = createModuleSet();
  const services = await createServices(config, options.logger, whole.withServices, options);
  const served: ServedModules[] = [];
  let front: FastifyInstance | undefined;
  let router: { close(): Promise<void> } | undefined;
  const close = async () => {
    await router?.close();
    await front?.close();
    for (const subgraph of served) await subgraph.close();
    await services.close();
  };
  try {
    // The router sends the subgraphs its own query plans, never a client's document, so
    // trusted documents do not apply between them.
    const subgraphConfig: Config = {
      ...config,
      trustedDocuments: { ...config.trustedDocuments, mode: 'off' },
    };
    for (const domain of DOMAINS) {
      const { modules } = createModuleSet([domain]);
      served.push(
        await serveModules(
          // Each subgraph app registers its own operation metrics: a registry of its own.
          { ...services, config: subgraphConfig, metricsRegistry: createMetricsRegistry() },
          // Webhooks and landing pages are served once, on the router's port.
          modules.map(withoutRoutes),
          { port: 0, host: '127.0.0.1' },
        ),
      );
    }
    const subgraphs = Object.fromEntries(
      DOMAINS.map((domain, i) => [domain, `${served[i]!.url}/graphql`]),
    ) as Record<Domain, string>;
    const supergraph = composeSupergraph([
      ...DOMAINS.map((domain, i) => ({
        name: domain,
        url: subgraphs[domain],
        sdl: printSubgraphSdl(served[i]!.schema),
      })),
      ...(options.external ?? []),
    ]);

    front = Fastify({
      loggerInstance: options.logger as FastifyBaseLogger,
      bodyLimit: config.limits.maxBodyBytes,
      logController: new LogController({ disableRequestLogging: true }),
      return503OnClosing: true,
    });
    front.setErrorHandler(sendHttpError);
    front.setNotFoundHandler(sendNotFound);
    router = mountFederationRouter(front, {
      supergraph,
      // The router reaches the domains that serve subscriptions over graphql-ws.
      subscriptionSubgraphs: DOMAINS.filter((_, i) => served[i]!.schema.getSubscriptionType()),
      services,
      ...(options.graphiqlHeaders ? { graphiqlHeaders: options.graphiqlHeaders } : {}),
    });
    registerGraphiqlAssets(front);
    for (const module of whole.modules) {
      const routes = module.routes;
      if (routes) await front.register(async (scope) => routes(scope, services));
    }
    registerOperationalRoutes(front, services);
    await front.listen({ port: config.port, host: config.host });
    const { port } = front.server.address() as AddressInfo;
    const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
    let closing: Promise<void> | undefined;
    return {
      url: `http://${host}:${port}`,
      app: front,
      subgraphs,
      supergraph,
      services,
      close: () => (closing ??= close()),
    };
  } catch (error) {
    await close();
    throw error;
  }
}

function withoutRoutes({ routes: _routes, ...module }: GatewayModule): GatewayModule {
  return module;
}
