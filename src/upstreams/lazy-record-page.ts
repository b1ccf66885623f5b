import { isAscii } from 'node:buffer';
import { parseExactJson } from './exact-json.js';
import {
  CLOSE_BRACE,
  CLOSE_BRACKET,
  COLON,
  COMMA,
  compositeEnd,
  delimiterAt,
  delimiterCount,
  OPEN_BRACE,
  OPEN_BRACKET,
  QUOTE,
  resetDelimiters,
  skipSpace,
  stringEnd,
  valueEnd,
} from './json-bytes.js';
import { lazyRecord } from './lazy-record.js';
import {
  DELIMITER,
  EMPTY_TABLE,
  MEMBER,
  parseValue,
  stringValue,
  type PageBytes,
} from './page-bytes.js';

/**
 * A list page kept as its JSON bytes: `{"results":[{…},{…}],"pageNumber":1,…}` becomes an object
 * whose own fields are parsed at once and whose list holds one lazily read object per record.
 * A record finds its fields in the bytes only as far as the field asked for, and parses a field
 * the first time it is read, with the same exact-decimal rule as `parseExactJson` (each value is
 * parsed by it). Reading every field, enumerating keys or `JSON.stringify` give what
 * `parseExactJson` of the decoded page gives.
 *
 * Why: a gateway query reads a few fields of most records (a product's name for an order's
 * line), while a page of products with variants, prices and stock is ~2 KB of JSON a record.
 * Parsing all of it was the largest cost of a 50-order list with customers and products, and its
 * object trees, alive until the answer is written, were most of what the garbage collector
 * copied.
 *
 * Why bytes, not text: the body arrives as bytes outside the JavaScript heap, where the
 * collector never copies them. Its text, one or two bytes a character inside the heap, was a
 * copy of every page made up front and moved by every scavenge while its query was in flight;
 * reading the bytes decodes only the fields asked for. JSON's structure is ASCII, which no byte
 * of a multi-byte UTF-8 sequence equals, so the bytes scan exactly as their decoded text does.
 *
 * The page's structure (the list's record boundaries, every other field of the page) is checked
 * when the page is read: bytes that are not a page of objects are parsed whole by
 * `parseExactJson`, which rejects malformed JSON as before. A record's field values are checked
 * as they are read. A name repeated within one record reads as its first occurrence.
 */
export function parseRecordPageBytes(body: Uint8Array, listKey: string): unknown {
  const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const start = hasByteOrderMark(bytes) ? 3 : 0;
  const page: PageBytes = {
    bytes,
    words: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    ascii: isAscii(bytes),
    members: EMPTY_TABLE,
    names: [],
  };
  return scanPage(page, start, listKey) ?? parseExactJson(bytes.toString('utf8', start));
}

/**
 * `parseRecordPageBytes` of a page's text (as its UTF-8 bytes, so a lone surrogate reads as
 * U+FFFD, as it would have arrived over the wire).
 */
export function parseRecordPage(text: string, listKey: string): unknown {
  return parseRecordPageBytes(Buffer.from(text, 'utf8'), listKey);
}

const hasByteOrderMark = (bytes: Buffer): boolean =>
  bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;

function scanPage(
  p: PageBytes,
  start: number,
  listKey: string,
): Record<string, unknown> | undefined {
  const b = p.bytes;
  const page: Record<string, unknown> = {};
  let i = skipSpace(b, start);
  if (b[i] !== OPEN_BRACE) return undefined;
  i = skipSpace(b, i + 1);
  let listSeen = false;
  if (b[i] === CLOSE_BRACE) return undefined;
  for (;;) {
    if (b[i] !== QUOTE) return undefined;
    const keyEnd = stringEnd(b, p.words, i);
    if (keyEnd < 0) return undefined;
    let key: string;
    try {
      key = stringValue(p, i, keyEnd);
    } catch {
      return undefined;
    }
    i = skipSpace(b, keyEnd);
    if (b[i] !== COLON) return undefined;
    i = skipSpace(b, i + 1);
    if (key === listKey && !listSeen) {
      const records = scanRecords(p, i);
      if (!records) return undefined;
      page[key] = records.list;
      listSeen = true;
      i = records.end;
    } else {
      const end = valueEnd(b, p.words, i);
      if (end < 0) return undefined;
      try {
        page[key] = parseValue(p, i, end);
      } catch {
        return undefined;
      }
      i = end;
    }
    i = skipSpace(b, i);
    const c = b[i];
    if (c === COMMA) {
      i = skipSpace(b, i + 1);
      continue;
    }
    if (c !== CLOSE_BRACE) return undefined;
    return listSeen && skipSpace(b, i + 1) === b.length ? page : undefined;
  }
}

/**
 * The records of the array at `i`, each an object; undefined when it is anything else. The
 * page's member table is made here, once the scan has found every record's delimiters.
 */
function scanRecords(p: PageBytes, i: number): { list: object[]; end: number } | undefined {
  const b = p.bytes;
  if (b[i] !== OPEN_BRACKET) return undefined;
  const list: object[] = [];
  resetDelimiters();
  i = skipSpace(b, i + 1);
  if (b[i] === CLOSE_BRACKET) return { list, end: i + 1 };
  for (;;) {
    if (b[i] !== OPEN_BRACE) return undefined;
    const first = delimiterCount();
    const end = compositeEnd(b, p.words, i, true);
    if (end < 0) return undefined;
    list.push(lazyRecord(p, i, end - i, first));
    i = skipSpace(b, end);
    const c = b[i];
    if (c === CLOSE_BRACKET) {
      const count = delimiterCount();
      const members = new Int32Array(count * MEMBER);
      for (let m = 0; m < count; m += 1) members[m * MEMBER + DELIMITER] = delimiterAt(m);
      p.members = members;
      return { list, end: i + 1 };
    }
    if (c !== COMMA) return undefined;
    i = skipSpace(b, i + 1);
  }
}
