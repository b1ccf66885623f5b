import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseExactJson } from '../../../src/upstreams/exact-json.js';
import { parseRecordPage, parseRecordPageBytes } from '../../../src/upstreams/lazy-record-page.js';
import { readLoose } from '../../../src/upstreams/lazy-record.js';

/** Decimal literals as upstreams write them: trailing zeros, long fractions, huge values. */
const decimalText = fc
  .tuple(fc.bigInt({ min: 0n, max: 10n ** 25n }), fc.option(fc.stringMatching(/^\d{1,8}$/)))
  .map(([int, frac]) => `${int}${frac === null ? '' : `.${frac}`}`);

/** A record's JSON as an upstream writes it, with decimals that must not pass through a double. */
const recordTextOf = (text: fc.Arbitrary<string>) =>
  fc
    .uniqueArray(
      fc.tuple(
        text,
        fc.oneof(
          fc.jsonValue().map((v) => JSON.stringify(v)),
          decimalText,
          text.map((v) => JSON.stringify(v)),
        ),
      ),
      { selector: ([key]) => key },
    )
    .map((members) => `{${members.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`);

const pageTextOf = (text: fc.Arbitrary<string>) =>
  fc
    .tuple(
      fc.array(recordTextOf(text), { maxLength: 8 }),
      fc.jsonValue(),
      fc.constantFrom('', ' ', '\n  '),
    )
    .map(
      ([records, other, ws]) =>
        `{${ws}"pageNumber":1,"results":${ws}[${records.join(`,${ws}`)}]${ws},"_links":${JSON.stringify(other)}${ws}}`,
    );

const pageText = pageTextOf(fc.string());
/** Pages as they come from shops worldwide: names in any script, emoji, escapes. */
const unicodePageText = pageTextOf(
  fc.oneof(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), fc.string()),
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

  it('read from UTF-8 bytes, give what the decoded page parsed exactly gives', () => {
    fc.assert(
      fc.property(unicodePageText, fc.boolean(), (text, byteOrderMark) => {
        const bytes = Buffer.concat([
          Buffer.from(byteOrderMark ? [0xef, 0xbb, 0xbf] : []),
          Buffer.from(text, 'utf8'),
        ]);
        // Through the bytes, as the gateway reads a body; lone surrogates become U+FFFD here too.
        const decoded = Buffer.from(text, 'utf8').toString('utf8');
        const eager = parseExactJson(decoded) as { results: Array<Record<string, unknown>> };
        const loose = JSON.parse(decoded) as typeof eager;
        const lazy = parseRecordPageBytes(bytes, 'results') as typeof eager;
        lazy.results.forEach((record, i) => {
          for (const [key, value] of Object.entries(loose.results[i]!).reverse())
            expect(readLoose(record, key)).toEqual(value);
          for (const key of Object.keys(eager.results[i]!))
            expect(record[key]).toEqual(eager.results[i]![key]);
          expect(Object.keys(record)).toEqual(Object.keys(eager.results[i]!));
        });
        expect(JSON.stringify(lazy)).toBe(JSON.stringify(eager));
      }),
      { numRuns: 500 },
    );
    // A page with one name beyond Latin-1 is still read field by field, not parsed whole.
    const page = parseRecordPageBytes(
      Buffer.from('{"results":[{"name":"Łódź ☕","n":1x}],"pageNumber":1}'),
      'results',
    ) as { results: Array<Record<string, unknown>> };
    expect(page.results[0]!['name']).toBe('Łódź ☕');
    expect(() => page.results[0]!['n']).toThrow(SyntaxError);
    expect(parseRecordPageBytes(Buffer.from('["é",2.50]'), 'results')).toEqual(['é', '2.50']);
  });

  it("reads names that are not the record's as on a plain object", () => {
    const page = parseRecordPage('{"results":[{"id":"a","end":1}]}', 'results') as {
      results: Array<Record<string, unknown>>;
    };
    const [record] = page.results;
    expect(record!['text']).toBeUndefined();
    expect(record!['cursor']).toBeUndefined();
    expect(record!['end']).toBe(1);
    // Names are compared with the page's bytes: one that runs on past a member's name is not it.
    expect(record!['id":"a']).toBeUndefined();
    expect(record!['i']).toBeUndefined();
    expect(record!['id']).toBe('a');
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

  it('skips strings dense in quotes and backslashes wherever they fall, and rejects every truncation', () => {
    // Strings are skipped four bytes at a time: escapes and multi-byte characters at every
    // offset from a word's start, in values and in names.
    const dense = fc.string({
      unit: fc.constantFrom('"', '\\', 'a', 'é', '☕', '}', ']', ',', ':', '\n'),
      maxLength: 40,
    });
    fc.assert(
      fc.property(pageTextOf(dense), (text) => {
        const lazy = parseRecordPage(text, 'results');
        expect(JSON.stringify(lazy)).toBe(JSON.stringify(parseExactJson(text)));
        const bytes = Buffer.from(text, 'utf8');
        for (const cut of [1, 2, 3, 4, 5, Math.floor(bytes.length / 2)]) {
          if (cut >= bytes.length) continue;
          expect(() =>
            JSON.stringify(parseRecordPageBytes(bytes.subarray(0, bytes.length - cut), 'results')),
          ).toThrow(SyntaxError);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('reads records nested deeper than its scan follows, and rejects brackets out of order', () => {
    for (const depth of [500, 511, 512, 513, 2000]) {
      const deep = `${'['.repeat(depth)}1.10${']'.repeat(depth)}`;
      const text = `{"results":[{"id":"a","deep":${deep},"b":2.50},{"id":"b"}],"next":{"x":${deep}}}`;
      const page = parseRecordPage(text, 'results') as { results: unknown[] };
      expect(JSON.stringify(page)).toBe(JSON.stringify(parseExactJson(text)));
      expect(page.results).toHaveLength(2);
    }
    for (const text of [
      '{"results":[{"a":[1}]}',
      '{"results":[{"a":{"b":1]}]}',
      '{"results":[{"a":1}]],"b":1}',
      `{"results":[{"a":${'['.repeat(600)}1${']'.repeat(599)}}]}`,
    ]) {
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

  it('reads back what is set on a record, as a plain object would', () => {
    const page = parseRecordPage('{"results":[{"a":1,"b":"x","c":null}]}', 'results') as {
      results: Array<Record<string, unknown>>;
    };
    const [record] = page.results;
    record!['b'] = null;
    record!['c'] = undefined;
    record!['d'] = 4;
    expect(record!['a']).toBe(1);
    expect(record!['b']).toBeNull();
    expect(record!['c']).toBeUndefined();
    expect(record!['d']).toBe(4);
    expect('d' in record!).toBe(true);
    expect(Object.keys(record!)).toEqual(['a', 'b', 'c', 'd']);
    expect(JSON.stringify(record)).toBe('{"a":1,"b":null,"d":4}');
  });

  it('reports a malformed field when it is read', () => {
    const page = parseRecordPage('{"results":[{"id":"a","n":1x}]}', 'results') as {
      results: Array<Record<string, unknown>>;
    };
    expect(page.results[0]!['id']).toBe('a');
    expect(() => page.results[0]!['n']).toThrow(SyntaxError);
  });
});
