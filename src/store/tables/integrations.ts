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

/**
 * Who created each integration and workflow on a Dispatch account several workspaces share (the
 * deployment's token), keyed by what Dispatch upserts on: an integration's provider id, a
 * workflow's `<entityType>:<name>`. `guid` is null while the creating call runs. Mirrors
 * migrations/0005_shared_accounts.sql.
 */
export const dispatchSharedRecords = pgTable(
  'dispatch_shared_records',
  {
    /** A digest of the shared token: a new token is a new account. */
    account: text('account').notNull(),
    kind: text('kind', { enum: ['integration', 'workflow'] }).notNull(),
    upstreamKey: text('upstream_key').notNull(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    guid: text('guid'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.account, t.kind, t.upstreamKey] }),
    index('dispatch_shared_records_owner_idx').on(t.account, t.kind, t.workspaceId, t.guid),
  ],
);
