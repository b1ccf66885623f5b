import { createHash } from 'node:crypto';
import { and, eq, isNotNull } from 'drizzle-orm';
import type { Database } from '../../store/database.js';
import { dispatchSharedRecords } from '../../store/tables/index.js';
import type { DispatchAuth } from '../../upstreams/dispatch/client.js';

export type SharedKind = 'integration' | 'workflow';

/** What a workspace may do with an upsert key on a shared account. */
export type Claim =
  /** The key is this workspace's (now or already): the call may go ahead. */
  | { held: true; fresh: boolean }
  /** Another workspace created it: the call must not reach Dispatch. */
  | { held: false };

/**
 * Tenancy on a Dispatch account several workspaces share: the deployment's DISPATCH_SERVICE_TOKEN,
 * used by every workspace without a token of its own. Dispatch sees one account and would let any
 * of them list, toggle, resume or delete what another created, and its configure calls upsert
 * (an integration by provider, a workflow by entity type and name), so a second workspace would
 * silently take the first one's record over. Every create through a shared account first claims
 * the upsert key for the calling workspace; lists and changes then keep to the workspace's claims.
 * A workspace's own token or the caller's own JWT is an account of its own, checked by nothing here.
 */
export class SharedAccountRecords {
  private readonly accounts = new Map<string, string>();

  constructor(private readonly db: Database) {}

  /** The account id of a shared token, or undefined when the call uses an account of its own. */
  accountOf(auth: DispatchAuth): string | undefined {
    if (auth.source !== 'deployment') return undefined;
    let account = this.accounts.get(auth.token);
    if (!account) {
      account = createHash('sha256').update(auth.token).digest('hex').slice(0, 32);
      this.accounts.set(auth.token, account);
    }
    return account;
  }

  /** Claims `upstreamKey` for the workspace before the creating call, unless another holds it. */
  async claim(
    account: string,
    workspaceId: string,
    kind: SharedKind,
    upstreamKey: string,
  ): Promise<Claim> {
    const inserted = await this.db
      .insert(dispatchSharedRecords)
      .values({ account, kind, upstreamKey, workspaceId })
      .onConflictDoNothing()
      .returning({ workspaceId: dispatchSharedRecords.workspaceId });
    if (inserted.length > 0) return { held: true, fresh: true };
    const [row] = await this.db
      .select({ workspaceId: dispatchSharedRecords.workspaceId })
      .from(dispatchSharedRecords)
      .where(this.keyWhere(account, kind, upstreamKey))
      .limit(1);
    if (!row) return this.claim(account, workspaceId, kind, upstreamKey);
    return row.workspaceId === workspaceId ? { held: true, fresh: false } : { held: false };
  }

  /** Records the guid Dispatch gave the claimed record. */
  async settle(account: string, kind: SharedKind, upstreamKey: string, guid: string) {
    await this.db
      .update(dispatchSharedRecords)
      .set({ guid })
      .where(this.keyWhere(account, kind, upstreamKey));
  }

  /** Gives up a claim (a fresh claim whose creating call failed, or a deleted record). */
  async release(account: string, kind: SharedKind, upstreamKey: string) {
    await this.db.delete(dispatchSharedRecords).where(this.keyWhere(account, kind, upstreamKey));
  }

  /** Gives up the claim on a record deleted in Dispatch; nothing to do on an account of its own. */
  async forget(auth: DispatchAuth, workspaceId: string, kind: SharedKind, guid: string) {
    const account = this.accountOf(auth);
    if (!account) return;
    await this.db
      .delete(dispatchSharedRecords)
      .where(
        and(this.ownerWhere(account, workspaceId, kind), eq(dispatchSharedRecords.guid, guid)),
      );
  }

  async owns(account: string, workspaceId: string, kind: SharedKind, guid: string) {
    const [row] = await this.db
      .select({ guid: dispatchSharedRecords.guid })
      .from(dispatchSharedRecords)
      .where(and(this.ownerWhere(account, workspaceId, kind), eq(dispatchSharedRecords.guid, guid)))
      .limit(1);
    return row !== undefined;
  }

  /** The guids of the workspace's records of one kind on the account. */
  async owned(account: string, workspaceId: string, kind: SharedKind): Promise<Set<string>> {
    const rows = await this.db
      .select({ guid: dispatchSharedRecords.guid })
      .from(dispatchSharedRecords)
      .where(
        and(this.ownerWhere(account, workspaceId, kind), isNotNull(dispatchSharedRecords.guid)),
      );
    return new Set(rows.map((r) => r.guid!));
  }

  private keyWhere(account: string, kind: SharedKind, upstreamKey: string) {
    return and(
      eq(dispatchSharedRecords.account, account),
      eq(dispatchSharedRecords.kind, kind),
      eq(dispatchSharedRecords.upstreamKey, upstreamKey),
    );
  }

  private ownerWhere(account: string, workspaceId: string, kind: SharedKind) {
    return and(
      eq(dispatchSharedRecords.account, account),
      eq(dispatchSharedRecords.kind, kind),
      eq(dispatchSharedRecords.workspaceId, workspaceId),
    );
  }
}

/** The key Dispatch's workflow configure upserts on. */
export const workflowUpsertKey = (entityType: string, name: string) => `${entityType}:${name}`;

/**
 * Runs a creating Dispatch call under a claim of its upsert key when the account is shared:
 * `taken` (and no call) when another workspace holds the key; the claim is given up again when a
 * fresh claim's call fails, and settled with the guid Dispatch returned when it succeeds.
 */
export async function createClaimed<T extends { guid: string }>(args: {
  records: SharedAccountRecords;
  auth: DispatchAuth;
  workspaceId: string;
  kind: SharedKind;
  upstreamKey: string;
  create: () => Promise<T>;
}): Promise<{ taken: true } | { taken: false; value: T }> {
  const { records, kind, upstreamKey } = args;
  const account = records.accountOf(args.auth);
  if (!account) return { taken: false, value: await args.create() };
  const claim = await records.claim(account, args.workspaceId, kind, upstreamKey);
  if (!claim.held) return { taken: true };
  let value: T;
  try {
    value = await args.create();
  } catch (error) {
    if (claim.fresh) await records.release(account, kind, upstreamKey);
    throw error;
  }
  await records.settle(account, kind, upstreamKey, value.guid);
  return { taken: false, value };
}
