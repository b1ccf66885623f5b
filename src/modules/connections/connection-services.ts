import { ApiPandaClient } from '../../upstreams/apipanda/apipanda-client.js';
import type { ModuleDependencies } from '../module.js';
import { ConnectionRepository } from './connection-repository.js';
import { ConnectionService } from './connection-service.js';

declare module '../../app-services.js' {
  interface ModuleServices {
    /** API Panda connections (`ctx.services.connections`). */
    connections: ConnectionService;
  }
}

/** The connections module's services: the API Panda client (when configured) and onboarding. */
export function createConnectionServices(deps: ModuleDependencies): ConnectionService {
  const { config } = deps;
  const connections = new ConnectionService({
    repository: new ConnectionRepository(deps.store.db),
    client: config.upstreams.apipanda.baseUrl
      ? new ApiPandaClient(deps.upstreamHttp('apipanda'))
      : undefined,
    secretBox: deps.secretBox,
    eventBus: deps.eventBus,
    logger: deps.logger,
    publicToken: config.apipanda.publicToken,
    polling: config.connectionPolling,
  });
  // Registered after the store and event bus, so watchers stop before those close.
  deps.onClose(() => connections.stop());
  return connections;
}
