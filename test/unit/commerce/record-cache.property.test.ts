import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CommerceRecordCache } from '../../../src/modules/commerce/record-cache.js';

/**
 * The record cache against a plain model of what was stored last, per link, dataset and version:
 * whatever the cache answers is what was stored last under that generation (never an older
 * sync's, another link's or another workspace's), it never holds more than its budget, and with a
 * budget nothing exceeds it forgets nothing.
 */

const LINKS = [
  ['ws-a', 'l1'],
  ['ws-a', 'l2'],
  ['ws-b', 'l1'],
] as const;
const DATASETS = ['orders', 'customers'] as const;
const IDS = ['r1', 'r2', 'r3', 'r4', 'r5'];

type Op =
  | {
      kind: 'answer';
      link: number;
      dataset: number;
      version: number;
      key: number;
      ids: string[];
      bytes: number;
    }
  | {
      kind: 'lookup';
      link: number;
      dataset: number;
      version: number;
      ids: string[];
      found: boolean[];
      bytes: number;
    }
  | { kind: 'forget'; link: number }
  | { kind: 'read'; link: number; dataset: number; version: number; key: number; id: string };

const target = {
  link: fc.integer({ min: 0, max: LINKS.length - 1 }),
  dataset: fc.integer({ min: 0, max: DATASETS.length - 1 }),
  version: fc.integer({ min: 0, max: 2 }),
};
const ids = fc.uniqueArray(fc.constantFrom(...IDS), { maxLength: 4 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('answer' as const),
    ...target,
    key: fc.integer({ min: 0, max: 2 }),
    ids,
    bytes: fc.integer({ min: 1, max: 400 }),
  }),
  fc
    .record({
      kind: fc.constant('lookup' as const),
      ...target,
      ids,
      bytes: fc.integer({ min: 1, max: 400 }),
    })
    .chain((o) =>
      fc
        .array(fc.boolean(), { minLength: o.ids.length, maxLength: o.ids.length })
        .map((found) => ({ ...o, found })),
    ),
  fc.record({ kind: fc.constant('forget' as const), link: target.link }),
  fc.record({
    kind: fc.constant('read' as const),
    ...target,
    key: fc.integer({ min: 0, max: 2 }),
    id: fc.constantFrom(...IDS),
  }),
);

/** What was stored, and which store put it there (an answer's or a lookup's entry). */
interface Stored {
  value: unknown;
  owner: object;
}

interface ModelGeneration {
  version: string;
  answers: Map<string, Stored>;
  records: Map<string, Stored>;
}

function run(ops: Op[], maxBytes: number, exact: boolean): void {
  const cache = new CommerceRecordCache(maxBytes);
  const model = new Map<string, ModelGeneration>();
  let tag = 0;
  const generationOf = (o: { link: number; dataset: number; version: number }) => {
    const [ws, link] = LINKS[o.link]!;
    const dataset = DATASETS[o.dataset]!;
    const version = `v${o.version}`;
    const key = `${ws}/${link}/${dataset}`;
    let m = model.get(key);
    if (!m || m.version !== version)
      model.set(key, (m = { version, answers: new Map(), records: new Map() }));
    return { generation: cache.generation(ws, link, dataset, version), model: m };
  };
  for (const o of ops) {
    if (o.kind === 'forget') {
      const [ws, link] = LINKS[o.link]!;
      cache.forgetLink(ws, link);
      for (const dataset of DATASETS) model.delete(`${ws}/${link}/${dataset}`);
    } else if (o.kind === 'answer') {
      const { generation, model: m } = generationOf(o);
      const records = o.ids.map((id) => ({ sourceId: id, tag: (tag += 1) }));
      const value = { records, tag: (tag += 1) };
      cache.storeAnswer(generation, `k${o.key}`, value, records, o.bytes);
      // A new answer under a key replaces the old one with the records it alone had stored (in
      // the product both hold the same records: a generation's data does not change).
      const previous = m.answers.get(`k${o.key}`);
      for (const [id, r] of m.records) if (r.owner === previous?.owner) m.records.delete(id);
      const owner = {};
      m.answers.set(`k${o.key}`, { value, owner });
      for (const r of records) m.records.set(r.sourceId, { value: r, owner });
    } else if (o.kind === 'lookup') {
      const { generation, model: m } = generationOf(o);
      const found = new Map<string, unknown>();
      o.ids.forEach((id, i) => {
        if (o.found[i]) found.set(id, { sourceId: id, tag: (tag += 1) });
      });
      cache.storeLookup(generation, o.ids, found, o.bytes);
      const owner = {};
      for (const id of o.ids) m.records.set(id, { value: found.get(id) ?? null, owner });
    } else {
      const { generation, model: m } = generationOf(o);
      const answer = cache.answer(generation, `k${o.key}`);
      const record = cache.record(generation, o.id);
      if (exact) {
        expect(answer).toBe(m.answers.get(`k${o.key}`)?.value);
        expect(record).toBe(m.records.get(o.id)?.value);
      } else {
        if (answer !== undefined) expect(answer).toBe(m.answers.get(`k${o.key}`)?.value);
        if (record !== undefined) expect(record).toBe(m.records.get(o.id)?.value);
      }
    }
    expect(cache.stats().bytes).toBeLessThanOrEqual(maxBytes);
    expect(cache.stats().bytes).toBeGreaterThanOrEqual(0);
  }
}

