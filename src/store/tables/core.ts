import { sql } from 'drizzle-orm';
import { jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/** A tenant. Every stored record belongs to exactly one workspace. */
export const workspaces = pgTable('workspaces', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** API keys are stored as SHA-256 digests; the key itself is shown once, at creation. */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    keyDigest: text('key_digest').notNull(),
    keyPrefix: text('key_prefix').notNull(),
    roles: text('roles')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('api_keys_key_digest_idx').on(t.keyDigest)],
);

/**
 * One row per (workspace, caller, mutation, idempotency key): a replay never hands one caller's
 * answer to another. `response` holds the payload of the first
 * completed call so a replay returns it without touching the upstream again.
 */
export const idempotencyRecords = pgTable(
  'idempotency_records',
  {
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    /** The API key id or JWT subject that sent the first call. */
    principalId: text('principal_id').notNull().default(''),
    operation: text('operation').notNull(),
    key: text('key').notNull(),
    requestDigest: text('request_digest').notNull(),
    state: text('state', { enum: ['pending', 'completed'] }).notNull(),
    response: jsonb('response'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.principalId, t.operation, t.key] })],
);
