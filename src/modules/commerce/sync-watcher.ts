import type { Logger } from 'pino';
import { linkKey } from './record-cache.js';
import type {
  CommerceLink,
  DatasetSyncStatus,
  SyncableDataset,
  SyncState,
} from './sources/source.js';
import { syncEvent, type CommerceSyncEvent } from './sync-events.js';

export interface SyncPollingOptions {
  /** First delay between two reads of a link's status; it doubles after each read. */
  intervalMs: number;
  maxIntervalMs: number;
  /** How long after a link or a sync request its status is read, unless a subscriber waits. */
  timeoutMs: number;
  /** Most links watched at once by this process. */
  maxWatched: number;
}

const RUNNING: ReadonlySet<SyncState> = new Set(['QUEUED', 'FETCHING', 'PROCESSING']);
const ENDED: ReadonlySet<SyncState> = new Set(['COMPLETE', 'ERROR']);

interface Watch {
  key: string;
  link: CommerceLink;
  /** Each dataset's state and data time when watching began (undefined until the first read). */
  baseline: Map<SyncableDataset, string> | undefined;
  /** Datasets seen syncing, or queued by a request, since the baseline. */
  running: Set<SyncableDataset>;
  /** Watched until then, or while subscribers hold it. */
  deadline: number;
  holds: number;
  delayMs: number;
  timer: NodeJS.Timeout | undefined;
  checking: boolean;
}

/**
 * Which replica reads a link's status: the holder of the link's lease (a shared Redis key with
 * expiry, renewed at each read). `take` takes or renews it; false while another replica holds it.
 */
export interface PollLease {
  take(link: CommerceLink): Promise<boolean>;
  release(link: CommerceLink): Promise<void>;
}

const stateOf = (s: DatasetSyncStatus) => `${s.state}@${s.dataAsOf ?? ''}`;
const baselineOf = (statuses: readonly DatasetSyncStatus[]) =>
  new Map(statuses.map((s) => [s.dataset, stateOf(s)]));

/**
 * Announces the end of sync rounds of sources without webhooks (Qard; Codat when no webhook
 * secret is set) by reading the link's sync status with backoff: after the link was made (its
 * first syncs start whenever the merchant authorises), after a sync was requested through the
 * gateway, and while a subscriber waits for that link. A round has ended when none of the
 * link's datasets is queued or syncing and some dataset that was (or whose state or data time
 * changed since watching began) is COMPLETE or ERROR. Every replica with a reason to watch a
 * link watches it, but only the one holding the link's lease reads its status (the others check
 * the lease at their own pace and take over when it expires: its holder stopped or died); the
 * announcement reaches every replica through the event bus.
 */
export class SyncWatcher {
  private readonly watches = new Map<string, Watch>();
  private readonly checks = new Set<Promise<void>>();
  private stopped = false;

  constructor(
    private readonly readStatus: (link: CommerceLink) => Promise<DatasetSyncStatus[]>,
    private readonly announce: (event: CommerceSyncEvent) => Promise<boolean>,
    private readonly options: SyncPollingOptions,
    private readonly logger: Logger,
    private readonly lease: PollLease,
  ) {}

  /**
   * Watches a link until its next round ends: `queued` null after the link was made (every
   * dataset that ends counts), or the datasets a sync request queued.
   */
  started(link: CommerceLink, queued: readonly SyncableDataset[] | null): void {
    const watch = this.open(link, queued === null ? new Map() : undefined);
    if (!watch) return;
    for (const dataset of queued ?? []) watch.running.add(dataset);
    watch.deadline = Math.max(watch.deadline, Date.now() + this.options.timeoutMs);
    this.schedule(watch, this.options.intervalMs);
  }

