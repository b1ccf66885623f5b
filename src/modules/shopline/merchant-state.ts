/**
 * The merchant and token state a set of SHOPLINE webhooks describes. SHOPLINE does not guarantee
 * delivery order (a token's `create` may arrive after its `revoke`, an `uninstall` before the last
 * `revoke`), so the state is never built by applying deliveries as they come: it is reduced from
 * every event of the merchant, deduplicated by `trace_id` and ordered by SHOPLINE's event time
 * `ts` (nanoseconds as a string, compared as a big integer). The same set of events therefore
 * gives the same state whatever order, and however many times, they were delivered.
 */

export interface ShoplineEvent {
  traceId: string;
  /** Nanoseconds since the epoch, as SHOPLINE sends it (a decimal string). */
  ts: string;
  topic: string;
  merchantId: string;
  resource: Record<string, unknown>;
}

export type InstallState = 'INSTALLED' | 'UNINSTALLED' | 'PENDING';
export type TokenStatus = 'ACTIVE' | 'REVOKED' | 'MERCHANT_UNINSTALLED';

export interface TokenState {
  tokenId: string;
  scopes: string[];
  /** The token itself; null once revoked (a tombstone keeps no secret). */
  token: string | null;
  status: TokenStatus;
  createdAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

export interface MerchantState {
  merchantId: string;
  installState: InstallState;
  applicationId: string | null;
  appSettings: unknown;
  installedAt: string | null;
  uninstalledAt: string | null;
  lastEventTs: string;
  /** Sorted by token id. */
  tokens: TokenState[];
}

export function compareEvents(a: ShoplineEvent, b: ShoplineEvent): number {
  const ta = BigInt(a.ts);
  const tb = BigInt(b.ts);
  if (ta !== tb) return ta < tb ? -1 : 1;
  // Equal timestamps: any fixed order keeps the result independent of arrival order.
  return a.traceId < b.traceId ? -1 : a.traceId > b.traceId ? 1 : 0;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

function scopesOf(v: unknown): string[] {
  const raw = typeof v === 'string' ? v.split(/[\s,]+/) : Array.isArray(v) ? v.map(String) : [];
  return [...new Set(raw.filter(Boolean))].sort();
}

/** Reduces every known event of one merchant to its state. */
export function reduceMerchant(
  merchantId: string,
  events: readonly ShoplineEvent[],
): MerchantState {
  const unique = new Map<string, ShoplineEvent>();
  for (const e of events)
    if (e.merchantId === merchantId && !unique.has(e.traceId)) unique.set(e.traceId, e);
  const ordered = [...unique.values()].sort(compareEvents);

  const state: MerchantState = {
    merchantId,
    installState: 'PENDING',
    applicationId: null,
    appSettings: null,
    installedAt: null,
    uninstalledAt: null,
    lastEventTs: ordered.at(-1)?.ts ?? '0',
    tokens: [],
  };
  const tokens = new Map<string, TokenState>();

  for (const { topic, resource: r } of ordered) {
    switch (topic) {
      case 'application/install':
        state.installState = 'INSTALLED';
        state.applicationId = str(r.application_id) ?? state.applicationId;
        state.appSettings = r.app_settings ?? state.appSettings;
        state.installedAt = str(r.authorized_at) ?? str(r.created_at) ?? state.installedAt;
        state.uninstalledAt = null;
        break;
      case 'application/uninstall':
        state.installState = 'UNINSTALLED';
        state.applicationId ??= str(r.application_id);
        state.uninstalledAt = str(r.deleted_at) ?? str(r.updated_at);
        // Every token issued before the uninstall stops being usable, revoke webhook or not.
        for (const t of tokens.values())
          if (t.status === 'ACTIVE') t.status = 'MERCHANT_UNINSTALLED';
        break;
      case 'access_token/create': {
        const id = str(r._id);
        if (!id) break;
        // A revoked token is a tombstone: no later (or late) create brings it back.
        if (tokens.get(id)?.status === 'REVOKED') break;
        tokens.set(id, {
          tokenId: id,
          scopes: scopesOf(r.scopes),
          token: str(r.token),
          status: state.installState === 'UNINSTALLED' ? 'MERCHANT_UNINSTALLED' : 'ACTIVE',
          createdAt: str(r.created_at),
          expiresAt: str(r.expires_at),
          revokedAt: null,
        });
        break;
      }
      case 'access_token/revoke': {
        const id = str(r._id);
        if (!id) break;
        const known = tokens.get(id);
        tokens.set(id, {
          tokenId: id,
          scopes: known?.scopes ?? scopesOf(r.scopes),
          token: null,
          status: 'REVOKED',
          createdAt: known?.createdAt ?? str(r.created_at),
          expiresAt: known?.expiresAt ?? str(r.expires_at),
          revokedAt: known?.revokedAt ?? str(r.revoked_at) ?? str(r.updated_at),
        });
        break;
      }
      default:
        // Topics this app does not subscribe to change nothing.
        break;
    }
  }
  state.tokens = [...tokens.values()].sort((a, b) => (a.tokenId < b.tokenId ? -1 : 1));
  return state;
}
