import { createHash } from 'node:crypto';
import { badUserInput } from '../../errors.js';
import { checkPageSize, DEFAULT_PAGE_SIZE, type RelayPage } from '../base/relay-page.js';
import type { ConnectionFilter, QueryConnectionsArgs } from '../../generated/graphql.js';
import type { GraphQLContext } from '../../server/context.js';
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
  const first = checkPageSize(args.first, 'first');
  const last = checkPageSize(args.last, 'last');
  if (first !== undefined && last !== undefined)
    throw badUserInput('Use either "first" or "last", not both', 'last');
  const scope = scopeOf(args.filter);
  const { cursors } = ctx.services;
  const afterSeq = args.after ? cursors.decode<number>(scope, args.after, 'after') : undefined;
  const beforeSeq = args.before ? cursors.decode<number>(scope, args.before, 'before') : undefined;
  const backward = last !== undefined;
  const size = (backward ? last : first) ?? DEFAULT_PAGE_SIZE;

  const { rows, totalCount } = await ctx.services.connections.page(
    ctx.workspace.id,
    {
      category: args.filter?.category ?? undefined,
      integrationType: args.filter?.integrationType ?? undefined,
      status: args.filter?.status ?? undefined,
    },
    { limit: size + 1, direction: backward ? 'backward' : 'forward', afterSeq, beforeSeq },
  );
  const more = rows.length > size;
  // Rows come in list order; the extra row sits past the end we page towards.
  const pageRows = more ? (backward ? rows.slice(rows.length - size) : rows.slice(0, size)) : rows;
  const edges = pageRows.map(({ seq, ...node }) => cursors.edge(scope, seq, node));
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: {
      hasNextPage: backward ? beforeSeq !== undefined : more,
      hasPreviousPage: backward ? more : afterSeq !== undefined,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount,
  };
}
