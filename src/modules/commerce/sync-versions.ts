import { linkKey } from './record-cache.js';
import type { DatasetSyncStatus, SyncableDataset } from './sources/source.js';

/**
 * How often a dataset with no version (syncing, failed, never synced) has its link's status read
 * again while it is asked for: the end of its sync is what lets the cache serve it again, and
 * its reads go to the upstream meanwhile anyway.
 */
const UNCACHED_RECHECK_MS = 1000;

/**
 * Which sync of a link's dataset the upstream serves now: its *version*, under which
 * CommerceRecordCache keeps the records. A dataset whose latest sync completed has the time that
 * sync finished as its version; one that is syncing, failed its latest sync or never synced has
 * none, and is read from the upstream as if there were no cache (so DATA_NOT_READY and the
 * upstream's own errors come through unchanged).
 *
 * A link's status is read once and trusted for `checkMs` (at most a second for a dataset without
 * a version). After that the next read still answers from it while one request reads it again in
 * the background, so no query waits on the status call once a link is known; a status that
 * cannot be read keeps the last one until the next check. A status the `syncStatus` field read
 * counts as a check. `forget` makes the next read wait for a fresh status: a sync requested
 * through the gateway is seen at once, by every replica (see commerce-services.ts).
 */
export class SyncVersions {
  private readonly links = new Map<string, LinkStatus>();

  constructor(
    private readonly checkMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The version of a dataset of a link, or null when it must be read from the upstream. A promise
   * only when the link's status is not known yet.
   */
  version(
    workspaceId: string,
    linkId: string,
    dataset: SyncableDataset,
    readStatus: () => Promise<DatasetSyncStatus[]>,
  ): string | null | Promise<string | null> {
    const key = linkKey(workspaceId, linkId);
    let link = this.links.get(key);
    if (!link)
      this.links.set(key, (link = { versions: undefined, checkedAt: 0, reading: undefined }));
    if (link.versions) {
      const version = link.versions.get(dataset) ?? null;
      const maxAge = version === null ? Math.min(this.checkMs, UNCACHED_RECHECK_MS) : this.checkMs;
      if (this.now() - link.checkedAt >= maxAge && !link.reading) void this.read(link, readStatus);
      return version;
    }
    const reading = link.reading ?? this.read(link, readStatus);
    return reading.then((versions) => versions.get(dataset) ?? null);
  }

  /** Records a status read elsewhere (the `syncStatus` field), which is as fresh as any. */
  observe(workspaceId: string, linkId: string, statuses: readonly DatasetSyncStatus[]): void {
    const key = linkKey(workspaceId, linkId);
    const link = this.links.get(key);
    const versions = versionsOf(statuses);
    if (link && !link.reading) {
      link.versions = versions;
      link.checkedAt = this.now();
    } else if (!link) this.links.set(key, { versions, checkedAt: this.now(), reading: undefined });
  }

  forget(workspaceId: string, linkId: string): void {
    this.links.delete(linkKey(workspaceId, linkId));
  }

  private read(
    link: LinkStatus,
    readStatus: () => Promise<DatasetSyncStatus[]>,
  ): Promise<ReadonlyMap<SyncableDataset, string | null>> {
    const reading = readStatus().then(
      (statuses) => versionsOf(statuses),
      // Unknown status: the last one known stands, or nothing is cached until the next check.
      () => link.versions ?? new Map<SyncableDataset, string | null>(),
    );
    link.reading = reading;
    void reading.then((versions) => {
      link.versions = versions;
      link.checkedAt = this.now();
      link.reading = undefined;
    });
    return reading;
  }
}

interface LinkStatus {
  versions: ReadonlyMap<SyncableDataset, string | null> | undefined;
  checkedAt: number;
  reading: Promise<ReadonlyMap<SyncableDataset, string | null>> | undefined;
}

function versionsOf(
  statuses: readonly DatasetSyncStatus[],
): ReadonlyMap<SyncableDataset, string | null> {
  return new Map(
    statuses.map((s) => [
      s.dataset,
      s.state === 'COMPLETE' && s.dataAsOf !== null ? s.dataAsOf : null,
    ]),
  );
}
