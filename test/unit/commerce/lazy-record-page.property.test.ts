import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseExactJson } from '../../../src/upstreams/codat/exact-json.js';
import { parseRecordPage, readLoose } from '../../../src/upstreams/lazy-record-page.js';

/** Decimal literals as upstreams write them: trailing zeros, long fractions, huge values. */
const decimalText = fc
  .tuple(fc.bigInt({ min: 0n, max: 10n ** 25n }), fc.option(fc.stringMatching(/^\d{1,8}$/)))
  .map(([int, frac]) => `${int}${frac === null ? '' : `.${frac}`}`);

/** A record's JSON as an upstream writes it, with decimals that must not pass through a double. */
const recordText = fc
  .uniqueArray(
    fc.tuple(
      fc.string(),
      fc.oneof(
        fc.jsonValue().map((v) => JSON.stringify(v)),
        decimalText,
        fc.string().map((v) => JSON.stringify(v)),
      ),
    ),
    { selector: ([key]) => key },
  )
  .map((members) => `{${members.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`);

const pageText = fc
  .tuple(fc.array(recordText, { maxLength: 8 }), fc.jsonValue(), fc.constantFrom('', ' ', '\n  '))
  .map(
    ([records, other, ws]) =>
      `{${ws}"pageNumber":1,"results":${ws}[${records.join(`,${ws}`)}]${ws},"_links":${JSON.stringify(other)}${ws}}`,
  );

describe('lazily read record pages', () => {
  it('read, enumerate and serialise exactly as the whole page parsed exactly', () => {
    fc.assert(
      fc.property(pageText, (text) => {
        const eager = parseExactJson(text) as { results: Array<Record<string, unknown>> };
        const lazy = parseRecordPage(text, 'results') as typeof eager;
        expect(lazy.results).toHaveLength(eager.results.length);
        lazy.results.forEach((record, i) => {
          const reference = eager.results[i]!;
          // Field by field first (in reverse, so a lookup indexes past fields it does not want).
          for (const key of Object.keys(reference).reverse()) {
            expect(key in record).toBe(true);
            expect(record[key]).toEqual(reference[key]);
          }
          expect(Object.keys(record)).toEqual(Object.keys(reference));
          expect(record['no such field ever']).toBeUndefined();
        });
        expect(JSON.stringify(lazy)).toBe(JSON.stringify(eager));
      }),
      { numRuns: 500 },
    );
  });

  it('reads loosely what JSON.parse reads, and exactly what was read before', () => {
    fc.assert(
      fc.property(pageText, (text) => {
        const loose = JSON.parse(text) as { results: Array<Record<string, unknown>> };
        const lazy = parseRecordPage(text, 'results') as typeof loose;
        lazy.results.forEach((record, i) => {
          for (const [key, value] of Object.entries(loose.results[i]!))
            expect(readLoose(record, key)).toEqual(value);
          expect(readLoose(record, 'no such field ever')).toBeUndefined();
        });
      }),
      { numRuns: 300 },
    );
    const [record] = (
      parseRecordPage('{"results":[{"a":1.10}]}', 'results') as {
        results: Array<Record<string, unknown>>;
      }
    ).results;
    expect(readLoose(record!, 'a')).toBe(1.1);
    expect(record!['a']).toBe('1.10');
    expect(readLoose(record!, 'a')).toBe('1.10');
    expect(readLoose({ a: '1.10' }, 'a')).toBe('1.10');
  });

  it("reads names that are not the record's as on a plain object", () => {
    const page = parseRecordPage('{"results":[{"id":"a","end":1}]}', 'results') as {
      results: Array<Record<string, unknown>>;
    };
    const [record] = page.results;
    expect(record!['text']).toBeUndefined();
    expect(record!['cursor']).toBeUndefined();
    expect(record!['end']).toBe(1);
    expect(typeof record!['toString']).toBe('function');
    expect(Object.getPrototypeOf(record)).toBe(Object.prototype);
    expect(Array.isArray(record)).toBe(false);
  });

  it('parses whole, exactly, what is not a page of objects, and rejects malformed pages', () => {
    for (const text of ['[1,2.50]', '{"results":[1]}', '{"results":{}}', '{"a":1.10}', '"x"']) {
      expect(parseRecordPage(text, 'results')).toEqual(parseExactJson(text));
    }
    for (const text of ['{"results":[{"a":1}', '{"results":[]} x', '{"results":[{"a":"}]}']) {
      expect(() => parseRecordPage(text, 'results')).toThrow(SyntaxError);
    }
  });

  it('reads a repeated name as its first occurrence and lists it once', () => {
    const page = parseRecordPage('{"results":[{"a":1,"b":2,"a":3,"c":4}]}', 'results') as {
      results: Array<Record<string, unknown>>;
    };
    const [record] = page.results;
    expect(record!['c']).toBe(4);
    expect(record!['a']).toBe(1);
    expect(Object.keys(record!)).toEqual(['a', 'b', 'c']);
  });

  it('reports a malformed field when it is read', () => {
    const page = parseRecordPage('{"results":[{"id":"a","n":1x}]}', 'results') as {
      results: Array<Record<string, unknown>>;
    };
    expect(page.results[0]!['id']).toBe('a');
    expect(() => page.results[0]!['n']).toThrow(SyntaxError);
  });
});
