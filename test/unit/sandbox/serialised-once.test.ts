import { describe, expect, it } from 'vitest';
import {
  RawJson,
  deepFreeze,
  jsonNumber,
  serialisedOnce,
  toExactJson,
} from '../../../src/sandbox/commerce-data/exact-json.js';

describe('records serialised once', () => {
  it('embeds pre-serialised JSON verbatim', () => {
    const record = { id: 'a', total: jsonNumber('9007199254740993.01') };
    const text = toExactJson({ results: [new RawJson(toExactJson(record))], n: 1 });
    expect(text).toBe(toExactJson({ results: [record], n: 1 }));
  });

  it('freezes every level of a record, so its kept JSON cannot go stale', () => {
    const record = deepFreeze({ id: 'a', lines: [{ qty: 1, ref: { id: 'p' } }] });
    expect(() => {
      (record as { id: string }).id = 'b';
    }).toThrow(TypeError);
    expect(() => {
      record.lines[0]!.ref.id = 'q';
    }).toThrow(TypeError);
    expect(() => record.lines.push({ qty: 2, ref: { id: 'r' } })).toThrow(TypeError);
  });

  it('serialises a frozen record once and refuses records that could still change', () => {
    let calls = 0;
    const once = serialisedOnce((r) => {
      calls++;
      return JSON.stringify(r);
    });
    const record = deepFreeze({ id: 'a' });
    expect(once(record).text).toBe('{"id":"a"}');
    expect(once(record)).toBe(once(record));
    expect(calls).toBe(1);
    expect(() => once({ id: 'mutable' })).toThrow(/frozen/);
  });
});
