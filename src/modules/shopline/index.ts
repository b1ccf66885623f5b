import { commerceSources } from '../commerce/extension-points.js';
import { extension, moduleServices, type EntityReference, type GatewayModule } from '../module.js';
import { ShoplineCommerceSource } from './commerce/shopline-source.js';
import { shoplineResolvers } from './resolvers.js';
import { registerShoplineRoutes } from './routes.js';
import { ShoplineService } from './shopline-service.js';

/** SHOPLINE: verified webhook inbox, merchant/token state, claim flow, landing page. */
export function createShoplineModule({ reference }: { reference: EntityReference }): GatewayModule {
  return {
    name: 'shopline',
    resolvers: shoplineResolvers(reference),
    services: moduleServices('shopline', (deps) => new ShoplineService(deps)),
    nodes: {
      ShoplineMerchant: async (ctx, localId) => {
        const merchant = await ctx.services.shopline.merchants.get(localId);
        return merchant && merchant.workspaceId === ctx.workspace.id ? merchant : null;
      },
    },
    // SHOPLINE merchants join the unified commerce lists as a source of their own.
    extensions: (services) => [
      extension(commerceSources, new ShoplineCommerceSource(services.shopline)),
    ],
    extends: [commerceSources],
    routes: registerShoplineRoutes,
    async start(services) {
      // Events stored before a crash but never applied are applied before serving.
      await services.shopline.inbox.recover();
    },
  };
}
