import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formEncode } from '../../../src/upstreams/form-encoding.js';

const asUrlSearchParams = (value: string) => new URLSearchParams([['', value]]).toString().slice(1);

describe('form encoding of query components', () => {
  it('writes what URLSearchParams writes, for any string', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary' }),
          fc.string({ unit: fc.constantFrom(...` !'()~*-._%+&=|"\\#?/`) }),
          fc.string({ unit: 'grapheme' }),
        ),
        (value) => {
          expect(formEncode(value)).toBe(asUrlSearchParams(value));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('writes a lone surrogate as U+FFFD and a space as +', () => {
    expect(formEncode('a\uD800b')).toBe('a%EF%BF%BDb');
    expect(formEncode("id=a b||id='c'")).toBe('id%3Da+b%7C%7Cid%3D%27c%27');
  });
});
