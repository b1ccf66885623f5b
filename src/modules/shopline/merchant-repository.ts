import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { cacheKey, type Cache } from '../../store/cache.js';
import type { Database } from '../../store/database.js';
import type { SecretBox } from '../../store/secret-box.js';
import { shoplineMerchants, shoplineTokens } from '../../store/tables/index.js';
import type { MerchantState } from './merchant-state.js';

export type ShoplineMerchantRecord = typeof shoplineMerchants.$inferSelect;

/** A token as the API may describe it: every column but the sealed secret. */
export type ShoplineTokenRecord = Omit<typeof shoplineTokens.$inferSelect, 'tokenSealed'>;

const tokenColumns = {
  tokenId: shoplineTokens.tokenId,
  merchantId: shoplineTokens.merchantId,
  scopes: shoplineTokens.scopes,
  status: shoplineTokens.status,
  createdAt: shoplineTokens.createdAt,
  expiresAt: shoplineTokens.expiresAt,
  revokedAt: shoplineTokens.revokedAt,
  rejectedAt: shoplineTokens.rejectedAt,
  updatedAt: shoplineTokens.updatedAt,
};

const tokenAad = (tokenId: string) => `shopline-token:${tokenId}`;
const date = (v: string | null) => (v ? new Date(v) : null);

/** Whether the gateway may call the Open API with a token now. */
export function tokenUsable(
  t: Pick<ShoplineTokenRecord, 'status' | 'expiresAt' | 'rejectedAt'>,
  now = new Date(),
): boolean {
  return (
    t.status === 'ACTIVE' && t.rejectedAt === null && (t.expiresAt === null || t.expiresAt > now)
  );
}

/**
 * Bumped by every write to merchants or tokens. A workspace's merchant list is cached under the
 * generation it was read at, so the commerce graph (which lists a workspace's SHOPLINE links on
 * every commerce request) reads the store only after a change, on every replica alike.
 */
const GENERATION_KEY = 'shopline:merchants:generation';
const LIST_TTL_SECONDS = 300;

/** SHOPLINE merchants, their tokens (sealed at rest) and which workspace each merchant belongs to. */
export class ShoplineMerchantRepository {
  constructor(
    private readonly db: Database,
    private readonly secretBox: SecretBox,
    private readonly cache: Cache,
  ) {}

  /** A workspace's merchants and their tokens (no token values), from the cache when unchanged. */
  async workspaceMerchants(
    workspaceId: string,
  ): Promise<{ merchants: ShoplineMerchantRecord[]; tokens: ShoplineTokenRecord[] }> {
    const generation = (await this.cache.get<number>(GENERATION_KEY)) ?? 0;
    const key = cacheKey(workspaceId, 'shopline', 'merchants', String(generation));
    const cached = await this.cache.get<{
      merchants: ShoplineMerchantRecord[];
      tokens: ShoplineTokenRecord[];
    }>(key);
    if (cached) return reviveDates(cached);
    const merchants = await this.listForWorkspace(workspaceId);
    const tokens = await this.tokensOf(merchants.map((m) => m.merchantId));
    await this.cache.set(key, { merchants, tokens }, LIST_TTL_SECONDS);
    return { merchants, tokens };
  }

  /**
   * Marks every cached merchant list stale. Writes made in a transaction (`saveState`, `link`)
   * must call this after the commit, or a reader could cache the pre-commit rows as current.
   */
  async changed(): Promise<void> {
    const generation = (await this.cache.get<number>(GENERATION_KEY)) ?? 0;
    await this.cache.set(GENERATION_KEY, generation + 1, 24 * 3600);
  }

  /** Writes a reduced state. The workspace link and 401 rejections are not the webhooks' to change. */
  async saveState(db: Database, state: MerchantState): Promise<void> {
    const values = {
      merchantId: state.merchantId,
      installState: state.installState,
      applicationId: state.applicationId,
      appSettings: state.appSettings ?? null,
      installedAt: date(state.installedAt),
      uninstalledAt: date(state.uninstalledAt),
      lastEventTs: state.lastEventTs,
      updatedAt: new Date(),
    };
    await db
      .insert(shoplineMerchants)
      .values(values)
      .onConflictDoUpdate({ target: shoplineMerchants.merchantId, set: values });
    for (const t of state.tokens) {
      const row = {
        tokenId: t.tokenId,
        merchantId: state.merchantId,
        scopes: t.scopes,
        tokenSealed: t.token === null ? null : this.secretBox.seal(t.token, tokenAad(t.tokenId)),
        status: t.status,
        createdAt: date(t.createdAt),
        expiresAt: date(t.expiresAt),
        revokedAt: date(t.revokedAt),
        updatedAt: new Date(),
      };
      await db
        .insert(shoplineTokens)
        .values(row)
        .onConflictDoUpdate({ target: shoplineTokens.tokenId, set: row });
    }
  }

