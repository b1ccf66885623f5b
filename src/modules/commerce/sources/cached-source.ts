import { lazyRecordSpan } from '../../../upstreams/lazy-record.js';
import type { CommerceDataset, CompanyInfoModel, DatasetRecords } from '../model.js';
import type { CommerceRecordCache, Generation } from '../record-cache.js';
import type { SyncVersions } from '../sync-versions.js';
import type {
  CommerceLink,
  CommerceSource,
  DatasetSyncStatus,
  PageRequest,
  SourcePage,
  SyncableDataset,
} from './source.js';

/**
 * A synced source with its records kept across requests (see record-cache.ts): pages, lookups by
 * id and company profiles are answered from the cache while the link's dataset is at the sync
 * they were read from, and from the source otherwise. A request that misses waits for the same
 * upstream call as any other request missing the same page or ids at the time.
 *
 * Only the source's own answers are kept; failures never are, so an upstream error is reported
 * exactly as without the cache, and the next request asks again.
 */
export class CachedCommerceSource implements CommerceSource {
  readonly kind: CommerceSource['kind'];
  readonly datasets: ReadonlySet<CommerceDataset>;
  readonly syncedCopy = true;
  readonly listLinks?: CommerceSource['listLinks'];
  readonly requestSync?: CommerceSource['requestSync'];
  readonly unlink: CommerceSource['unlink'];

  constructor(
    private readonly inner: CommerceSource,
    private readonly cache: CommerceRecordCache,
    private readonly versions: SyncVersions,
    /** Told when a sync is requested through the gateway: the link's data is about to change. */
    onSyncRequested: (link: CommerceLink) => void,
  ) {
    this.kind = inner.kind;
    this.datasets = inner.datasets;
    if (inner.listLinks) this.listLinks = inner.listLinks.bind(inner);
    this.unlink = async (link) => {
      try {
        await inner.unlink(link);
      } finally {
        onSyncRequested(link);
      }
    };
    const requestSync = inner.requestSync?.bind(inner);
    if (requestSync) {
      this.requestSync = async (link, datasets) => {
        try {
          return await requestSync(link, datasets);
        } finally {
          // Even a refused request may have started a sync upstream: ask for the status again.
          onSyncRequested(link);
        }
      };
    }
  }

  async listPage<D extends CommerceDataset>(
    link: CommerceLink,
    dataset: D,
    request: PageRequest,
  ): Promise<SourcePage<DatasetRecords[D]>> {
    const generation = await this.generation(link, dataset);
    if (!generation) return this.inner.listPage(link, dataset, request);
    const key = pageKey(request);
    const held = this.cache.answer<SourcePage<DatasetRecords[D]>>(generation, key);
    if (held) return held;
    return this.once(generation, key, async () => {
      const page = await this.inner.listPage(link, dataset, request);
      this.cache.storeAnswer(generation, key, page, page.records, estimateBytes(page.records));
      return page;
    });
  }

  async fetchByIds<D extends CommerceDataset>(
    link: CommerceLink,
    dataset: D,
    ids: readonly string[],
  ): Promise<Map<string, DatasetRecords[D]>> {
    const generation = await this.generation(link, dataset);
    if (!generation) return this.inner.fetchByIds(link, dataset, ids);
    const found = new Map<string, DatasetRecords[D]>();
    const missing: string[] = [];
    const waits = new Set<Promise<unknown>>();
    for (const id of ids) {
      const held = this.cache.record<DatasetRecords[D]>(generation, id);
      if (held === null) continue;
      if (held !== undefined) found.set(id, held);
      else {
        const pending = generation.inFlight.get(recordKey(id));
        if (pending) waits.add(pending);
        else missing.push(id);
      }
    }
    if (missing.length === 0 && waits.size === 0) return found;
    const fetch = (wanted: readonly string[]) => {
      const call = this.inner.fetchByIds(link, dataset, wanted).then((records) => {
        this.cache.storeLookup(generation, wanted, records, estimateBytes(records.values()));
        return records;
      });
      for (const id of wanted) this.pending(generation, recordKey(id), call);
      return call;
    };
    const [own] = await Promise.all([
      missing.length > 0 ? fetch(missing) : undefined,
      // Another request's lookup that failed is retried below, not reported as this one's.
      ...[...waits].map((w) => w.catch(() => undefined)),
    ]);
    own?.forEach((record, id) => found.set(id, record));
    if (waits.size === 0) return found;
    // What the other requests' lookups found is held now; what they could not read is asked for.
    const asked = new Set(missing);
    const retry: string[] = [];
    for (const id of ids) {
      if (found.has(id) || asked.has(id)) continue;
      const held = this.cache.peekRecord<DatasetRecords[D]>(generation, id);
      if (held) found.set(id, held);
      else if (held === undefined) retry.push(id);
    }
    if (retry.length > 0) (await fetch(retry)).forEach((record, id) => found.set(id, record));
    return found;
  }

