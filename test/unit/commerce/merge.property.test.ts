import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  mergeNewestFirst,
  type MergePosition,
  type MergeStream,
} from '../../../src/modules/commerce/merge.js';
import type { SourcePosition } from '../../../src/modules/commerce/sources/source.js';

interface FakeRecord {
  id: string;
  sortTime: number;
}

/**
 * A fake upstream list with its own page size, paged by `{page, size}` like Codat and Qard: the
 * upstream is what is faked, the merge under test is the real one.
 */
function fakeStream(
  key: string,
  records: FakeRecord[],
  pageSize: number,
  log: string[],
): MergeStream<FakeRecord> {
  return {
    key,
    // Like the real adapters, the first page is sized from the hint (capped by the upstream's own
    // maximum, here `pageSize`), and later positions carry that size.
    async fetch(position: SourcePosition, sizeHint: number) {
      const { page, size } = (position ?? {
        page: 1,
        size: Math.max(1, Math.min(sizeHint, pageSize)),
      }) as { page: number; size: number };
      log.push(`${key}:${page}`);
      const slice = records.slice((page - 1) * size, page * size);
      return {
        records: slice,
        next: page * size < records.length ? { page: page + 1, size } : null,
        totalCount: records.length,
      };
    },
  };
}

/** What the merge must produce: all records, newest first, ties by stream order then stream order. */
function reference(streams: Array<{ key: string; records: FakeRecord[] }>): string[] {
  const all = streams.flatMap((s, streamIndex) => s.records.map((r, i) => ({ r, streamIndex, i })));
  all.sort((a, b) => b.r.sortTime - a.r.sortTime || a.streamIndex - b.streamIndex || a.i - b.i);
  return all.map((x) => x.r.id);
}

const streamArb = (key: string) =>
  fc
    .record({
      // A small range of times forces many ties, inside and across streams.
      times: fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 60 }),
      pageSize: fc.integer({ min: 1, max: 17 }),
    })
    .map(({ times, pageSize }) => ({
      key,
      pageSize,
      records: [...times].sort((a, b) => b - a).map((t, i) => ({ id: `${key}-${i}`, sortTime: t })),
    }));

describe('newest-first merge across sources', () => {
  it('pages through every record exactly once, in reference order, for any page sizes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .array(fc.constantFrom('a', 'b', 'c', 'd'), { minLength: 1, maxLength: 4 })
          .chain((keys) =>
            fc.tuple(
              fc.tuple(...[...new Set(keys)].map(streamArb)),
              fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 30 }),
            ),
          ),
        async ([specs, firsts]) => {
          const log: string[] = [];
          const streams = specs.map((s) => fakeStream(s.key, s.records, s.pageSize, log));
          const expected = reference(specs);
          const seen: string[] = [];
          let position: MergePosition | undefined;
          let hasNext = true;
          for (let i = 0; hasNext; i += 1) {
            const first = firsts[i % firsts.length]!;
            const page = await mergeNewestFirst(streams, position, first);
            expect(page.failures).toEqual([]);
            expect(page.items.length).toBeLessThanOrEqual(first);
            expect(page.totalCount).toBe(
              position === undefined ? expected.length : page.totalCount,
            );
            seen.push(...page.items.map((x) => x.record.id));
            hasNext = page.hasNextPage;
            if (hasNext) expect(page.items.length).toBe(first);
            // The cursor goes through JSON like a real one does.
            const last = page.items.at(-1);
            if (last) position = JSON.parse(JSON.stringify(last.after)) as MergePosition;
            else expect(hasNext).toBe(false);
            expect(i).toBeLessThan(expected.length + 2);
          }
          expect(seen).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('resumes from any edge cursor of a page, not only the last', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.tuple(streamArb('a'), streamArb('b')),
        fc.integer({ min: 1, max: 50 }),
        fc.nat(),
        async (specs, first, pick) => {
          const streams = specs.map((s) => fakeStream(s.key, s.records, s.pageSize, []));
          const expected = reference(specs);
          const page = await mergeNewestFirst(streams, undefined, first);
          if (page.items.length === 0) return;
          const k = pick % page.items.length;
          const rest = await mergeNewestFirst(streams, page.items[k]!.after, expected.length + 1);
          expect([
            ...page.items.slice(0, k + 1).map((x) => x.record.id),
            ...rest.items.map((x) => x.record.id),
          ]).toEqual(expected);
          expect(rest.hasNextPage).toBe(false);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('returns the healthy streams and keeps a failed stream where it was', async () => {
    const log: string[] = [];
    const good = fakeStream(
      'good',
      [3, 2, 1].map((t, i) => ({ id: `g${i}`, sortTime: t })),
      2,
      log,
    );
    let broken = true;
    const flaky: MergeStream<FakeRecord> = {
      key: 'flaky',
      async fetch(position, sizeHint) {
        if (broken) throw new Error('not ready');
        return fakeStream('flaky', [{ id: 'f0', sortTime: 10 }], 5, log).fetch(position, sizeHint);
      },
    };
    const page = await mergeNewestFirst([good, flaky], undefined, 2);
    expect(page.items.map((x) => x.record.id)).toEqual(['g0', 'g1']);
    expect(page.failures.map((f) => f.key)).toEqual(['flaky']);
    broken = false;
    const next = await mergeNewestFirst([good, flaky], page.items[1]!.after, 5);
    expect(next.items.map((x) => x.record.id)).toEqual(['f0', 'g2']);
  });

  it('loads the first page of every stream in parallel', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const slow = (key: string): MergeStream<FakeRecord> => ({
      key,
      async fetch() {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((r) => setImmediate(r));
        inFlight -= 1;
        return { records: [{ id: key, sortTime: 1 }], next: null };
      },
    });
    await mergeNewestFirst([slow('a'), slow('b'), slow('c')], undefined, 10);
    expect(maxInFlight).toBe(3);
  });
});
