import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Database } from '../../store/database.js';
import { shoplineClaimCodes } from '../../store/tables/index.js';

/** Long enough to copy from the landing page to the app, short enough that a leak soon expires. */
export const CLAIM_CODE_TTL_MS = 10 * 60_000;

export type ClaimOutcome =
  | { kind: 'claimed'; merchantId: string }
  | { kind: 'unknown' }
  | { kind: 'expired' }
  | { kind: 'used' };

const digest = (code: string) =>
  createHash('sha256').update(code.trim().toUpperCase()).digest('hex');

/**
 * One-time codes that carry SHOPLINE's proof of merchant ownership from the landing page to a
 * workspace. Only a digest is stored; a code works once and for CLAIM_CODE_TTL_MS.
 */
export class ShoplineClaimCodes {
  constructor(private readonly db: Database) {}

  async issue(merchantId: string, now = Date.now()): Promise<{ code: string; expiresAt: Date }> {
    // 100 bits of randomness in groups of four, unambiguous to read and type.
    const raw = randomBytes(13).toString('hex').toUpperCase().slice(0, 25);
    const code = `SL-${raw.match(/.{1,5}/g)!.join('-')}`;
    const expiresAt = new Date(now + CLAIM_CODE_TTL_MS);
    await this.db
      .insert(shoplineClaimCodes)
      .values({ codeDigest: digest(code), merchantId, expiresAt });
    return { code, expiresAt };
  }

  /** Uses the code atomically: of two concurrent claims with one code, exactly one wins. */
  async use(
    db: Database,
    code: string,
    workspaceId: string,
    now = new Date(),
  ): Promise<ClaimOutcome> {
    const codeDigest = digest(code);
    const [won] = await db
      .update(shoplineClaimCodes)
      .set({ usedAt: now, usedByWorkspaceId: workspaceId })
      .where(
        and(
          eq(shoplineClaimCodes.codeDigest, codeDigest),
          isNull(shoplineClaimCodes.usedAt),
          gt(shoplineClaimCodes.expiresAt, now),
        ),
      )
      .returning({ merchantId: shoplineClaimCodes.merchantId });
    if (won) return { kind: 'claimed', merchantId: won.merchantId };
    const [row] = await db
      .select()
      .from(shoplineClaimCodes)
      .where(eq(shoplineClaimCodes.codeDigest, codeDigest))
      .limit(1);
    if (!row) return { kind: 'unknown' };
    return row.usedAt ? { kind: 'used' } : { kind: 'expired' };
  }
}
