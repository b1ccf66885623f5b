import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CursorCodec } from '../../../src/modules/base/cursor-codec.js';
import type { RelayPage } from '../../../src/modules/base/relay-page.js';
import { paginate } from '../../../src/modules/integrations/pagination.js';

const cursors = new CursorCodec(Buffer.alloc(32, 7));
const options = { scope: 'test', keyOf: (s: string) => s, cursors };
const items = (n: number) => Array.from({ length: n }, (_, i) => `item-${i}`);

describe('paginate', () => {
  it('walks forwards and backwards through the whole list without repeats or gaps', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 1, max: 25 }), (n, size) => {
        const list = items(n);
        const forward: string[] = [];
        let after: string | null = null;
        for (;;) {
          const page: RelayPage<string> = paginate(list, { first: size, after }, options);
          expect(page.totalCount).toBe(n);
          expect(page.nodes.length).toBeLessThanOrEqual(size);
          forward.push(...page.nodes);
          if (!page.pageInfo.hasNextPage) break;
          after = page.pageInfo.endCursor;
        }
        const backward: string[] = [];
        let before: string | null = null;
        for (;;) {
          const page: RelayPage<string> = paginate(list, { last: size, before }, options);
          expect(page.nodes.length).toBeLessThanOrEqual(size);
          backward.unshift(...page.nodes);
          if (!page.pageInfo.hasPreviousPage) break;
          before = page.pageInfo.startCursor;
        }
        expect(forward).toEqual(list);
        expect(backward).toEqual(list);
      }),
    );
  });

  it('continues after an item that disappeared between pages, skipping nothing', () => {
    const list = items(6);
    const first = paginate(list, { first: 3 }, options);
    const shrunk = list.filter((s) => s !== 'item-2');
    const next = paginate(shrunk, { first: 3, after: first.pageInfo.endCursor }, options);
    expect(next.nodes).toEqual(['item-3', 'item-4', 'item-5']);
  });

  it('defaults to 20 and refuses sizes outside 0..250 and cursors of another list', () => {
    expect(paginate(items(30), {}, options).nodes).toHaveLength(20);
    expect(() => paginate(items(3), { first: -1 }, options)).toThrow(/between 0 and 250/);
    expect(() => paginate(items(3), { last: 251 }, options)).toThrow(/between 0 and 250/);
    expect(() => paginate(items(3), { first: 1, last: 1 }, options)).toThrow(
      /either "first" or "last"/,
    );
    const foreign = paginate(items(3), { first: 1 }, { ...options, scope: 'other' }).pageInfo
      .endCursor!;
    expect(() => paginate(items(3), { after: foreign }, options)).toThrow(/not valid/);
  });
});
