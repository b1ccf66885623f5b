import { createHash } from 'node:crypto';
import { pageRequest, relayPage, type RelayPage } from '../base/relay-page.js';
import type { ConnectionFilter, QueryConnectionsArgs } from '../../generated/graphql.js';
import type { GraphQLContext } from '../../request-context.js';
import type { ConnectionModel } from './connection-model.js';

export type ConnectionPage = RelayPage<ConnectionModel>;

/** A cursor only pages the list and filter it came from. */
function scopeOf(filter: ConnectionFilter | null | undefined): string {
  const normalized = JSON.stringify([
    filter?.category ?? null,
    filter?.integrationType ?? null,
    filter?.status ?? null,
  ]);
  return `connections:${createHash('sha256').update(normalized).digest('base64url').slice(0, 16)}`;
}

/** Keyset pagination over the workspace's connections, newest first, with signed cursors. */
export async function pageConnections(
  ctx: GraphQLContext,
  args: QueryConnectionsArgs,
): Promise<ConnectionPage> {
  const scope = scopeOf(args.filter);
  const { cursors } = ctx.services;
  const request = pageRequest<number>(args, cursors, scope);
  const { rows, totalCount } = await ctx.services.connections.page(
    ctx.workspace.id,
    {
      category: args.filter?.category ?? undefined,
      integrationType: args.filter?.integrationType ?? undefined,
      status: args.filter?.status ?? undefined,
    },
    {
      // One row past the page says whether there are more that way.
      limit: request.size + 1,
      direction: request.backward ? 'backward' : 'forward',
      afterSeq: request.after,
      beforeSeq: request.before,
    },
  );
  return relayPage(request, rows, { cursors, scope, positionOf: (row) => row.seq, totalCount });
}
