import { sql } from 'drizzle-orm';
import { boolean, index, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { workspaces } from './core.js';

/**
 * A workspace's link to a store through a commerce source (a Codat company + data connection, a
 * Qard user + data connection). `external_refs` holds the upstream ids, never credentials.
 * Kept in sync by hand with migrations/0003_commerce.sql.
 */
export const commerceLinks = pgTable(
  'commerce_links',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    source: text('source', { enum: ['CODAT', 'QARD', 'SHOPLINE'] }).notNull(),
    platform: text('platform').notNull(),
    name: text('name').notNull(),
    status: text('status').notNull(),
    externalRefs: jsonb('external_refs').$type<Record<string, string>>().notNull(),
    authorizationUrl: text('authorization_url'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('commerce_links_workspace_idx').on(t.workspaceId, t.createdAt),
    // migrations/0007: Codat's webhooks name a company, whose links are found by its id.
    index('commerce_links_codat_company_idx')
      .on(sql`(${t.externalRefs} ->> 'companyId')`)
      .where(sql`${t.source} = 'CODAT'`),
  ],
);

/**
 * Qard provider settings (e.g. `shopify`) for the whole deployment: the gateway has one Qard
 * account, so these belong to the operator (CLI), not to a workspace. Credentials stay with Qard.
 * Mirrors migrations/0005_shared_accounts.sql.
 */
export const qardProviderSettings = pgTable('qard_provider_settings', {
  provider: text('provider').primaryKey(),
  enabled: boolean('enabled').notNull(),
  autoConnect: boolean('auto_connect').notNull(),
  credentialsUpdatedAt: timestamp('credentials_updated_at', { withTimezone: true }),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Links removed with `unlinkCommerceSource`, so removing one again answers the same id.
 * Kept in sync by hand with migrations/0006_commerce_link_removals.sql.
 */
export const commerceLinkRemovals = pgTable(
  'commerce_link_removals',
  {
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    linkId: text('link_id').notNull(),
    source: text('source', { enum: ['CODAT', 'QARD', 'SHOPLINE'] }).notNull(),
    removedAt: timestamp('removed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.linkId] })],
);
