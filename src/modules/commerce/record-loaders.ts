import type { GraphQLContext } from '../../server/context.js';
import type { CommerceDataset, DatasetRecords } from './model.js';
import type { CommerceReader } from './commerce-reader.js';
import type { CommerceSourceRegistry } from './source-registry.js';

/**
 * Per-request lookups of records by (link, upstream id). Every `load` made while one level of
 * the query resolves lands in one batch, which becomes one upstream call per link (Codat:
 * `query=id=a||id=b…`), all links in parallel. Lookups that fail resolve to null: a missing
 * customer must not fail the order that refers to it.
 */
export function recordLoader<D extends CommerceDataset>(
  ctx: GraphQLContext,
  reader: CommerceReader,
  registry: CommerceSourceRegistry,
  dataset: D,
) {
  return ctx.loader<string, DatasetRecords[D] | null>(`commerce.${dataset}.byId`, async (keys) => {
    // A batch may repeat a key (when the loader's cache is off): ids are collected as sets.
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
    return keys.map((k) => found.get(k) ?? null);
  });
}

export const recordKey = (linkId: string, id: string): string => `${linkId}\u0000${id}`;

function splitKey(key: string): [string, string] {
  const i = key.indexOf('\u0000');
  return [key.slice(0, i), key.slice(i + 1)];
}
