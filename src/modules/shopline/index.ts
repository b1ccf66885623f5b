import type { GatewayModule } from '../module.js';
import { shoplineResolvers } from './resolvers.js';
import { registerShoplineRoutes } from './routes.js';

/** SHOPLINE: verified webhook inbox, merchant/token state, claim flow, landing page. */
export function createShoplineModule(): GatewayModule {
  return {
    name: 'shopline',
    resolvers: shoplineResolvers,
    nodes: {
      ShoplineMerchant: async (ctx, localId) => {
        const merchant = await ctx.services.shopline.merchants.get(localId);
        return merchant && merchant.workspaceId === ctx.workspace.id ? merchant : null;
      },
    },
    routes: registerShoplineRoutes,
    async start(services) {
      // Events stored before a crash but never applied are applied before serving.
      await services.shopline.inbox.recover();
    },
  };
}
