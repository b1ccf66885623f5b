import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { createModules } from '../modules/index.js';
import { buildApp } from './app.js';
import { buildFederatedSchema } from './federation.js';
import { buildSchema } from './schema.js';
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
}

export async function startGateway(config: Config, options: GatewayOptions): Promise<Gateway> {
  const modules = createModules();
  // Served as a Federation v2 subgraph: the client schema plus `_service` and `_entities`.
  const schema = buildFederatedSchema(
    buildSchema(modules),
    modules,
    config.federation.maxRepresentations,
  );
  const services = await createServices(config, options.logger, modules, options);
  try {
    for (const module of modules) await module.start?.(services);
    const { app, apollo, startDraining } = await buildApp({
      schema,
      modules,
      services,
      ...(options.graphiqlHeaders ? { graphiqlHeaders: options.graphiqlHeaders } : {}),
    });
    const subscriptions = attachSubscriptions(app, schema, services);
    await app.listen({ port: config.port, host: config.host });
    const { port } = app.server.address() as AddressInfo;
    const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
    let closing: Promise<void> | undefined;
    return {
      url: `http://${host}:${port}`,
      app,
      services,
      close() {
        closing ??= (async () => {
          startDraining();
          await subscriptions.close();
          await app.close();
          await apollo.stop();
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
