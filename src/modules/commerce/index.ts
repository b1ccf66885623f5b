import type { GraphQLContext } from '../../request-context.js';
import { extensionHandler, moduleServices, type GatewayModule } from '../module.js';
import { createCommerceServices } from './commerce-services.js';
import { commerceSources } from './extension-points.js';
import type { CommerceDataset } from './model.js';
import { registerRecordCacheMetrics } from './record-cache-metrics.js';
import { lookupRecord } from './record-loaders.js';
import { TYPE_OF, commerceResolvers, splitLocalId } from './resolvers.js';
import { registerCodatWebhookRoute } from './codat-webhook-route.js';
import { commerceSyncResolvers } from './sync-resolvers.js';

/**
 * Unified commerce data: links to stores through Codat and Qard (and any source registered in
 * the commerce registry), normalized records, and newest-first lists merged across links.
 * See docs/commerce.md.
 */
export function createCommerceModule(): GatewayModule {
  const nodes: NonNullable<GatewayModule['nodes']> = {
    CommerceLink: async (ctx, localId) =>
      (await ctx.services.commerce.reader.link(ctx, localId)) ?? null,
    OrderLineItem: async (ctx, localId) => {
      const [linkId, orderId, position] = splitLocalId(localId);
      if (!linkId || !orderId || position === undefined) return null;
      const order = await byId(ctx, 'orders', linkId, orderId);
      return order?.lineItems.find((l) => String(l.position) === position) ?? null;
    },
    ProductVariant: async (ctx, localId) => {
      const [linkId, productId, variantId] = splitLocalId(localId);
      if (!linkId || !productId || !variantId) return null;
      const product = await byId(ctx, 'products', linkId, productId);
      return product?.variants.find((v) => v.sourceId === variantId) ?? null;
    },
    CompanyInfo: async (ctx, localId) => {
      const [linkId] = splitLocalId(localId);
      if (!linkId) return null;
      const [profile] = await ctx.services.commerce.reader.companyProfiles(ctx, {
        linkIds: [linkId],
      });
      return profile?.companyInfo ?? null;
    },
  };
  for (const [dataset, type] of Object.entries(TYPE_OF) as Array<[CommerceDataset, string]>) {
    nodes[type] = async (ctx, localId) => {
      const [linkId, id] = splitLocalId(localId);
      return linkId && id ? byId(ctx, dataset, linkId, id) : null;
    };
  }
  return {
    name: 'commerce',
    resolvers: { ...commerceResolvers, ...commerceSyncResolvers },
    services: moduleServices('commerce', createCommerceServices),
    nodes,
    routes: registerCodatWebhookRoute,
    extensionPoints: [
      extensionHandler(commerceSources, (services, source) =>
        services.commerce.registry.register(source),
      ),
    ],
    metrics: (registry, services) => {
      if (services.commerce.recordCache)
        registerRecordCacheMetrics(registry, services.commerce.recordCache);
    },
  };
}

/** A record of a link of the caller's workspace, or null (another workspace's link is unknown here). */
async function byId<D extends CommerceDataset>(
  ctx: GraphQLContext,
  dataset: D,
  linkId: string,
  id: string,
) {
  if (!(await ctx.services.commerce.reader.link(ctx, linkId))) return null;
  return lookupRecord(ctx, dataset, linkId, id);
}