  /** Keeps a link watched while a subscriber waits for its syncs; call the result to let go. */
  hold(link: CommerceLink): () => void {
    const watch = this.open(link, undefined);
    if (!watch) return () => undefined;
    watch.holds++;
    if (!watch.timer && !watch.checking) this.schedule(watch, this.options.intervalMs);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      watch.holds--;
      if (watch.holds === 0 && Date.now() >= watch.deadline) this.end(watch);
    };
  }

  /** Links watched now (health output and tests). */
  get watching(): number {
    return this.watches.size;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const watches = [...this.watches.values()];
    for (const watch of watches) clearTimeout(watch.timer);
    this.watches.clear();
    await Promise.allSettled([...this.checks]);
    // Another replica watching these links takes them over at once, not when the leases expire.
    await Promise.allSettled(watches.map((w) => this.lease.release(w.link)));
  }

  private open(
    link: CommerceLink,
    baseline: Map<SyncableDataset, string> | undefined,
  ): Watch | undefined {
    if (this.stopped) return undefined;
    const key = linkKey(link.workspaceId, link.id);
    const existing = this.watches.get(key);
    if (existing) return existing;
    if (this.watches.size >= this.options.maxWatched) {
      this.logger.warn(
        { linkId: link.id, max: this.options.maxWatched },
        'not watching a commerce link: COMMERCE_SYNC_WATCH_MAX links are watched already',
      );
      return undefined;
    }
    const watch: Watch = {
      key,
      link,
      baseline,
      running: new Set(),
      deadline: 0,
      holds: 0,
      delayMs: this.options.intervalMs,
      timer: undefined,
      checking: false,
    };
    this.watches.set(key, watch);
    return watch;
  }

  private end(watch: Watch): void {
    clearTimeout(watch.timer);
    watch.timer = undefined;
    if (this.watches.get(watch.key) === watch) this.watches.delete(watch.key);
    this.lease.release(watch.link).catch(() => undefined);
  }

  /** Whether this replica reads the link's status now. Without the lease store, it does. */
  private async holdsLease(watch: Watch): Promise<boolean> {
    try {
      return await this.lease.take(watch.link);
    } catch (error) {
      this.logger.warn(
        { linkId: watch.link.id, err: error },
        'commerce sync polling lease unavailable; reading the status anyway',
      );
      return true;
    }
  }

  private schedule(watch: Watch, delayMs: number): void {
    if (this.stopped || watch.checking) return;
    clearTimeout(watch.timer);
    watch.delayMs = delayMs;
    watch.timer = setTimeout(() => {
      watch.timer = undefined;
      const check = this.check(watch).finally(() => this.checks.delete(check));
      this.checks.add(check);
    }, delayMs);
    // A watch must not keep a process alive that is otherwise done.
    watch.timer.unref();
  }

  private async check(watch: Watch): Promise<void> {
    watch.checking = true;
    try {
      if (await this.holdsLease(watch)) await this.read(watch);
    } finally {
      watch.checking = false;
    }
    if (this.watches.get(watch.key) !== watch) return;
    if (watch.holds === 0 && Date.now() >= watch.deadline) this.end(watch);
    else this.schedule(watch, Math.min(watch.delayMs * 2, this.options.maxIntervalMs));
  }

  private async read(watch: Watch): Promise<void> {
    try {
      const statuses = await this.readStatus(watch.link);
      watch.baseline ??= baselineOf(statuses);
      for (const s of statuses) if (RUNNING.has(s.state)) watch.running.add(s.dataset);
      const ended = statuses.some((s) => RUNNING.has(s.state))
        ? []
        : statuses.filter(
            (s) =>
              ENDED.has(s.state) &&
              (watch.running.has(s.dataset) || watch.baseline!.get(s.dataset) !== stateOf(s)),
          );
      if (ended.length > 0) {
        await this.announce(syncEvent(watch.link, 'POLLING', ended));
        watch.baseline = baselineOf(statuses);
        watch.running.clear();
        watch.deadline = 0;
      }
    } catch (error) {
      // The source down or slow: keep watching with backoff. Only the code is logged.
      this.logger.warn(
        {
          linkId: watch.link.id,
          code: (error as { code?: unknown }).code ?? (error as Error).name,
        },
        'reading a commerce link’s sync status failed; will retry',
      );
    }
  }
}
