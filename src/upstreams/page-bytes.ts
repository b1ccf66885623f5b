import { parseExactJson } from './exact-json.js';
import { QUOTE } from './json-bytes.js';

/**
 * A list page's bytes and the table of where its records' members are: what the page's scan
 * (`lazy-record-page.ts`) makes and its lazily read records (`lazy-record.ts`) read.
 */

export interface PageBytes {
  readonly bytes: Buffer;
  /** The same bytes, read four at a time where strings are skipped (`stringEnd`). */
  readonly words: DataView;
  /** No byte of the page is beyond ASCII, so every slice decodes as Latin-1. */
  readonly ascii: boolean;
  /**
   * Where every member of every record is, one table for the page, `MEMBER` numbers a member:
   * the comma or closing brace after its value (found by the page's scan, so finding a member
   * later never scans a value again: an order's line items are half of its bytes), then, once
   * the member is indexed, its name's start and end and its value's start and end. A name that
   * holds an escape or a character beyond ASCII is decoded into `names`, its start then
   * `-1 - index`. Record by record the members are runs of the table.
   *
   * Why one table of integers: the positions of a page's few thousand members are one
   * allocation outside the heap, where a list per record (and a growing list for the page) was
   * a tenth of what a query allocated.
   */
  members: Int32Array;
  readonly names: string[];
}

/** The fields of one member in `PageBytes.members`. */
export const MEMBER = 5;
export const DELIMITER = 0;
export const NAME_START = 1;
export const NAME_END = 2;
export const VALUE_START = 3;
export const VALUE_END = 4;
export const EMPTY_TABLE = new Int32Array(0);

/** The text of bytes `start` to `end`, which end at JSON delimiters, so none cuts a character. */
export function decode(p: PageBytes, start: number, end: number): string {
  const { bytes } = p;
  if (!p.ascii) {
    for (let j = start; j < end; j += 1) {
      if ((bytes[j] as number) >= 0x80) return bytes.toString('utf8', start, end);
    }
  }
  return bytes.toString('latin1', start, end);
}

/** A JSON string's value; without escapes it is the text between the quotes. */
export function stringValue(p: PageBytes, start: number, end: number): string {
  const inner = decode(p, start + 1, end - 1);
  return inner.includes('\\') ? (JSON.parse(`"${inner}"`) as string) : inner;
}

/** A value's text parsed exactly; a string is read directly. */
export function parseValue(p: PageBytes, start: number, end: number): unknown {
  return p.bytes[start] === QUOTE
    ? stringValue(p, start, end)
    : parseExactJson(decode(p, start, end));
}