  async get(
    merchantId: string,
    db: Database = this.db,
  ): Promise<ShoplineMerchantRecord | undefined> {
    const [row] = await db
      .select()
      .from(shoplineMerchants)
      .where(eq(shoplineMerchants.merchantId, merchantId))
      .limit(1);
    return row;
  }

  async listForWorkspace(workspaceId: string): Promise<ShoplineMerchantRecord[]> {
    return this.db
      .select()
      .from(shoplineMerchants)
      .where(eq(shoplineMerchants.workspaceId, workspaceId))
      .orderBy(asc(shoplineMerchants.merchantId));
  }

  async tokensOf(merchantIds: readonly string[]): Promise<ShoplineTokenRecord[]> {
    if (merchantIds.length === 0) return [];
    return this.db
      .select(tokenColumns)
      .from(shoplineTokens)
      .where(inArray(shoplineTokens.merchantId, [...merchantIds]))
      .orderBy(asc(shoplineTokens.tokenId));
  }

  /**
   * A usable token of the merchant with `scope`, unsealed for one Open API call. Never returned
   * through the API nor logged.
   */
  async usableToken(
    merchantId: string,
    scope: string,
  ): Promise<{ tokenId: string; token: string } | undefined> {
    const merchant = await this.get(merchantId);
    if (!merchant || merchant.installState === 'UNINSTALLED') return undefined;
    const rows = await this.db
      .select()
      .from(shoplineTokens)
      .where(
        and(
          eq(shoplineTokens.merchantId, merchantId),
          eq(shoplineTokens.status, 'ACTIVE'),
          isNull(shoplineTokens.rejectedAt),
        ),
      )
      .orderBy(sql`${shoplineTokens.createdAt} DESC NULLS LAST`);
    const row = rows.find((r) => tokenUsable(r) && r.scopes.includes(scope) && r.tokenSealed);
    if (!row?.tokenSealed) return undefined;
    return {
      tokenId: row.tokenId,
      token: this.secretBox.open(row.tokenSealed, tokenAad(row.tokenId)),
    };
  }

  /** SHOPLINE answered 401 with this token: never use it again. */
  async markRejected(tokenId: string): Promise<void> {
    await this.db
      .update(shoplineTokens)
      .set({ rejectedAt: new Date(), updatedAt: new Date() })
      .where(and(eq(shoplineTokens.tokenId, tokenId), isNull(shoplineTokens.rejectedAt)));
    await this.changed();
  }

  /** Releases the merchant from the workspace; false when it was not that workspace's. */
  async unlink(merchantId: string, workspaceId: string): Promise<boolean> {
    const released = await this.db
      .update(shoplineMerchants)
      .set({ workspaceId: null, linkedAt: null, updatedAt: new Date() })
      .where(
        and(
          eq(shoplineMerchants.merchantId, merchantId),
          eq(shoplineMerchants.workspaceId, workspaceId),
        ),
      )
      .returning({ merchantId: shoplineMerchants.merchantId });
    await this.changed();
    return released.length > 0;
  }

  /** Links the merchant to a workspace (creating the row when no webhook has arrived yet). */
  async link(db: Database, merchantId: string, workspaceId: string): Promise<void> {
    const now = new Date();
    await db
      .insert(shoplineMerchants)
      .values({
        merchantId,
        workspaceId,
        installState: 'PENDING',
        lastEventTs: '0',
        linkedAt: now,
        updatedAt: now,
      })
      .onConflictDoUpdate({
        target: shoplineMerchants.merchantId,
        set: { workspaceId, linkedAt: now, updatedAt: now },
      });
  }
}

/** Through Redis the cached lists come back as JSON: dates are text again. */
function reviveDates<T extends { merchants: object[]; tokens: object[] }>(cached: T): T {
  const revive = (row: object) =>
    Object.fromEntries(
      Object.entries(row).map(([k, v]) => [
        k,
        typeof v === 'string' && /(At)$/.test(k) ? new Date(v) : v,
      ]),
    );
  return { ...cached, merchants: cached.merchants.map(revive), tokens: cached.tokens.map(revive) };
}
