import { moduleServices, type GatewayModule } from '../module.js';
import { createConnectionServices } from './connection-services.js';
import { connectionResolvers } from './resolvers.js';

/** API Panda connections: catalog, onboarding mutations, the list, and status updates. */
export function createConnectionsModule(): GatewayModule {
  return {
    name: 'connections',
    services: moduleServices('connections', createConnectionServices),
    resolvers: connectionResolvers,
    nodes: {
      Connection: async (ctx, localId) =>
        (await ctx.services.connections.get(ctx.workspace.id, localId)) ?? null,
    },
    async start(services) {
      const resumed = await services.connections.resumeWatching();
      if (resumed > 0)
        services.logger.info({ connections: resumed }, 'watching pending connections again');
    },
  };
}
