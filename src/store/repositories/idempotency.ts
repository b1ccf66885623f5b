import { createHash } from 'node:crypto';
import { and, eq, lt } from 'drizzle-orm';
import type { Database } from '../database.js';
import { idempotencyRecords } from '../tables/index.js';

export type IdempotentOutcome<T> =
  | { kind: 'fresh'; value: T }
  | { kind: 'replayed'; value: T }
  | { kind: 'key-reused'; message: string }
  | { kind: 'in-progress'; message: string };

/** A pending row older than this belongs to a request that died; a retry may take it over. */
const STALE_PENDING_MS = 60_000;

/**
 * Makes a mutation safe to retry: the first call with a key runs and its (JSON) result is kept
 * for the caller who sent it;
 * a replay with the same key and the same input gets that result without running again; the
 * same key with different input is refused rather than silently returning the wrong thing.
 */
export class IdempotencyStore {
  constructor(private readonly db: Database) {}

  async execute<T>(args: {
    workspaceId: string;
    /** The caller (API key id, JWT subject): a record is never replayed to anyone else. */
    principalId: string;
    operation: string;
    key: string;
    input: unknown;
    run: () => Promise<T>;
    /** Whether a result is final and worth replaying (default: every result). */
    keep?: (value: T) => boolean;
  }): Promise<IdempotentOutcome<T>> {
    const { workspaceId, principalId, operation, key } = args;
    const requestDigest = digestInput(args.input);
    const where = and(
      eq(idempotencyRecords.workspaceId, workspaceId),
      eq(idempotencyRecords.principalId, principalId),
      eq(idempotencyRecords.operation, operation),
      eq(idempotencyRecords.key, key),
    );

    const inserted = await this.db
      .insert(idempotencyRecords)
      .values({ workspaceId, principalId, operation, key, requestDigest, state: 'pending' })
      .onConflictDoNothing()
      .returning({ key: idempotencyRecords.key });

    if (inserted.length === 0) {
      const [existing] = await this.db.select().from(idempotencyRecords).where(where).limit(1);
      if (!existing) return this.execute(args);
      if (existing.requestDigest !== requestDigest) {
        return {
          kind: 'key-reused',
          message: 'This idempotency key was already used with different input',
        };
      }
      if (existing.state === 'completed')
        return { kind: 'replayed', value: existing.response as T };
      // Only on a conflict: a pending row this old belongs to a request that died, and the
      // retry takes it over. The common path (a fresh key) pays no extra write.
      if (existing.createdAt.getTime() < Date.now() - STALE_PENDING_MS) {
        await this.db
          .delete(idempotencyRecords)
          .where(
            and(
              where,
              eq(idempotencyRecords.state, 'pending'),
              lt(idempotencyRecords.createdAt, new Date(Date.now() - STALE_PENDING_MS)),
            ),
          );
        return this.execute(args);
      }
      return {
        kind: 'in-progress',
        message: 'A request with this idempotency key is still in progress; retry shortly',
      };
    }

    let value: T;
    try {
      value = await args.run();
    } catch (error) {
      await this.db.delete(idempotencyRecords).where(where);
      throw error;
    }
    if (args.keep && !args.keep(value)) {
      await this.db.delete(idempotencyRecords).where(where);
    } else {
      await this.db
        .update(idempotencyRecords)
        .set({ state: 'completed', response: value as unknown })
        .where(where);
    }
    return { kind: 'fresh', value };
  }
}

/** Key order must not matter: `{a,b}` and `{b,a}` are the same request. */
export function digestInput(input: unknown): string {
  return createHash('sha256').update(stableStringify(input)).digest('hex');
}

function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
}
