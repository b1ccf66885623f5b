import { createHash } from 'node:crypto';
import { and, eq, lt } from 'drizzle-orm';
import type { Database } from '../database.js';
import type { EventBus } from '../event-bus.js';
import { idempotencyRecords } from '../tables/index.js';
import { SettledSignals } from './settled-signals.js';

export type IdempotentOutcome<T> =
  | { kind: 'fresh'; value: T }
  | { kind: 'replayed'; value: T }
  | { kind: 'key-reused'; message: string }
  | { kind: 'in-progress'; message: string; retryAfterSeconds: number };

/** A pending row older than this belongs to a request that died; a retry may take it over. */
const STALE_PENDING_MS = 60_000;
/** A waiting retry looks at the record again after this long without an announcement, doubling. */
const FIRST_LOOK_MS = 50;
const MAX_LOOK_MS = 1_000;

export interface IdempotencyOptions {
  /** Announces settled keys to every replica (Redis with REDIS_URL). */
  eventBus?: EventBus;
  /** How long a retry waits for the first call with its key (IDEMPOTENCY_WAIT_MS). */
  waitMs?: number;
}

interface ExecuteArgs<T> {
  workspaceId: string;
  /** The caller (API key id, JWT subject): a record is never replayed to anyone else. */
  principalId: string;
  operation: string;
  key: string;
  input: unknown;
  run: () => Promise<T>;
  /** Whether a result is final and worth replaying (default: every result). */
  keep?: (value: T) => boolean;
}

/**
 * Makes a mutation safe to retry: the first call with a key runs and its (JSON) result is kept
 * for the caller who sent it; a replay with the same key and the same input gets that result
 * without running again; the same key with different input is refused rather than silently
 * returning the wrong thing. A retry that arrives while the first call runs (a client that timed
 * out and sent again, on this replica or another) waits for that call's result, up to `waitMs`;
 * past it, it is told the key is in progress and when to come back.
 */
export class IdempotencyStore {
  private readonly signals: SettledSignals;
  private readonly waitMs: number;

  constructor(
    private readonly db: Database,
    options: IdempotencyOptions = {},
  ) {
    this.signals = new SettledSignals(options.eventBus);
    this.waitMs = options.waitMs ?? 10_000;
  }

  execute<T>(args: ExecuteArgs<T>): Promise<IdempotentOutcome<T>> {
    return this.attempt(args, Date.now() + this.waitMs);
  }

  async close(): Promise<void> {
    await this.signals.close();
  }

  private async attempt<T>(args: ExecuteArgs<T>, deadline: number): Promise<IdempotentOutcome<T>> {
    const { workspaceId, principalId, operation, key } = args;
    const requestDigest = digestInput(args.input);
    const id = JSON.stringify([workspaceId, principalId, operation, key]);
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
      // Someone holds the key: wait for its result while it runs, up to the deadline.
      for (let look = FIRST_LOOK_MS; ; look = Math.min(look * 2, MAX_LOOK_MS)) {
        const [existing] = await this.db.select().from(idempotencyRecords).where(where).limit(1);
        // Gone: the first call failed or its answer was not kept; this one runs instead.
        if (!existing) return this.attempt(args, deadline);
        if (existing.requestDigest !== requestDigest) {
          return {
            kind: 'key-reused',
            message: 'This idempotency key was already used with different input',
          };
        }
        if (existing.state === 'completed')
          return { kind: 'replayed', value: existing.response as T };
        // A pending row this old belongs to a request that died, and the retry takes it over.
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
          return this.attempt(args, deadline);
        }
        const left = deadline - Date.now();
        if (left <= 0) {
          return {
            kind: 'in-progress',
            message: 'A request with this idempotency key is still in progress; retry shortly',
            retryAfterSeconds: Math.min(30, Math.max(1, Math.ceil(this.waitMs / 1000))),
          };
        }
        await this.signals.next(id, Math.min(look, left));
      }
    }

    let value: T;
    try {
      value = await args.run();
    } catch (error) {
      await this.db.delete(idempotencyRecords).where(where);
      this.signals.announce(id);
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
    this.signals.announce(id);
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
