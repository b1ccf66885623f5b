import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CursorCodec } from '../../../src/modules/base/cursor-codec.js';
import { paginate, type Page } from '../../../src/modules/integrations/pagination.js';

const cursors = new CursorCodec(randomBytes(32));
const options = { scope: 'test', keyOf: (item: string) => item, cursors };

describe('Relay page rules', () => {
  it('paging forward or backward by any size visits every item once, in order', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 4 }), { maxLength: 60 }),
        fc.integer({ min: 1, max: 25 }),
        fc.boolean(),
        (items, size, backward) => {
          const seen: string[] = [];
          let cursor: string | null = null;
          for (let guard = 0; guard <= items.length + 1; guard++) {
            const page: Page<string> = paginate(
              items,
              backward ? { last: size, before: cursor } : { first: size, after: cursor },
              options,
            );
            expect(page.totalCount).toBe(items.length);
            expect(page.nodes.length).toBeLessThanOrEqual(size);
            if (backward) seen.unshift(...page.nodes);
            else seen.push(...page.nodes);
            const more = backward ? page.pageInfo.hasPreviousPage : page.pageInfo.hasNextPage;
            if (!more) break;
            cursor = backward ? page.pageInfo.startCursor : page.pageInfo.endCursor;
          }
          expect(seen).toEqual(items);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses first with last, sizes over 250 and cursors of another list', () => {
    const items = ['a', 'b', 'c'];
    expect(() => paginate(items, { first: 1, last: 1 }, options)).toThrow(
      /either "first" or "last"/,
    );
    expect(() => paginate(items, { first: 251 }, options)).toThrow(/between 0 and 250/);
    const other = paginate(items, { first: 1 }, { ...options, scope: 'other' });
    expect(() => paginate(items, { first: 1, after: other.pageInfo.endCursor }, options)).toThrow(
      /not valid for this list/,
    );
  });
});