describe('CommerceRecordCache', () => {
  it('answers only what was stored last under the same generation, within its budget', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), (ops) => run(ops, 1000, false)),
      { numRuns: 500 },
    );
  });

  it('forgets nothing while its budget is not exceeded', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), (ops) =>
        run(ops, Number.MAX_SAFE_INTEGER, true),
      ),
      {
        numRuns: 500,
        // One answer replaced under its key by another without r5: r5 goes with the first.
        examples: [
          [
            [
              { kind: 'answer', link: 1, dataset: 0, version: 2, key: 2, ids: ['r5'], bytes: 1 },
              { kind: 'answer', link: 1, dataset: 0, version: 2, key: 2, ids: [], bytes: 1 },
              { kind: 'read', link: 1, dataset: 0, version: 2, key: 0, id: 'r5' },
            ],
          ],
        ],
      },
    );
  });

  it('drops the least recently used answer first', () => {
    const cache = new CommerceRecordCache(300);
    const g = cache.generation('ws', 'l', 'orders', 'v1');
    cache.storeAnswer(g, 'a', 'A', [], 100);
    cache.storeAnswer(g, 'b', 'B', [{ sourceId: 'r1' }], 100);
    cache.storeAnswer(g, 'c', 'C', [], 100);
    expect(cache.answer(g, 'a')).toBe('A');
    cache.storeAnswer(g, 'd', 'D', [], 100);
    expect(cache.answer(g, 'b')).toBeUndefined();
    // Its records go with it: a record kept would keep its whole page alive, uncounted.
    expect(cache.record(g, 'r1')).toBeUndefined();
    expect(cache.answer(g, 'a')).toBe('A');
    expect(cache.answer(g, 'c')).toBe('C');
    expect(cache.answer(g, 'd')).toBe('D');
    expect(cache.counts.evictions).toBe(1);
    expect(cache.stats()).toEqual({ bytes: 300, entries: 3 });
  });

  it('keeps no answer larger than its budget, nor its records', () => {
    const cache = new CommerceRecordCache(100);
    const g = cache.generation('ws', 'l', 'orders', 'v1');
    cache.storeLookup(g, ['r1', 'r2'], new Map([['r1', { sourceId: 'r1' }]]), 101);
    expect(cache.record(g, 'r1')).toBeUndefined();
    expect(cache.record(g, 'r2')).toBeUndefined();
    expect(cache.stats()).toEqual({ bytes: 0, entries: 0 });
  });

  it('stores nothing for a generation a newer sync replaced while its fetch was in flight', () => {
    const cache = new CommerceRecordCache(10_000);
    const old = cache.generation('ws', 'l', 'orders', 'v1');
    const current = cache.generation('ws', 'l', 'orders', 'v2');
    cache.storeAnswer(old, 'page', 'stale', [{ sourceId: 'r1' }], 100);
    expect(cache.answer(current, 'page')).toBeUndefined();
    expect(cache.record(current, 'r1')).toBeUndefined();
    expect(cache.stats().bytes).toBe(0);
  });
});
