import { pageRequest, relayPage } from '../base/relay-page.js';
import type { QueryShoplineMerchantsArgs } from '../../generated/graphql.js';
import type { GraphQLContext } from '../../request-context.js';
import type { ShoplineMerchantRecord } from './merchant-repository.js';

const SCOPE = 'shoplineMerchants';

/**
 * Relay paging over the workspace's merchants, ordered by merchant id; the cursor is the merchant
 * id (signed), so a merchant linked between two pages never shifts the pages.
 */
export async function pageMerchants(ctx: GraphQLContext, args: QueryShoplineMerchantsArgs) {
  const { cursors } = ctx.services;
  const request = pageRequest<string>(args, cursors, SCOPE);
  const { after, before } = request;
  const all = await ctx.services.shopline.merchants.listForWorkspace(ctx.workspace.id);
  const window = all.filter(
    (m) =>
      (after === undefined || m.merchantId > after) &&
      (before === undefined || m.merchantId < before),
  );
  return relayPage(request, window, {
    cursors,
    scope: SCOPE,
    positionOf: (m: ShoplineMerchantRecord) => m.merchantId,
    totalCount: all.length,
  });
}
