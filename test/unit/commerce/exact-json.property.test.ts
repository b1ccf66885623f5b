import fc from 'fast-check';
import { parse } from 'lossless-json';
import { describe, expect, it } from 'vitest';
import { parseExactJson } from '../../../src/upstreams/exact-json.js';

/** The reference: lossless-json with the same rule (short integers as numbers, the rest as text). */
const reference = (text: string) =>
  parse(text, null, (s: string) => (/^-?\d{1,15}$/.test(s) ? Number(s) : s));

/** Decimal literals as upstreams write them: trailing zeros, long fractions, huge values. */
const decimalText = fc
  .tuple(
    fc.boolean(),
    fc.bigInt({ min: 0n, max: 10n ** 25n }),
    fc.option(fc.stringMatching(/^\d{1,8}$/), { nil: undefined }),
  )
  // A bare "-0" is an integer that becomes the number 0 in both parsers: not a decimal literal.
  .map(
    ([neg, int, frac]) =>
      `${neg && (int > 0n || frac) ? '-' : ''}${int}${frac === undefined ? '' : `.${frac}`}`,
  );

describe('exact JSON parsing', () => {
  it('matches lossless-json on any JSON text', () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        expect(parseExactJson(text)).toEqual(reference(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps every decimal literal as its exact text, also next to tricky strings', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string(), decimalText)), (pairs) => {
        const text = `{"items":[${pairs.map(([s, d]) => `{"note":${JSON.stringify(s)},"amount":${d}}`).join(',')}]}`;
        const parsed = parseExactJson(text) as { items: Array<{ note: string; amount: unknown }> };
        expect(parsed).toEqual(reference(text));
        parsed.items.forEach((item, i) => {
          expect(item.note).toBe(pairs[i]![0]);
          expect(String(item.amount)).toBe(pairs[i]![1]);
        });
      }),
      { numRuns: 500 },
    );
  });

  it('never rounds: 9007199254740993.01 and 12.10 survive', () => {
    expect(
      parseExactJson('{"a":9007199254740993.01,"b":12.10,"c":3,"d":"1.5","e":12345678901234567}'),
    ).toEqual({
      a: '9007199254740993.01',
      b: '12.10',
      c: 3,
      d: '1.5',
      e: '12345678901234567',
    });
  });
});
