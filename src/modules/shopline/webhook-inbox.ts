import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Database } from '../../store/database.js';
import type { SecretBox } from '../../store/secret-box.js';
import { shoplineWebhookEvents } from '../../store/tables/index.js';
import type { ShoplineMerchantRepository } from './merchant-repository.js';
import { reduceMerchant, type MerchantState, type ShoplineEvent } from './merchant-state.js';

const payloadAad = (traceId: string) => `shopline-webhook:${traceId}`;

export interface AppliedEvent {
  state: MerchantState;
  workspaceId: string | null;
}

/**
 * Verified SHOPLINE webhooks, stored before they are acknowledged and then applied. Applying
 * re-reduces the merchant from every stored event (see merchant-state.ts), under a per-merchant
 * advisory lock so concurrent deliveries (or replicas) never write a state that misses an event.
 * Events stored but not applied (the process died in between) are applied by `recover` at start.
 */
export class ShoplineWebhookInbox {
  /**
   * Fault-injection seam for the crash-recovery test: called right after an event is stored and
   * before it is applied. Unset in production.
   */
  afterInsert: ((traceId: string) => void) | undefined;

  constructor(
    private readonly db: Database,
    private readonly secretBox: SecretBox,
    private readonly merchants: ShoplineMerchantRepository,
    private readonly logger: Logger,
  ) {}

  /** Stores a verified event; `duplicate` when its trace_id was already stored. */
  async receive(event: ShoplineEvent, rawBody: string): Promise<'stored' | 'duplicate'> {
    const inserted = await this.db
      .insert(shoplineWebhookEvents)
      .values({
        traceId: event.traceId,
        merchantId: event.merchantId,
        topic: event.topic,
        ts: event.ts,
        payloadSealed: this.secretBox.seal(rawBody, payloadAad(event.traceId)),
      })
      .onConflictDoNothing()
      .returning({ traceId: shoplineWebhookEvents.traceId });
    if (inserted.length === 0) return 'duplicate';
    this.afterInsert?.(event.traceId);
    return 'stored';
  }

  /** Reduces the merchant from all its stored events and saves the result. */
  async apply(merchantId: string): Promise<AppliedEvent> {
    const applied = await this.db.transaction(async (tx) => {
      await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`shopline:${merchantId}`}))`);
      const rows = await tx
        .select()
        .from(shoplineWebhookEvents)
        .where(eq(shoplineWebhookEvents.merchantId, merchantId));
      const events = rows.map((r) => this.decode(r.traceId, r.payloadSealed));
      const state = reduceMerchant(merchantId, events);
      // Every query of the transaction goes through `tx`: PGlite is one connection, so a query on
      // the outer handle would wait for this transaction forever.
      await this.merchants.saveState(tx as unknown as Database, state);
      const pending = rows.filter((r) => r.appliedAt === null).map((r) => r.traceId);
      if (pending.length > 0) {
        await tx
          .update(shoplineWebhookEvents)
          .set({ appliedAt: new Date() })
          .where(inArray(shoplineWebhookEvents.traceId, pending));
      }
      const merchant = await this.merchants.get(merchantId, tx as unknown as Database);
      return { state, workspaceId: merchant?.workspaceId ?? null };
    });
    await this.merchants.changed();
    return applied;
  }

  /** Applies every stored event that was never applied; returns the merchants it repaired. */
  async recover(): Promise<string[]> {
    const rows = await this.db
      .selectDistinct({ merchantId: shoplineWebhookEvents.merchantId })
      .from(shoplineWebhookEvents)
      .where(isNull(shoplineWebhookEvents.appliedAt));
    for (const { merchantId } of rows) await this.apply(merchantId);
    if (rows.length > 0)
      this.logger.info({ merchants: rows.length }, 'SHOPLINE inbox: applied events left unapplied');
    return rows.map((r) => r.merchantId);
  }

  async unappliedCount(merchantId: string): Promise<number> {
    const rows = await this.db
      .select({ traceId: shoplineWebhookEvents.traceId })
      .from(shoplineWebhookEvents)
      .where(
        and(
          eq(shoplineWebhookEvents.merchantId, merchantId),
          isNull(shoplineWebhookEvents.appliedAt),
        ),
      );
    return rows.length;
  }

  private decode(traceId: string, sealed: string): ShoplineEvent {
    const payload = JSON.parse(this.secretBox.open(sealed, payloadAad(traceId))) as Record<
      string,
      unknown
    >;
    return (
      eventFromPayload(payload) ?? {
        traceId,
        ts: '0',
        topic: 'unknown',
        merchantId: '',
        resource: {},
      }
    );
  }
}

/** The fields the inbox needs, or undefined when the payload lacks them. */
export function eventFromPayload(p: unknown): ShoplineEvent | undefined {
  if (p === null || typeof p !== 'object' || Array.isArray(p)) return undefined;
  const o = p as Record<string, unknown>;
  const resource = o['resource'];
  if (
    typeof o['trace_id'] !== 'string' ||
    o['trace_id'] === '' ||
    o['trace_id'].length > 200 ||
    typeof o['ts'] !== 'string' ||
    !/^\d{1,30}$/.test(o['ts']) ||
    typeof o['topic'] !== 'string' ||
    o['topic'] === '' ||
    o['topic'].length > 100 ||
    typeof o['merchant_id'] !== 'string' ||
    o['merchant_id'] === '' ||
    o['merchant_id'].length > 200 ||
    resource === null ||
    typeof resource !== 'object' ||
    Array.isArray(resource)
  ) {
    return undefined;
  }
  return {
    traceId: o['trace_id'],
    ts: o['ts'],
    topic: o['topic'],
    merchantId: o['merchant_id'],
    resource: resource as Record<string, unknown>,
  };
}
