import type { Resolvers, StartConnectionInput } from '../../generated/graphql.js';
import { hasRole, type GraphQLContext } from '../../request-context.js';
import { ApiPandaRejection } from '../../upstreams/apipanda/apipanda-errors.js';
import { parseGlobalId, toGlobalId, tryParseGlobalId } from '../base/global-id.js';
import { idempotentMutation, userError, type UserErrorModel } from '../base/mutations.js';
import { INTEGRATION_CATALOG } from './catalog.js';
import { userErrorsFromRejection } from './connection-errors.js';
import { validateStartConnection } from './connection-input.js';
import type { ConnectionModel } from './connection-model.js';
import { pageConnections } from './connection-pagination.js';
import { connectionUpdates } from './connection-updates.js';

interface StartPayload {
  connection: ConnectionModel | null;
  authenticationUrl: string | null;
  userErrors: UserErrorModel[];
}

interface RefreshPayload {
  connection: ConnectionModel | null;
  userErrors: UserErrorModel[];
}

/** The local id of a Connection global id, or undefined when it is not one. */
function connectionLocalId(id: string): string | undefined {
  const parsed = tryParseGlobalId(id);
  return parsed?.type === 'Connection' ? parsed.localId : undefined;
}

async function startConnection(
  ctx: GraphQLContext,
  input: StartConnectionInput,
): Promise<StartPayload> {
  const failed = (userErrors: UserErrorModel[]): StartPayload => ({
    connection: null,
    authenticationUrl: null,
    userErrors,
  });
  const { idempotencyKey, ...request } = input;
  return idempotentMutation({
    ctx,
    operation: 'startConnection',
    idempotencyKey,
    input: request,
    failed,
    run: async () => {
      // Connecting an account hands the gateway a credential: an admin's decision.
      if (!hasRole(ctx, 'admin')) {
        return failed([userError(null, 'Starting a connection needs the ADMIN role', 'FORBIDDEN')]);
      }
      const validated = validateStartConnection(request);
      if ('userErrors' in validated) return failed(validated.userErrors);
      try {
        const started = await ctx.services.connections.start(ctx.workspace.id, validated.command);
        return { ...started, userErrors: [] };
      } catch (error) {
        if (error instanceof ApiPandaRejection) return failed(userErrorsFromRejection(error));
        throw error;
      }
    },
  });
}

async function refreshConnection(
  ctx: GraphQLContext,
  input: { id: string; idempotencyKey?: string | null | undefined },
): Promise<RefreshPayload> {
  const failed = (userErrors: UserErrorModel[]): RefreshPayload => ({
    connection: null,
    userErrors,
  });
  return idempotentMutation({
    ctx,
    operation: 'refreshConnection',
    idempotencyKey: input.idempotencyKey,
    input: { id: input.id },
    failed,
    run: async () => {
      const localId = connectionLocalId(input.id);
      if (!localId) return failed([userError(['input', 'id'], 'Not the id of a connection')]);
      const connection = await ctx.services.connections.refresh(ctx.workspace.id, localId);
      // Another workspace's connection is as unknown as one that never existed.
      if (!connection)
        return failed([userError(['input', 'id'], 'No such connection', 'NOT_FOUND')]);
      return { connection, userErrors: [] };
    },
  });
}

export const connectionResolvers: Resolvers = {
  Query: {
    integrationCatalog: () =>
      INTEGRATION_CATALOG.map((c) => ({
        category: c.category,
        integrationTypes: [...c.integrationTypes],
      })),
    connections: (_root, args, ctx) => pageConnections(ctx, args),
    connection: async (_root, { id }, ctx) => {
      const { localId } = parseGlobalId(id, 'Connection');
      return (await ctx.services.connections.get(ctx.workspace.id, localId)) ?? null;
    },
  },
  Mutation: {
    startConnection: (_root, { input }, ctx) => startConnection(ctx, input),
    refreshConnection: (_root, { input }, ctx) => refreshConnection(ctx, input),
  },
  Subscription: {
    connectionUpdated: {
      subscribe: (_root, { id }, ctx) => {
        const onlyId = id ? parseGlobalId(id, 'Connection').localId : undefined;
        return connectionUpdates(ctx, onlyId);
      },
      resolve: (connection: ConnectionModel) => connection,
    },
  },
  Connection: {
    id: (c) => toGlobalId('Connection', c.id),
  },
};
