import type { Resolvers } from '../generated/graphql.js';
import type { GraphQLContext } from '../server/context.js';

/**
 * A domain module: the resolvers it adds to the schema (its SDL lives in schema/<domain>.graphql)
 * and, for each Node type it owns, how to fetch one by the local part of its global id.
 * A module implements only the fields it adds.
 */
export interface GatewayModule {
  name: string;
  resolvers: Resolvers;
  /**
   * Node type name → loader of one object by local id, scoped to the caller's workspace.
   * Returns null for ids that do not exist or belong to another workspace.
   */
  nodes?: Record<string, (ctx: GraphQLContext, localId: string) => Promise<object | null>>;
}
