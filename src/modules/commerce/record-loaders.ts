import type DataLoader from 'dataloader';
import type { GraphQLContext } from '../../server/context.js';
import type { CommerceDataset, DatasetRecords } from './model.js';

/**
 * Per-request lookups of records by (link, upstream id), keyed by `recordKey`. Every `load` made
 * while one level of the query resolves lands in one batch, which becomes one upstream call per
 * link (Codat: `query=id=a||id=b…`), all links in parallel. Lookups that fail resolve to null: a
 * missing customer must not fail the order that refers to it.
 */
export interface RecordLookup<V> {
  /**
   * The answer of an earlier lookup of this request, without waiting: the record, null when it
   * was looked up and not found, undefined when it was not looked up yet. A field whose record
   * was prefetched (see lookahead.ts) resolves synchronously through this, so graphql-js
   * completes it without a promise of its own.
   */
  peek(key: string): V | null | undefined;
  load(key: string): Promise<V | null>;
  /**
   * Looks up keys known all at once (a look-ahead prefetch): those not yet answered or being
   * fetched are fetched at once, one call per link; keys another prefetch is fetching are waited
   * for, so overlapping prefetches of one request never fetch a record twice.
   */
  loadMany(keys: readonly string[]): Promise<void>;
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

function createLookup<D extends CommerceDataset>(
  ctx: GraphQLContext,
  dataset: D,
): RecordLookup<DatasetRecords[D]> {
  const { reader, registry } = ctx.services.commerce;
  // With batching off (the benchmark's ablation) nothing is remembered: every load is its own call.
  const remember = ctx.services.config.dataloaderBatching;
  const answered = new Map<string, DatasetRecords[D] | null>();
  /** Keys a prefetch is fetching now, with the promise of that fetch. */
  const fetching = new Map<string, Promise<void>>();

  /** Looks up keys (repeats allowed) with one upstream call per link; each key is answered. */
  async function fetchKeys(keys: readonly string[]): Promise<Array<DatasetRecords[D] | null>> {
    const byLink = new Map<string, Set<string>>();
    for (const key of keys) {
      const [linkId, id] = splitKey(key);
      const ids = byLink.get(linkId);
      if (ids) ids.add(id);
      else byLink.set(linkId, new Set([id]));
    }
    const found = new Map<string, DatasetRecords[D]>();
    await Promise.all(
      [...byLink].map(async ([linkId, ids]) => {
        const link = await reader.link(ctx, linkId);
        const source = link && registry.get(link.source);
        if (!link || !source?.datasets.has(dataset)) return;
        try {
          const records = await source.fetchByIds(link, dataset, [...ids]);
          for (const [id, record] of records) found.set(recordKey(linkId, id), record);
        } catch (error) {
          ctx.log.warn(
            { code: (error as { code?: unknown }).code, dataset, source: link.source },
            'commerce lookup by id failed',
          );
        }
      }),
    );
    return keys.map((k) => {
      const record = found.get(k) ?? null;
      if (remember) answered.set(k, record);
      return record;
    });
  }

  // A batch may repeat a key (when the loader's cache is off): fetchKeys collects ids as sets.
  const loader: DataLoader<string, DatasetRecords[D] | null> = ctx.loader(
    `commerce.${dataset}.byId`,
    fetchKeys,
  );
  return {
    peek: (key) => answered.get(key),
    load(key) {
      const pending = fetching.get(key);
      return pending ? pending.then(() => answered.get(key) ?? null) : loader.load(key);
    },
    async loadMany(keys) {
      const waits = new Set<Promise<void>>();
      const missing: string[] = [];
      for (const key of new Set(keys)) {
        if (answered.has(key)) continue;
        const pending = fetching.get(key);
        if (pending) waits.add(pending);
        else missing.push(key);
      }
      if (missing.length > 0) {
        // A prefetch knows all its keys at once, so it fetches them directly: DataLoader would
        // make the same calls, through a promise and a cache entry per key.
        // Cleared however it ends: a failed fetch (the store failing to find the link) is not
        // kept for later lookups, as DataLoader drops a failed batch's keys.
        const fetch = fetchKeys(missing)
          .then(() => undefined)
          .finally(() => {
            for (const key of missing) fetching.delete(key);
          });
        for (const key of missing) fetching.set(key, fetch);
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
  const key = recordKey(linkId, id);
  const known = lookup.peek(key);
  return known !== undefined ? known : lookup.load(key);
}

export const recordKey = (linkId: string, id: string): string => `${linkId}\u0000${id}`;

function splitKey(key: string): [string, string] {
  const i = key.indexOf('\u0000');
  return [key.slice(0, i), key.slice(i + 1)];
}
