import type { GraphQLContext } from '../../request-context.js';
import type { CommerceDataset, DatasetRecords } from './model.js';

/**
 * Per-request lookups of records by link and upstream id. Every `load` made while one level of
 * the query resolves lands in one batch, which becomes one `fetchByIds` per link, all links in
 * parallel: one Codat call per about 160 ids (`query=id=a||id=b…`); Qard and SHOPLINE, without
 * a batch lookup, make several. Lookups that fail resolve to null: a missing customer must not
 * fail the order that refers to it.
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
  /** Ids being fetched now (by a batch of loads or a prefetch), by link, with that fetch. */
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

  /** Ids loaded one by one since the last dispatch, by link, and the promise of their fetch. */
  let queued: { ids: Map<string, Set<string>>; done: Promise<void> } | undefined;

  /** Marks an id as being fetched by `fetch`, so that a later load or prefetch of it waits. */
  function markFetching(linkId: string, id: string, fetch: Promise<void>): void {
    linkMap(fetching, linkId).set(id, fetch);
  }

  /**
   * Unmarks the ids of `fetch` once it settles, however it ends: a failed fetch (the store failing
   * to find the link) is not kept for later lookups. The map is read then, so a batch may still
   * add ids to it until it is dispatched.
   */
  function forgetWhenSettled(
    idsByLink: ReadonlyMap<string, ReadonlySet<string>>,
    fetch: Promise<void>,
  ) {
    fetch
      .finally(() => {
        for (const [linkId, ids] of idsByLink) {
          const inFlight = fetching.get(linkId);
          for (const id of ids) if (inFlight?.get(id) === fetch) inFlight.delete(id);
        }
      })
      .catch(() => undefined);
  }

  /**
   * Single loads made while one level of the query resolves are fetched together. The batch is
   * dispatched the way DataLoader dispatches its own: after the promise jobs queued so far, then
   * on the next tick, so loads from resolvers that awaited a resolved promise still join it. A
   * DataLoader here cost a promise and a cache entry per key, on top of the maps kept anyway.
   */
  function enqueue(linkId: string, id: string): Promise<void> {
    if (!queued) {
      const ids = new Map<string, Set<string>>();
      let dispatch!: () => void;
      const done = new Promise<void>((resolve, reject) => {
        dispatch = () => {
          // Loads from now on start the next batch.
          queued = undefined;
          fetchIds(ids).then(() => resolve(), reject);
        };
      });
      queued = { ids, done };
      forgetWhenSettled(ids, done);
      void Promise.resolve().then(() => process.nextTick(dispatch));
    }
    addId(queued.ids, linkId, id);
    markFetching(linkId, id, queued.done);
    return queued.done;
  }

  return {
    peek: (linkId, id) => answered.get(linkId)?.get(id),
    load(linkId, id) {
      if (!remember) {
        // The ablation: every load is its own call, answered from what that call found.
        return fetchIds(new Map([[linkId, new Set([id])]])).then(
          (found) => found.get(linkId)?.get(id) ?? null,
        );
      }
      const known = answered.get(linkId)?.get(id);
      if (known !== undefined) return Promise.resolve(known);
      const pending = fetching.get(linkId)?.get(id) ?? enqueue(linkId, id);
      return pending.then(() => answered.get(linkId)?.get(id) ?? null);
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
        // A prefetch knows all its ids at once, so it fetches them directly, without a batch.
        const fetch = fetchIds(missing).then(() => undefined);
        for (const [linkId, ids] of missing) for (const id of ids) markFetching(linkId, id, fetch);
        forgetWhenSettled(missing, fetch);
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
