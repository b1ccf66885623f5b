import { badUserInput } from '../../errors.js';
import { checkPageSize, DEFAULT_PAGE_SIZE } from '../base/relay-page.js';
import type { QueryShoplineMerchantsArgs } from '../../generated/graphql.js';
import type { GraphQLContext } from '../../server/context.js';
import type { ShoplineMerchantRecord } from './merchant-repository.js';

const SCOPE = 'shoplineMerchants';

/**
 * Relay paging over the workspace's merchants, ordered by merchant id; the cursor is the merchant
 * id (signed), so a merchant linked between two pages never shifts the pages.
 */
export async function pageMerchants(ctx: GraphQLContext, args: QueryShoplineMerchantsArgs) {
  const first = checkPageSize(args.first, 'first');
  const last = checkPageSize(args.last, 'last');
  if (first !== undefined && last !== undefined)
    throw badUserInput('Use either "first" or "last", not both', 'last');
  const { cursors } = ctx.services;
  const after = args.after ? cursors.decode<string>(SCOPE, args.after, 'after') : undefined;
  const before = args.before ? cursors.decode<string>(SCOPE, args.before, 'before') : undefined;

  const all = await ctx.services.shopline.merchants.listForWorkspace(ctx.workspace.id);
  const window = all.filter(
    (m) =>
      (after === undefined || m.merchantId > after) &&
      (before === undefined || m.merchantId < before),
  );
  const backward = last !== undefined;
  const size = (backward ? last : first) ?? DEFAULT_PAGE_SIZE;
  const rows: ShoplineMerchantRecord[] = backward
    ? window.slice(Math.max(0, window.length - size))
    : window.slice(0, size);
  const edges = rows.map((node) => cursors.edge(SCOPE, node.merchantId, node));
  return {
    edges,
    nodes: rows,
    pageInfo: {
      hasNextPage: backward ? before !== undefined : window.length > size,
      hasPreviousPage: backward ? window.length > size : after !== undefined,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount: all.length,
  };
}
