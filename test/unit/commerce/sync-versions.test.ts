import { describe, expect, it } from 'vitest';
import type { DatasetSyncStatus } from '../../../src/modules/commerce/sources/source.js';
import { SyncVersions } from '../../../src/modules/commerce/sync-versions.js';

/** A status reader that answers when told to, counting its reads. */
function statusReader() {
  const pending: Array<{
    resolve: (s: DatasetSyncStatus[]) => void;
    reject: (e: unknown) => void;
  }> = [];
  return {
    reads: () => pending.length,
    read: () =>
      new Promise<DatasetSyncStatus[]>((resolve, reject) => pending.push({ resolve, reject })),
    answer: (statuses: DatasetSyncStatus[]) => pending.at(-1)!.resolve(statuses),
    fail: () => pending.at(-1)!.reject(new Error('status unavailable')),
  };
}

const complete = (dataAsOf: string): DatasetSyncStatus[] => [
  { dataset: 'orders', state: 'COMPLETE', upstreamStatus: 'Complete', dataAsOf },
  { dataset: 'products', state: 'FETCHING', upstreamStatus: 'Fetching', dataAsOf },
];
const settle = () => new Promise((r) => setImmediate(r));

describe('SyncVersions', () => {
  it('waits for the first status, then answers from it until the check is due', async () => {
    let now = 0;
    const versions = new SyncVersions(30_000, () => now);
    const upstream = statusReader();
    const first = versions.version('ws', 'l', 'orders', upstream.read);
    const second = versions.version('ws', 'l', 'orders', upstream.read);
    expect(upstream.reads()).toBe(1);
    upstream.answer(complete('2026-12-01T00:00:00.000Z'));
    await expect(first).resolves.toBe('2026-12-01T00:00:00.000Z');
    await expect(second).resolves.toBe('2026-12-01T00:00:00.000Z');

    now = 29_999;
    expect(versions.version('ws', 'l', 'orders', upstream.read)).toBe('2026-12-01T00:00:00.000Z');
    expect(upstream.reads()).toBe(1);

    // Due: the held version answers at once while one read runs in the background.
    now = 30_000;
    expect(versions.version('ws', 'l', 'orders', upstream.read)).toBe('2026-12-01T00:00:00.000Z');
    expect(versions.version('ws', 'l', 'orders', upstream.read)).toBe('2026-12-01T00:00:00.000Z');
    expect(upstream.reads()).toBe(2);
    upstream.answer(complete('2026-12-02T00:00:00.000Z'));
    await settle();
    expect(versions.version('ws', 'l', 'orders', upstream.read)).toBe('2026-12-02T00:00:00.000Z');
  });

  it('gives no version to a dataset that is syncing, and checks it again within a second', async () => {
    let now = 0;
    const versions = new SyncVersions(30_000, () => now);
    const upstream = statusReader();
    const products = versions.version('ws', 'l', 'products', upstream.read);
    upstream.answer(complete('2026-12-01T00:00:00.000Z'));
    await expect(products).resolves.toBeNull();
    now = 1_000;
    expect(versions.version('ws', 'l', 'products', upstream.read)).toBeNull();
    expect(upstream.reads()).toBe(2);
  });

  it('keeps the last status when a read fails, and has none when the first one does', async () => {
    let now = 0;
    const versions = new SyncVersions(10, () => now);
    const upstream = statusReader();
    const first = versions.version('ws', 'l', 'orders', upstream.read);
    upstream.fail();
    await expect(first).resolves.toBeNull();

    now = 20;
    versions.version('ws', 'l', 'orders', upstream.read);
    upstream.answer(complete('2026-12-01T00:00:00.000Z'));
    await settle();
    now = 40;
    versions.version('ws', 'l', 'orders', upstream.read);
    upstream.fail();
    await settle();
    expect(versions.version('ws', 'l', 'orders', upstream.read)).toBe('2026-12-01T00:00:00.000Z');
  });

  it('waits for a fresh status after forget, and takes one read elsewhere as a check', async () => {
    const versions = new SyncVersions(30_000, () => 0);
    const upstream = statusReader();
    versions.observe('ws', 'l', complete('2026-12-01T00:00:00.000Z'));
    expect(versions.version('ws', 'l', 'orders', upstream.read)).toBe('2026-12-01T00:00:00.000Z');
    expect(upstream.reads()).toBe(0);

    versions.forget('ws', 'l');
    const after = versions.version('ws', 'l', 'orders', upstream.read);
    expect(after).toBeInstanceOf(Promise);
    upstream.answer([
      { dataset: 'orders', state: 'QUEUED', upstreamStatus: 'Queued', dataAsOf: null },
    ]);
    await expect(after).resolves.toBeNull();
    // Another workspace's link of the same id is another link.
    expect(versions.version('ws-other', 'l', 'orders', upstream.read)).toBeInstanceOf(Promise);
  });
});
