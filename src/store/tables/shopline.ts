import { sql } from 'drizzle-orm';
import { index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { workspaces } from './core.js';

/**
 * The SHOPLINE webhook inbox: every verified delivery, kept before it is acknowledged. The body is
 * sealed because `access_token/*` events carry the merchant's API token. `ts` is SHOPLINE's
 * nanosecond event time as text (it does not fit a float; it is compared as a big integer).
 */
export const shoplineWebhookEvents = pgTable(
  'shopline_webhook_events',
  {
    traceId: text('trace_id').primaryKey(),
    merchantId: text('merchant_id').notNull(),
    topic: text('topic').notNull(),
    ts: text('ts').notNull(),
    payloadSealed: text('payload_sealed').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    appliedAt: timestamp('applied_at', { withTimezone: true }),
  },
  (t) => [
    index('shopline_webhook_events_merchant_idx').on(t.merchantId),
    index('shopline_webhook_events_unapplied_idx').on(t.appliedAt),
  ],
);

/** A SHOPLINE merchant as reduced from its webhooks, and the workspace that proved it owns it. */
export const shoplineMerchants = pgTable('shopline_merchants', {
  merchantId: text('merchant_id').primaryKey(),
  workspaceId: text('workspace_id').references(() => workspaces.id, { onDelete: 'set null' }),
  installState: text('install_state', { enum: ['INSTALLED', 'UNINSTALLED', 'PENDING'] }).notNull(),
  applicationId: text('application_id'),
  appSettings: jsonb('app_settings'),
  installedAt: timestamp('installed_at', { withTimezone: true }),
  uninstalledAt: timestamp('uninstalled_at', { withTimezone: true }),
  lastEventTs: text('last_event_ts').notNull(),
  linkedAt: timestamp('linked_at', { withTimezone: true }),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Merchant API tokens. A revoked row is a tombstone: it stays so that a late `create` delivery
 * cannot bring the token back. `rejected_at` is set when the Open API answered 401 with it.
 */
export const shoplineTokens = pgTable(
  'shopline_tokens',
  {
    tokenId: text('token_id').primaryKey(),
    merchantId: text('merchant_id').notNull(),
    scopes: text('scopes')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    tokenSealed: text('token_sealed'),
    status: text('status', { enum: ['ACTIVE', 'REVOKED', 'MERCHANT_UNINSTALLED'] }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    rejectedAt: timestamp('rejected_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('shopline_tokens_merchant_idx').on(t.merchantId)],
);

/** One-time claim codes issued by the landing route after SHOPLINE proved who the merchant is. */
export const shoplineClaimCodes = pgTable('shopline_claim_codes', {
  codeDigest: text('code_digest').primaryKey(),
  merchantId: text('merchant_id').notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true }),
  usedByWorkspaceId: text('used_by_workspace_id'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
