import { bigserial, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { workspaces } from './core.js';

/**
 * API Panda connections (marketplace and print-on-demand accounts) of a workspace. Category and
 * integration type hold our schema's values (`PRINT_ON_DEMAND`, `TIKTOK`, `UNKNOWN` for a value
 * API Panda added later), so filters compare like with like. Every token is sealed with
 * SecretBox, bound to the row by its id, and never leaves the gateway.
 */
export const connections = pgTable(
  'connections',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    /** Insertion order: the keyset of the connections list (timestamps can tie). */
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    name: text('name').notNull(),
    slug: text('slug'),
    category: text('category').notNull(),
    integrationType: text('integration_type').notNull(),
    status: text('status', { enum: ['PENDING_AUTH', 'ESTABLISHED', 'DENIED', 'FAILED'] }).notNull(),
    /** Where the account owner approves the connection; not a credential on its own. */
    authenticationUrl: text('authentication_url'),
    linkTokenSealed: text('link_token_sealed').notNull(),
    publicTokenSealed: text('public_token_sealed'),
    accessTokenSealed: text('access_token_sealed'),
    /** API Panda's error code that ended the connection (DENIED/FAILED), for support. */
    failureCode: text('failure_code'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    establishedAt: timestamp('established_at', { withTimezone: true }),
  },
  (t) => [
    index('connections_workspace_seq_idx').on(t.workspaceId, t.seq),
    index('connections_pending_idx').on(t.status, t.createdAt),
  ],
);
