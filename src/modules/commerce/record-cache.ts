import type { SyncableDataset } from './sources/source.js';

/**
 * Commerce records kept across requests, for sources whose data changes only when a sync
 * completes (Codat, Qard). Records live in a *generation*: one workspace's link, one dataset, one
 * sync (its version, see sync-versions.ts). Within a generation an upstream answer never changes,
 * so a page or a record read once answers every later request until the next sync; a newer
 * version of the same dataset replaces the generation, and its records are dropped at once.
 *
 * Memory is bounded by an estimate of what the entries keep alive, least recently used first
 * out. An entry is one upstream answer (a list page, the records of one batched lookup, a company
 * profile), because that is what a record keeps alive: a lazily read record holds its whole page.
 *
 * The cache is per process. Records are views over the upstream's bytes (lazy-record-page.ts),
 * shared by every request that reads them; they are read-only and only memoize what they decode,
 * so sharing them changes no answer.
 */
export class CommerceRecordCache {
  /** Generations by workspace and link, then dataset. */
  private readonly links = new Map<string, Map<SyncableDataset, Generation>>();
  /** Every entry, least recently used first (a Map keeps insertion order). */
  private readonly lru = new Map<CacheEntry, true>();
  private bytesHeld = 0;
  readonly counts = { hits: 0, misses: 0, evictions: 0 };

  constructor(readonly maxBytes: number) {}

  /**
   * The generation of a link's dataset at `version`. A different version than the one held
   * replaces it: the older sync's records are dropped.
   */
  generation(
    workspaceId: string,
    linkId: string,
    dataset: SyncableDataset,
    version: string,
  ): Generation {
    const key = linkKey(workspaceId, linkId);
    let datasets = this.links.get(key);
    if (!datasets) this.links.set(key, (datasets = new Map()));
    const held = datasets.get(dataset);
    if (held?.version === version) return held;
    if (held) this.dropGeneration(held);
    const generation = new Generation(version);
    datasets.set(dataset, generation);
    return generation;
  }

  /** Drops everything held for a link (a sync was requested, or the link went away). */
  forgetLink(workspaceId: string, linkId: string): void {
    const key = linkKey(workspaceId, linkId);
    const datasets = this.links.get(key);
    if (!datasets) return;
    for (const generation of datasets.values()) this.dropGeneration(generation);
    this.links.delete(key);
  }

  /** An answer stored under `key` (a page, a profile), or undefined. */
  answer<T>(generation: Generation, key: string): T | undefined {
    const entry = generation.answers.get(key);
    if (!entry) {
      this.counts.misses += 1;
      return undefined;
    }
    this.counts.hits += 1;
    this.touch(entry);
    return entry.value as T;
  }

  /**
   * A record by upstream id: the record, null when a lookup found none, undefined when it is not
   * held. Counted as a hit or a miss.
   */
  record<T>(generation: Generation, id: string): T | null | undefined {
    const held = generation.records.get(id);
    if (!held) {
      this.counts.misses += 1;
      return undefined;
    }
    this.counts.hits += 1;
    this.touch(held.entry);
    return held.record as T | null;
  }

  /** `record` without counting a hit or a miss: a second look within one lookup. */
  peekRecord<T>(generation: Generation, id: string): T | null | undefined {
    return generation.records.get(id)?.record as T | null | undefined;
  }

  /**
   * Stores an answer under `key`, with the records it holds indexed by id so later lookups by id
   * find them too. `bytes` is the estimate of what it keeps alive.
   */
  storeAnswer(
    generation: Generation,
    key: string,
    value: unknown,
    records: ReadonlyArray<{ sourceId: string }>,
    bytes: number,
  ): void {
    if (generation.dropped) return;
    const entry: CacheEntry = { generation, key, value, ids: [], bytes };
    const previous = generation.answers.get(key);
    if (previous) this.drop(previous);
    generation.answers.set(key, entry);
    for (const record of records) this.index(entry, record.sourceId, record);
    this.add(entry);
  }

  /**
   * Stores the answer of a lookup of `ids`: each found record, and null for each id it did not
   * find (a generation's data does not change, so neither does a miss).
   */
  storeLookup(
    generation: Generation,
    ids: readonly string[],
    found: ReadonlyMap<string, unknown>,
    bytes: number,
  ): void {
    if (generation.dropped) return;
    const entry: CacheEntry = { generation, key: undefined, value: undefined, ids: [], bytes };
    for (const id of ids) this.index(entry, id, found.get(id) ?? null);
    this.add(entry);
  }

  stats(): { bytes: number; entries: number } {
    return { bytes: this.bytesHeld, entries: this.lru.size };
  }

  /** The id moves to this entry: dropping an older one that held it leaves it (see `drop`). */
  private index(entry: CacheEntry, id: string, record: unknown): void {
    entry.generation.records.set(id, { record, entry });
    entry.ids.push(id);
  }

  private add(entry: CacheEntry): void {
    this.lru.set(entry, true);
    this.bytesHeld += entry.bytes;
    for (const oldest of this.lru.keys()) {
      if (this.bytesHeld <= this.maxBytes) break;
      this.drop(oldest);
      this.counts.evictions += 1;
    }
  }

  private touch(entry: CacheEntry): void {
    this.lru.delete(entry);
    this.lru.set(entry, true);
  }

  private drop(entry: CacheEntry): void {
    if (!this.lru.delete(entry)) return;
    this.bytesHeld -= entry.bytes;
    const { generation } = entry;
    if (entry.key !== undefined && generation.answers.get(entry.key) === entry)
      generation.answers.delete(entry.key);
    for (const id of entry.ids) {
      if (generation.records.get(id)?.entry === entry) generation.records.delete(id);
    }
  }

  private dropGeneration(generation: Generation): void {
    generation.dropped = true;
    for (const entry of generation.answers.values()) this.drop(entry);
    for (const { entry } of generation.records.values()) this.drop(entry);
    generation.answers.clear();
    generation.records.clear();
  }
}

/** One link's dataset as of one sync. */
export class Generation {
  readonly answers = new Map<string, CacheEntry>();
  readonly records = new Map<string, { record: unknown; entry: CacheEntry }>();
  /**
   * Fetches in flight for this generation, by answer key or record id, so that concurrent
   * requests that miss the same data make one upstream call between them.
   */
  readonly inFlight = new Map<string, Promise<unknown>>();
  /** Replaced by a newer sync: a fetch still in flight for it stores nothing. */
  dropped = false;

  constructor(readonly version: string) {}
}

interface CacheEntry {
  readonly generation: Generation;
  /** The answer's key; undefined for a lookup's records. */
  readonly key: string | undefined;
  readonly value: unknown;
  /** Record ids this entry indexed; those a later entry indexed again are that entry's. */
  readonly ids: string[];
  readonly bytes: number;
}

/** One workspace's link, as a key of the maps kept per link. */
export function linkKey(workspaceId: string, linkId: string): string {
  return `${workspaceId}\u0000${linkId}`;
}
