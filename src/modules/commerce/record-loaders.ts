import type DataLoader from 'dataloader';
import type { GraphQLContext } from '../../server/context.js';
import type { CommerceDataset, DatasetRecords } from './model.js';

/**
 * Per-request lookups of records by link and upstream id. Every `load` made while one level of
 * the query resolves lands in one batch, which becomes one upstream call per link (Codat:
 * `query=id=a||id=b…`), all links in parallel. Lookups that fail resolve to null: a missing
 * customer must not fail the order that refers to it.
 */
export interface RecordLookup<V> {
  /**
   * The answer of an earlier lookup of this request, without waiting: the record, null when it
   * was looked up and not found, undefined when it was not looked up yet. A field whose record
   * was prefetched (see lookahead.ts) resolves synchronously through this, so graphql-js
   * completes it without a promise of its own.
   */
  peek(linkId: string, id: string): V | null | undefined;
  load(linkId: string, id: string): Promise<V | null>;
  /**
   * Looks up ids known all at once (a look-ahead prefetch), by link: those not yet answered or
   * being fetched are fetched at once, one call per link; ids another prefetch is fetching are
   * waited for, so overlapping prefetches of one request never fetch a record twice.
   */
  loadMany(idsByLink: ReadonlyMap<string, ReadonlySet<string>>): Promise<void>;
}

const lookups = new WeakMap<GraphQLContext, Map<CommerceDataset, RecordLookup<unknown>>>();

export function recordLookup<D extends CommerceDataset>(
  ctx: GraphQLContext,
  dataset: D,
): RecordLookup<DatasetRecords[D]> {
  let byDataset = lookups.get(ctx);
  if (!byDataset) lookups.set(ctx, (byDataset = new Map()));
  let lookup = byDataset.get(dataset) as RecordLookup<DatasetRecords[D]> | undefined;
  if (!lookup) {
    lookup = createLookup(ctx, dataset);
    byDataset.set(dataset, lookup as RecordLookup<unknown>);
  }
  return lookup;
}

/** A map per link, made on first use: ids are looked up under their link, never joined to it. */
function linkMap<V>(maps: Map<string, Map<string, V>>, linkId: string): Map<string, V> {
  let map = maps.get(linkId);
  if (!map) maps.set(linkId, (map = new Map()));
  return map;
}

/** Adds an id to its link's set, made on first use. */
export function addId(idsByLink: Map<string, Set<string>>, linkId: string, id: string): void {
  const ids = idsByLink.get(linkId);
  if (ids) ids.add(id);
  else idsByLink.set(linkId, new Set([id]));
}

function createLookup<D extends CommerceDataset>(
  ctx: GraphQLContext,
  dataset: D,
): RecordLookup<DatasetRecords[D]> {
  type Found = DatasetRecords[D] | null;
  const { reader, registry } = ctx.services.commerce;
  // With batching off (the benchmark's ablation) nothing is remembered: every load is its own call.
  const remember = ctx.services.config.dataloaderBatching;
  const answered = new Map<string, Map<string, Found>>();
  /** Ids a prefetch is fetching now, by link, with the promise of that fetch. */
  const fetching = new Map<string, Map<string, Promise<void>>>();

  /** Looks up ids with one upstream call per link; answers every id asked for (null: none). */
  async function fetchIds(
    idsByLink: ReadonlyMap<string, ReadonlySet<string>>,
  ): Promise<Map<string, Map<string, DatasetRecords[D]>>> {
    const found = new Map<string, Map<string, DatasetRecords[D]>>();
    await Promise.all(
      [...idsByLink].map(async ([linkId, ids]) => {
        const records = await fetchLink(linkId, ids);
        if (records) found.set(linkId, records);
        if (!remember) return;
        const answers = linkMap(answered, linkId);
        for (const id of ids) answers.set(id, records?.get(id) ?? null);
      }),
    );
    return found;
  }

  async function fetchLink(
    linkId: string,
    ids: ReadonlySet<string>,
  ): Promise<Map<string, DatasetRecords[D]> | undefined> {
    const link = await reader.link(ctx, linkId);
    const source = link && registry.get(link.source);
    if (!link || !source?.datasets.has(dataset)) return undefined;
    try {
      return await source.fetchByIds(link, dataset, [...ids]);
    } catch (error) {
      ctx.log.warn(
        { code: (error as { code?: unknown }).code, dataset, source: link.source },
        'commerce lookup by id failed',
      );
      return undefined;
    }
  }

  // DataLoader batches single loads under one string key per record. A batch may repeat a key
  // (when the loader's cache is off): ids are collected as sets.
  const loader: DataLoader<string, Found> = ctx.loader(
    `commerce.${dataset}.byId`,
    async (keys: readonly string[]) => {
      const idsByLink = new Map<string, Set<string>>();
      for (const key of keys) addId(idsByLink, ...splitKey(key));
      const found = await fetchIds(idsByLink);
      return keys.map((key) => {
        const [linkId, id] = splitKey(key);
        return found.get(linkId)?.get(id) ?? null;
      });
    },
  );
  return {
    peek: (linkId, id) => answered.get(linkId)?.get(id),
    load(linkId, id) {
      const pending = fetching.get(linkId)?.get(id);
      return pending
        ? pending.then(() => answered.get(linkId)?.get(id) ?? null)
        : loader.load(recordKey(linkId, id));
    },
    async loadMany(idsByLink) {
      const waits = new Set<Promise<void>>();
      const missing = new Map<string, Set<string>>();
      for (const [linkId, ids] of idsByLink) {
        const answers = answered.get(linkId);
        const inFlight = fetching.get(linkId);
        for (const id of ids) {
          if (answers?.has(id)) continue;
          const pending = inFlight?.get(id);
          if (pending) waits.add(pending);
          else addId(missing, linkId, id);
        }
      }
      if (missing.size > 0) {
        // A prefetch knows all its ids at once, so it fetches them directly: DataLoader would
        // make the same calls, through a promise and a cache entry per key.
        // Cleared however it ends: a failed fetch (the store failing to find the link) is not
        // kept for later lookups, as DataLoader drops a failed batch's keys.
        const fetch = fetchIds(missing)
          .then(() => undefined)
          .finally(() => {
            for (const [linkId, ids] of missing) {
              const inFlight = fetching.get(linkId);
              for (const id of ids) inFlight?.delete(id);
            }
          });
        for (const [linkId, ids] of missing) {
          const inFlight = linkMap(fetching, linkId);
          for (const id of ids) inFlight.set(id, fetch);
        }
        waits.add(fetch);
      }
      await Promise.all(waits);
    },
  };
}

/**
 * A record of a link by its upstream id: the record itself when this request already has it
 * (prefetched or loaded before), else a promise of it. The caller has checked that the link is
 * the caller's workspace's.
 */
export function lookupRecord<D extends CommerceDataset>(
  ctx: GraphQLContext,
  dataset: D,
  linkId: string,
  id: string,
): DatasetRecords[D] | null | Promise<DatasetRecords[D] | null> {
  const lookup = recordLookup(ctx, dataset);
  const known = lookup.peek(linkId, id);
  return known !== undefined ? known : lookup.load(linkId, id);
}

/** DataLoader's key of a record. */
const recordKey = (linkId: string, id: string): string => `${linkId}\u0000${id}`;

function splitKey(key: string): [string, string] {
  const i = key.indexOf('\u0000');
  return [key.slice(0, i), key.slice(i + 1)];
}
