import type { ConnectionCategory, ConnectionIntegrationType } from '../../generated/graphql.js';

/** The statuses the store keeps (its `connections.status` column takes exactly these). */
export type ConnectionStatusValue = 'PENDING_AUTH' | 'ESTABLISHED' | 'DENIED' | 'FAILED';

/**
 * A connection as resolvers and subscription events carry it: everything but the sealed tokens,
 * so no code path that reaches a client can hold one. Dates are strings after a JSON round trip
 * (idempotent replays, Redis events).
 */
export interface ConnectionModel {
  id: string;
  workspaceId: string;
  name: string;
  slug: string | null;
  category: ConnectionCategory;
  integrationType: ConnectionIntegrationType;
  status: ConnectionStatusValue;
  authenticationUrl: string | null;
  createdAt: Date | string;
  updatedAt: Date | string;
  establishedAt: Date | string | null;
}