  async companyInfo(link: CommerceLink): Promise<CompanyInfoModel | null> {
    const generation = await this.generation(link, 'companyInfo');
    if (!generation) return this.inner.companyInfo(link);
    const held = this.cache.answer<{ info: CompanyInfoModel | null }>(generation, 'info');
    if (held) return held.info;
    return this.once(generation, 'info', async () => {
      const info = await this.inner.companyInfo(link);
      this.cache.storeAnswer(generation, 'info', { info }, [], estimateBytes(info ? [info] : []));
      return info;
    });
  }

  async syncStatus(link: CommerceLink): Promise<DatasetSyncStatus[]> {
    const statuses = await this.inner.syncStatus(link);
    this.versions.observe(link.workspaceId, link.id, statuses);
    return statuses;
  }

  /** The generation the link's dataset is cached under now, or undefined to read the source. */
  private async generation(
    link: CommerceLink,
    dataset: SyncableDataset,
  ): Promise<Generation | undefined> {
    const known = this.versions.version(link.workspaceId, link.id, dataset, () =>
      this.inner.syncStatus(link),
    );
    const version = typeof known === 'string' || known === null ? known : await known;
    return version === null
      ? undefined
      : this.cache.generation(link.workspaceId, link.id, dataset, version);
  }

  /** Runs `fetch` unless a fetch of the same key is in flight, whose answer is then shared. */
  private once<T>(generation: Generation, key: string, fetch: () => Promise<T>): Promise<T> {
    const pending = generation.inFlight.get(key);
    if (pending) return pending as Promise<T>;
    const call = fetch();
    this.pending(generation, key, call);
    return call;
  }

  private pending(generation: Generation, key: string, call: Promise<unknown>): void {
    generation.inFlight.set(key, call);
    const settle = () => {
      if (generation.inFlight.get(key) === call) generation.inFlight.delete(key);
    };
    call.then(settle, settle);
  }
}

/** The sizeHint sizes only a first page (PageRequest's contract), so it is part of its key alone. */
function pageKey(request: PageRequest): string {
  const f = request.filter;
  return JSON.stringify([
    request.position,
    request.position === null ? request.sizeHint : null,
    f.createdAfter?.getTime() ?? null,
    f.createdBefore?.getTime() ?? null,
    f.modifiedAfter?.getTime() ?? null,
  ]);
}

/** Ids and answer keys share one map of fetches in flight. */
function recordKey(id: string): string {
  return `id:${id}`;
}

/**
 * What records keep alive, roughly: their JSON (a lazily read record's bytes of its page, else
 * the JSON of what the upstream sent), as much again for the values decoded from it and the
 * page's index of members, and the record's view.
 */
function estimateBytes(records: Iterable<unknown>): number {
  let bytes = 0;
  for (const record of records) {
    const raw = (record as { raw?: unknown }).raw;
    const json = lazyRecordSpan(raw) ?? JSON.stringify(raw ?? record)?.length ?? 0;
    bytes += 2 * json + 256;
  }
  return bytes;
}
