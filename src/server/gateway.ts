import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { createModuleSet, type Domain } from '../modules/index.js';
import type { GatewayModule } from '../modules/module.js';
import { buildApp } from './app.js';
import { buildServedSchema } from './federation.js';
import { createServices, type GatewayServices, type ServiceOptions } from './services.js';
import { attachSubscriptions } from './subscriptions.js';

export interface Gateway {
  url: string;
  app: FastifyInstance;
  services: GatewayServices;
  /** Stops accepting, lets in-flight requests finish, then releases every resource. */
  close(): Promise<void>;
}

export interface GatewayOptions extends ServiceOptions {
  logger: Logger;
  graphiqlHeaders?: () => Record<string, string>;
  /**
   * The domains to serve, as one Federation v2 subgraph of them (`--subgraph <domain>` serves one
   * alone); every domain by default, the whole gateway.
   */
  domains?: readonly Domain[];
}

export async function startGateway(config: Config, options: GatewayOptions): Promise<Gateway> {
  const { modules, withServices } = createModuleSet(options.domains);
  const services = await createServices(config, options.logger, withServices, options);
  try {
    const served = await serveModules(services, modules, {
      port: config.port,
      host: config.host,
      ...(options.graphiqlHeaders ? { graphiqlHeaders: options.graphiqlHeaders } : {}),
    });
    let closing: Promise<void> | undefined;
    return {
      url: served.url,
      app: served.app,
      services,
      close() {
        closing ??= (async () => {
          await served.close();
          await services.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    await services.close();
    throw error;
  }
}

/** One GraphQL endpoint serving some modules over services built for them (and maybe others). */
export interface ServedModules {
  url: string;
  app: FastifyInstance;
  schema: GraphQLSchema;
  /** Stops accepting and lets in-flight requests finish; the services stay open. */
  close(): Promise<void>;
}

/**
 * Serves the modules as one Federation v2 subgraph on /graphql (HTTP and graphql-ws), after
 * their start-up work. The local federated mode calls it once per domain over shared services.
 */
export async function serveModules(
  services: GatewayServices,
  modules: GatewayModule[],
  options: {
    port: number;
    host: string;
    graphiqlHeaders?: () => Record<string, string>;
    /** Run the modules' start-up work (default); false when another endpoint already ran it. */
    start?: boolean;
  },
): Promise<ServedModules> {
  const schema = buildServedSchema(modules, services.config.federation.maxRepresentations);
  if (options.start !== false) for (const module of modules) await module.start?.(services);
  const { app, apollo, trusted, operationBounds, startDraining } = await buildApp({
    schema,
    modules,
    services,
    ...(options.graphiqlHeaders ? { graphiqlHeaders: options.graphiqlHeaders } : {}),
  });
  const subscriptions = attachSubscriptions(app, schema, services, trusted, operationBounds);
  await app.listen({ port: options.port, host: options.host });
  const { port } = app.server.address() as AddressInfo;
  const host = options.host === '0.0.0.0' || options.host === '::' ? 'localhost' : options.host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    app,
    schema,
    close() {
      closing ??= (async () => {
        startDraining();
        await subscriptions.close();
        await app.close();
        await apollo.stop();
      })();
      return closing;
    },
  };
}
