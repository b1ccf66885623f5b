import type { FastifyInstance } from 'fastify';
import type { Resolvers } from '../generated/graphql.js';
import type { GraphQLContext } from '../server/context.js';
import type { AppServices } from '../server/services.js';

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
  /**
   * Plain HTTP routes of the module (webhooks, landing pages), registered in their own Fastify
   * scope so content-type parsers and hooks they add (e.g. raw bodies) stay local to them.
   */
  routes?: (app: FastifyInstance, services: AppServices) => Promise<void> | void;
  /** Work to do once at start-up, before the gateway accepts requests (e.g. recovering an inbox). */
  start?: (services: AppServices) => Promise<void>;
}
