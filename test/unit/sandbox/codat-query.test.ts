import { describe, expect, it } from 'vitest';
import { jsonNumber } from '../../../src/sandbox/commerce-data/exact-json.js';
import {
  QueryError,
  idsOnly,
  matches,
  parseQuery,
  sortRecords,
} from '../../../src/sandbox/codat/query.js';

const record = {
  id: 'b',
  currency: 'GBP',
  customerName: 'Léa O"Brien',
  totalAmount: jsonNumber('9007199254740993.01'),
  createdDate: '2024-03-01T10:00:00',
  isGiftCard: false,
  customerRef: { id: 'cus-1', name: 'Léa' },
};

const test = (q: string) => matches(record, parseQuery(q));

describe('Codat query language', () => {
  it('compares with every documented operator', () => {
    expect(test('currency=GBP')).toBe(true);
    expect(test('currency=gbp')).toBe(true);
    expect(test('currency!=GBP')).toBe(false);
    expect(test('customerName~brien')).toBe(true);
    expect(test('totalAmount>9007199254740993')).toBe(true);
    expect(test('totalAmount<9007199254740993.02')).toBe(true);
    expect(test('totalAmount>=9007199254740993.01')).toBe(true);
    expect(test('totalAmount<=9007199254740993.009')).toBe(false);
    expect(test('isGiftCard=false')).toBe(true);
    expect(test('customerRef.id=cus-1')).toBe(true);
  });

  it('reads a time without a zone as UTC', () => {
    expect(test('createdDate=2024-03-01T10:00:00Z')).toBe(true);
    expect(test('createdDate>2024-03-01T09:59:59.999Z')).toBe(true);
    expect(test('createdDate<2024-03-01')).toBe(false);
  });

  it('binds && tighter than || and honours { } grouping', () => {
    expect(test('currency=USD&&currency=GBP||id=b')).toBe(true);
    expect(test('currency=USD&&{currency=GBP||id=b}')).toBe(false);
    expect(test('{id=a||id=b}&&currency=GBP')).toBe(true);
    expect(test('id=x||id=y||id=z')).toBe(false);
  });

  it('accepts quoted values with escaped quotes and operators inside', () => {
    expect(test('customerName="Léa O\\"Brien"')).toBe(true);
    expect(test('customerName="a||b"||id=b')).toBe(true);
  });

  it('treats a missing field as null', () => {
    expect(test('note=null')).toBe(true);
    expect(test('note!=VIP')).toBe(true);
    expect(test('note>1')).toBe(false);
  });

  it('rejects malformed queries', () => {
    for (const bad of [
      '',
      'currency',
      'currency=',
      '{currency=GBP',
      'currency=GBP}',
      '&&id=a',
      'id="open',
    ]) {
      expect(() => parseQuery(bad), bad).toThrow(QueryError);
    }
  });
});

describe('idsOnly (the batch lookup fast path)', () => {
  it('recognises pure id disjunctions and agrees with matches', () => {
    const q = parseQuery('id=A1||id="b-2"||id=c3');
    expect(idsOnly(q)).toEqual(new Set(['a1', 'b-2', 'c3']));
    for (const id of ['A1', 'a1', 'b-2', 'c3', 'd4']) {
      expect(idsOnly(q)!.has(id.toLowerCase())).toBe(matches({ id }, q));
    }
  });

  it('declines anything else', () => {
    expect(idsOnly(parseQuery('id=a||name=b'))).toBeUndefined();
    expect(idsOnly(parseQuery('id!=a'))).toBeUndefined();
    expect(idsOnly(parseQuery('id=a&&id=b'))).toBeUndefined();
  });
});

describe('sortRecords', () => {
  const rows = [
    { id: 'a', createdDate: '2024-01-02T00:00:00Z' },
    { id: 'c', createdDate: '2024-01-01T00:00:00' },
    { id: 'b', createdDate: '2024-01-01T00:00:00Z' },
    { id: 'd', createdDate: '2023-12-31T23:59:59Z' },
  ];

  it('orders by instant and breaks ties by id in the same direction', () => {
    expect(sortRecords(rows, 'createdDate', false).map((r) => r.id)).toEqual(['d', 'b', 'c', 'a']);
    expect(sortRecords(rows, 'createdDate', true).map((r) => r.id)).toEqual(['a', 'c', 'b', 'd']);
  });

  it('orders amounts exactly', () => {
    const amounts = [
      { id: '1', v: jsonNumber('9007199254740993.01') },
      { id: '2', v: jsonNumber('9007199254740993') },
      { id: '3', v: jsonNumber('-0.1') },
    ];
    expect(sortRecords(amounts, 'v', false).map((r) => r.id)).toEqual(['3', '2', '1']);
  });
});
