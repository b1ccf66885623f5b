import { badUserInput } from '../../errors.js';
import type { Resolvers } from '../../generated/graphql.js';
import type { GraphQLContext } from '../../request-context.js';
import type { GatewayModule } from '../module.js';
import { parseGlobalId, toGlobalId, tryParseGlobalId } from './global-id.js';
import { nodeTypeOf, tagNodeType } from './node-registry.js';
import { CurrencyCodeScalar, DateTimeScalar, DecimalScalar, JSONScalar } from './scalars.js';

const MAX_NODES = 100;

type NodeFetchers = NonNullable<GatewayModule['nodes']>;

/**
 * Resolves a global id through the module that owns its type; null when unknown or not visible.
 * `Query.node`, `Query.nodes` and federation's `Query._entities` all resolve through it.
 */
export async function fetchNode(
  fetchers: NodeFetchers,
  ctx: GraphQLContext,
  id: string,
): Promise<object | null> {
  const parsed = tryParseGlobalId(id);
  if (!parsed) return null;
  if (parsed.type === 'Workspace') {
    return parsed.localId === ctx.workspace.id
      ? tagNodeType({ ...ctx.workspace }, 'Workspace')
      : null;
  }
  const fetch = fetchers[parsed.type];
  if (!fetch) return null;
  const value = await fetch(ctx, parsed.localId);
  return value ? tagNodeType(value, parsed.type) : null;
}

export interface BaseModuleOptions {
  /** Serve `Query.node`/`Query.nodes`: only a gateway serving every domain can answer them. */
  nodeQueries: boolean;
}

export function createBaseModule(
  nodeFetchers: () => NodeFetchers,
  { nodeQueries }: BaseModuleOptions = { nodeQueries: true },
): GatewayModule {
  const resolvers: Resolvers = {
    DateTime: DateTimeScalar,
    Decimal: DecimalScalar,
    JSON: JSONScalar,
    CurrencyCode: CurrencyCodeScalar,
    Node: {
      __resolveType: (value) => nodeTypeOf(value) as never,
    },
    Query: {
      ...(nodeQueries ? nodeQueryResolvers(nodeFetchers) : {}),
      viewer: (_root, _args, ctx) => ctx.principal,
    },
    Viewer: {
      principal: (principal) => principal,
      workspace: (principal) => principal.workspace,
    },
    Principal: {
      roles: (principal) => principal.roles.map((r) => (r === 'admin' ? 'ADMIN' : 'MEMBER')),
    },
    Workspace: {
      id: (w) => toGlobalId('Workspace', w.id),
      handle: (w) => w.id,
    },
  };
  return { name: 'base', resolvers };
}

function nodeQueryResolvers(nodeFetchers: () => NodeFetchers): NonNullable<Resolvers['Query']> {
  return {
    node: (_root, { id }, ctx) => {
      parseGlobalId(id);
      return fetchNode(nodeFetchers(), ctx, id) as never;
    },
    nodes: (_root, { ids }, ctx) => {
      if (ids.length > MAX_NODES)
        throw badUserInput(`nodes accepts at most ${MAX_NODES} ids`, 'ids');
      return Promise.all(ids.map((id) => fetchNode(nodeFetchers(), ctx, id))) as never;
    },
  };
}
