import { describe, expect, it } from 'vitest';
import { jsonNumber, toExactJson } from '../../../src/sandbox/commerce-data/exact-json.js';
import {
  formatUnits,
  formatUnitsFixed2,
  percentOf,
} from '../../../src/sandbox/commerce-data/seeded.js';

describe('exact JSON for upstream amounts', () => {
  it('writes decimal text verbatim as JSON numbers', () => {
    const text = toExactJson({
      a: jsonNumber('9007199254740993.01'),
      b: [jsonNumber('0.1'), null],
      c: 'x',
      d: undefined,
    });
    expect(text).toBe('{"a":9007199254740993.01,"b":[0.1,null],"c":"x"}');
    // The same value through a float loses its last digits.
    expect(JSON.stringify({ a: Number('9007199254740993.01') })).toBe('{"a":9007199254740994}');
  });

  it('refuses text that is not a number', () => {
    expect(() => jsonNumber('1e5')).toThrow();
    expect(() => jsonNumber('12,5')).toThrow();
  });

  it('formats 1/10000 units without float arithmetic', () => {
    expect(formatUnits(12_345_678n)).toBe('1234.5678');
    expect(formatUnits(1_000n)).toBe('0.1');
    expect(formatUnits(-125_000n)).toBe('-12.5');
    expect(formatUnits(90_071_992_547_409_930_100n)).toBe('9007199254740993.01');
    expect(formatUnitsFixed2(125_000n)).toBe('12.50');
    expect(percentOf(10_000n, 2000)).toBe(2_000n);
    expect(percentOf(1n, 5000)).toBe(1n);
  });
});
