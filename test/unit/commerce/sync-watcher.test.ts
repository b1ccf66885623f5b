import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type {
  CommerceLink,
  DatasetSyncStatus,
} from '../../../src/modules/commerce/sources/source.js';
import type { CommerceSyncEvent } from '../../../src/modules/commerce/sync-events.js';
import { SyncWatcher, type PollLease } from '../../../src/modules/commerce/sync-watcher.js';
import { MemoryCache } from '../../../src/store/cache.js';

/**
 * When the polling watcher announces a sync round: against a source whose status the test sets,
 * read with short intervals; every wait is on a condition.
 */

const link = (id: string): CommerceLink => ({
  id,
  workspaceId: 'ws',
  source: 'QARD',
  platform: 'shopify',
  name: id,
  status: 'LINKED',
  externalRefs: {},
  authorizationUrl: null,
  createdAt: new Date(0),
});

const status = (
  dataset: DatasetSyncStatus['dataset'],
  state: DatasetSyncStatus['state'],
  dataAsOf: string | null = null,
): DatasetSyncStatus => ({ dataset, state, upstreamStatus: state, dataAsOf });

const T1 = '2026-12-01T00:00:00.000Z';
const T2 = '2026-12-02T00:00:00.000Z';

/** The watchers' shared lease store, as replicas share Redis; each harness is one replica. */
function leaseOn(cache: MemoryCache): PollLease {
  const owner = randomUUID();
  return {
    take: (l) => cache.lease(`poll:${l.id}`, owner, 1000),
    release: (l) => cache.releaseLease(`poll:${l.id}`, owner),
  };
}

function harness(maxWatched = 10, cache = new MemoryCache()) {
  const statuses = new Map<string, DatasetSyncStatus[]>();
  const reads = new Map<string, number>();
  let failing = false;
  const events: CommerceSyncEvent[] = [];
  const watcher = new SyncWatcher(
    async (l) => {
      reads.set(l.id, (reads.get(l.id) ?? 0) + 1);
      if (failing) throw Object.assign(new Error('down'), { code: 'UPSTREAM_UNAVAILABLE' });
      return statuses.get(l.id) ?? [];
    },
    async (event) => events.push(event) > 0,
    { intervalMs: 2, maxIntervalMs: 10, timeoutMs: 60_000, maxWatched },
    pino({ level: 'silent' }),
    leaseOn(cache),
  );
  watchers.push(watcher);
  return {
    watcher,
    events,
    set: (id: string, s: DatasetSyncStatus[]) => statuses.set(id, s),
    reads: (id: string) => reads.get(id) ?? 0,
    fail: (on: boolean) => (failing = on),
  };
}

const watchers: SyncWatcher[] = [];
afterEach(async () => {
  for (const w of watchers.splice(0)) await w.stop();
});

describe('SyncWatcher', () => {
  it('announces a new link’s first round once every dataset has ended, then stops', async () => {
    const h = harness();
    h.set('a', [status('orders', 'NOT_SYNCED'), status('customers', 'NOT_SYNCED')]);
    h.watcher.started(link('a'), null);
    await expect.poll(() => h.reads('a')).toBeGreaterThan(2);
    h.set('a', [status('orders', 'COMPLETE', T1), status('customers', 'FETCHING')]);
    await expect.poll(() => h.reads('a')).toBeGreaterThan(5);
    expect(h.events).toEqual([]);
    h.set('a', [status('orders', 'COMPLETE', T1), status('customers', 'ERROR')]);
    await expect.poll(() => h.events.length).toBe(1);
    expect(h.events[0]).toEqual({
      workspaceId: 'ws',
      linkId: 'a',
      outcome: 'FAILED',
      signal: 'POLLING',
      datasets: [status('orders', 'COMPLETE', T1), status('customers', 'ERROR')],
    });
    await expect.poll(() => h.watcher.watching).toBe(0);
  });

  it('announces the datasets a request queued even when the first read finds them done', async () => {
    const h = harness();
    h.set('a', [status('orders', 'COMPLETE', T2), status('products', 'COMPLETE', T1)]);
    h.watcher.started(link('a'), ['orders']);
    await expect.poll(() => h.events.length).toBe(1);
    expect(h.events[0]).toMatchObject({
      outcome: 'COMPLETED',
      datasets: [status('orders', 'COMPLETE', T2)],
    });
  });

  it('keeps watching through failed reads', async () => {
    const h = harness();
    h.fail(true);
    h.watcher.started(link('a'), ['orders']);
    await expect.poll(() => h.reads('a')).toBeGreaterThan(3);
    h.fail(false);
    h.set('a', [status('orders', 'COMPLETE', T1)]);
    await expect.poll(() => h.events.length).toBe(1);
  });

  it('announces a round that started elsewhere while a subscriber holds the link, and stops after', async () => {
    const h = harness();
    h.set('a', [status('orders', 'COMPLETE', T1)]);
    const release = h.watcher.hold(link('a'));
    await expect.poll(() => h.reads('a')).toBeGreaterThan(2);
    expect(h.events).toEqual([]);
    h.set('a', [status('orders', 'FETCHING', T1)]);
    await expect.poll(() => h.reads('a')).toBeGreaterThan(5);
    h.set('a', [status('orders', 'COMPLETE', T2)]);
    await expect.poll(() => h.events.length).toBe(1);
    expect(h.events[0]!.datasets).toEqual([status('orders', 'COMPLETE', T2)]);
    // Still held: the next round is heard too.
    h.set('a', [status('orders', 'COMPLETE', '2026-12-03T00:00:00.000Z')]);
    await expect.poll(() => h.events.length).toBe(2);
    release();
    expect(h.watcher.watching).toBe(0);
    const readsAtRelease = h.reads('a');
    // Another link's watch runs long enough to show the released one is no longer read.
    h.set('b', [status('orders', 'NOT_SYNCED')]);
    h.watcher.started(link('b'), null);
    await expect.poll(() => h.reads('b')).toBeGreaterThan(5);
    expect(h.reads('a')).toBeLessThanOrEqual(readsAtRelease + 1);
  });

  it('reads a link’s status on one replica at a time, and another takes over when that one stops', async () => {
    const shared = new MemoryCache();
    const a = harness(10, shared);
    const b = harness(10, shared);
    for (const h of [a, b]) h.set('a', [status('orders', 'COMPLETE', T1)]);
    a.watcher.hold(link('a'));
    await expect.poll(() => a.reads('a')).toBeGreaterThan(2);
    b.watcher.hold(link('a'));
    await expect.poll(() => a.reads('a')).toBeGreaterThan(10);
    expect(b.reads('a')).toBe(0);
    // A's replica stops: B reads from then on, and hears the next round.
    await a.watcher.stop();
    await expect.poll(() => b.reads('a')).toBeGreaterThan(1);
    b.set('a', [status('orders', 'COMPLETE', T2)]);
    await expect.poll(() => b.events.length).toBe(1);
    expect(b.reads('a')).toBeGreaterThan(0);
  });

  it('watches at most maxWatched links', async () => {
    const h = harness(2);
    for (const id of ['a', 'b', 'c']) {
      h.set(id, [status('orders', 'QUEUED')]);
      h.watcher.started(link(id), ['orders']);
    }
    expect(h.watcher.watching).toBe(2);
    await expect.poll(() => h.reads('b')).toBeGreaterThan(2);
    expect(h.reads('c')).toBe(0);
  });
});
