import { index, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { workspaces } from './core.js';

/**
 * Integrations configured through the gateway (Dispatch cannot list them): what configure,
 * disable and remove returned. Never credentials. Mirrors migrations/0002_integrations.sql.
 */
export const integrations = pgTable(
  'integrations',
  {
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    guid: text('guid').notNull(),
    providerId: text('provider_id').notNull(),
    providerType: text('provider_type').notNull(),
    providerName: text('provider_name').notNull(),
    /** Dispatch's status as it came (`active`, `disabled`, …). */
    status: text('status').notNull(),
    settings: jsonb('settings').notNull().$type<IntegrationSettingsRecord>(),
    connectedAt: timestamp('connected_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.guid] }),
    index('integrations_workspace_order_idx').on(t.workspaceId, t.createdAt, t.guid),
  ],
);

export interface IntegrationSettingsRecord {
  autoImportOrders: boolean;
  syncProducts: boolean;
  pushTracking: boolean;
}

/** A workspace's Dispatch service token, sealed by the SecretBox with the workspace id as AAD. */
export const dispatchServiceTokens = pgTable('dispatch_service_tokens', {
  workspaceId: text('workspace_id')
    .primaryKey()
    .references(() => workspaces.id, { onDelete: 'cascade' }),
  sealedToken: text('sealed_token').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
