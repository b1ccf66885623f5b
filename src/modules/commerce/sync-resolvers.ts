import type { Resolvers } from '../../generated/graphql.js';
import type { GraphQLContext } from '../../request-context.js';
import { parseGlobalId } from '../base/global-id.js';
import type { CommerceSyncEvent } from './sync-events.js';

/**
 * `Subscription.commerceLinkSynced`. A subscription to one link of a source without webhooks
 * keeps that link's sync status read while it lasts (sync-watcher.ts); the link is read from
 * the store for each event, so its fields are current.
 */
async function subscribe(ctx: GraphQLContext, linkId: string | null | undefined) {
  const commerce = ctx.services.commerce;
  if (linkId === null || linkId === undefined)
    return commerce.syncEvents.subscribe(ctx.workspace.id, undefined);
  const { localId } = parseGlobalId(linkId, 'CommerceLink');
  const link = await commerce.reader.link(ctx, localId);
  // Another workspace's link is as unknown as one that never existed: no event ever matches.
  const release = link ? commerce.watchSyncs(link) : undefined;
  return commerce.syncEvents.subscribe(ctx.workspace.id, localId, release);
}

export const commerceSyncResolvers: Resolvers = {
  Subscription: {
    commerceLinkSynced: {
      subscribe: (_root, { linkId }, ctx) => subscribe(ctx, linkId),
      resolve: (event: CommerceSyncEvent) => event,
    },
  },
  CommerceLinkSyncedPayload: {
    link: async (event, _args, ctx) => {
      const link = await ctx.services.commerce.links.find(event.workspaceId, event.linkId);
      if (!link) throw new Error(`commerce link ${event.linkId} was removed`);
      return link;
    },
  },
};
