import { isAscii } from 'node:buffer';
import { parseExactJson } from './codat/exact-json.js';

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
    bytes: bytes as Buffer & BufferSlices,
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

/**
 * Buffer's own decoders of a range, which `toString(encoding, start, end)` calls after checking
 * its arguments and looking the encoding up: a page is read in thousands of short slices.
 */
interface BufferSlices {
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
}

interface PageBytes {
  readonly bytes: Buffer & BufferSlices;
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
const MEMBER = 5;
const DELIMITER = 0;
const NAME_START = 1;
const NAME_END = 2;
const VALUE_START = 3;
const VALUE_END = 4;
const EMPTY_TABLE = new Int32Array(0);

/**
 * The delimiters a page's scan finds, in order, before its table is made; shared, as scanning
 * never re-enters itself.
 */
let found = new Int32Array(4096);
let foundCount = 0;

function addDelimiter(position: number): void {
  if (foundCount === found.length) {
    const larger = new Int32Array(found.length * 2);
    larger.set(found);
    found = larger;
  }
  found[foundCount] = position;
  foundCount += 1;
}

const QUOTE = 34;
const COMMA = 44;
const COLON = 58;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const BACKSLASH = 92;

/** The text of bytes `start` to `end`, which end at JSON delimiters, so none cuts a character. */
function decode(p: PageBytes, start: number, end: number): string {
  const { bytes } = p;
  if (!p.ascii) {
    for (let j = start; j < end; j += 1) {
      if ((bytes[j] as number) >= 0x80) return bytes.utf8Slice(start, end);
    }
  }
  return bytes.latin1Slice(start, end);
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

function skipSpace(b: Uint8Array, i: number): number {
  while (i < b.length && isSpace(b[i] as number)) i += 1;
  return i;
}

/**
 * The index after the JSON string whose opening quote is at `start`, or -1 when it never closes.
 * A backslash escapes the byte after it. `w` views the same bytes.
 *
 * Why four bytes at a time: most of a page's bytes are inside strings (86% of an s2 query's
 * three pages), and a word of four with neither a quote nor a backslash is passed in one test.
 * `(x - 0x01010101) & ~x & 0x80808080` is non-zero exactly when a byte of `x` is zero, and a
 * byte of `v ^ 0x22222222` is zero where `v` holds a quote. A word that may hold one is read a
 * byte at a time.
 */
function stringEnd(b: Uint8Array, w: DataView, start: number): number {
  const n = b.length;
  let j = start + 1;
  while (j < n) {
    if (j + 4 <= n) {
      const v = w.getUint32(j, true);
      const quote = v ^ 0x22222222;
      const backslash = v ^ 0x5c5c5c5c;
      const zeros = ((quote - 0x01010101) & ~quote) | ((backslash - 0x01010101) & ~backslash);
      if ((zeros & 0x80808080) === 0) {
        j += 4;
        continue;
      }
    }
    const stop = j + 4 < n ? j + 4 : n;
    while (j < stop) {
      const c = b[j] as number;
      if (c === QUOTE) return j + 1;
      j += c === BACKSLASH ? 2 : 1;
    }
  }
  return -1;
}

/**
 * The index after the value that starts at `i`, or -1 when its brackets or strings do not close
 * in order. Scalars end at the next delimiter; their text is checked when parsed.
 */
function valueEnd(b: Uint8Array, w: DataView, i: number): number {
  const first = b[i];
  if (first === QUOTE) return stringEnd(b, w, i);
  if (first !== OPEN_BRACE && first !== OPEN_BRACKET) {
    let j = i;
    for (; j < b.length; j += 1) {
      const c = b[j] as number;
      if (c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || isSpace(c)) break;
    }
    return j > i ? j : -1;
  }
  return compositeEnd(b, w, i, false);
}

/**
 * Closing brackets expected, innermost last, as bytes; shared, as scanning never re-enters
 * itself. A typed stack, not an array: the scan pushes and pops at every bracket of every
 * record (an order's line items and their taxes), and a typed array's stores are plain writes.
 * A page nested deeper than this is not read lazily (`parseExactJson` then reads it whole).
 */
const closers = new Uint8Array(512);

/**
 * The index after the object or array that starts at `i`, or -1 when its brackets or strings do
 * not close in order (or nest deeper than `closers` holds). With `record`, the positions of its
 * own top-level commas and of its closing bracket are added to the delimiters found.
 */
function compositeEnd(b: Uint8Array, w: DataView, i: number, record: boolean): number {
  const n = b.length;
  let depth = 0;
  for (let j = i; j < n; j += 1) {
    const c = b[j] as number;
    if (c === QUOTE) {
      const end = stringEnd(b, w, j);
      if (end < 0) return -1;
      // The loop steps past the closing quote.
      j = end - 1;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (depth === closers.length) return -1;
      // `}` is `{` + 2 and `]` is `[` + 2.
      closers[depth] = c + 2;
      depth += 1;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (depth === 0) return -1;
      depth -= 1;
      if (closers[depth] !== c) return -1;
      if (depth === 0) {
        if (record) addDelimiter(j);
        return j + 1;
      }
    } else if (c === COMMA && record && depth === 1) addDelimiter(j);
  }
  return -1;
}

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
  foundCount = 0;
  i = skipSpace(b, i + 1);
  if (b[i] === CLOSE_BRACKET) return { list, end: i + 1 };
  for (;;) {
    if (b[i] !== OPEN_BRACE) return undefined;
    const first = foundCount;
    const end = compositeEnd(b, p.words, i, true);
    if (end < 0) return undefined;
    list.push(new Proxy(new RecordState(p, i, end - i, first), HANDLER));
    i = skipSpace(b, end);
    const c = b[i];
    if (c === CLOSE_BRACKET) {
      const members = new Int32Array(foundCount * MEMBER);
      for (let m = 0; m < foundCount; m += 1) members[m * MEMBER + DELIMITER] = found[m] as number;
      p.members = members;
      return { list, end: i + 1 };
    }
    if (c !== COMMA) return undefined;
    i = skipSpace(b, i + 1);
  }
}

/**
 * A record of the page: its members are a run of the page's table from `first`, up to the one
 * whose delimiter is its closing brace. `indexed` of them have been indexed; `cursor` is where
 * the next one starts (-1 once all are): a lookup indexes members in order until it meets the
 * name it wants, comparing names with the page's bytes. `values` holds the values read so far,
 * as pairs of a member's number and its value: a query reads a few fields of a record that has
 * dozens. Records have a few dozen fields at most, where a linear search beats a Map and
 * allocates far less.
 *
 * The state is the proxy's target. Its own fields are configurable, so the traps below may
 * answer for the record whatever they hold, and every trap that could show the target's own
 * fields or prototype is defined. A class instance, not `Object.create(null)`: V8 keeps an
 * object made without a prototype in dictionary mode, slower to make and to read from in every
 * trap.
 */
class RecordState {
  cursor: number;
  indexed = 0;
  values: unknown[] | undefined = undefined;
  /** Fields set on the record that it does not have (see the `set` trap). */
  added: Map<string, unknown> | undefined = undefined;

  constructor(
    readonly page: PageBytes,
    start: number,
    /** Bytes of the page the record's JSON takes (see `lazyRecordSpan`). */
    readonly span: number,
    readonly first: number,
  ) {
    const open = skipSpace(page.bytes, start + 1);
    this.cursor = page.bytes[open] === CLOSE_BRACE ? -1 : open;
  }
}

const UNREAD = Symbol('unread');
/** Answered by a lazy record's proxy with its state (see `readLoose`). */
const STATE = Symbol('lazy record state');

/**
 * Indexes the next member and returns its number within the record; -1 when the record has no
 * more. A repeated name is indexed again but never found: lookups stop at its first member. The
 * value's text is checked when it is parsed; here only that it is there and, for a string, that
 * it is one string.
 */
function indexNext(s: RecordState): number {
  if (s.cursor < 0) return -1;
  const { page } = s;
  const b = page.bytes;
  const t = page.members;
  const m = s.indexed;
  const at = (s.first + m) * MEMBER;
  const stop = t[at + DELIMITER] as number;
  const i = skipSpace(b, s.cursor);
  const keyEnd = b[i] === QUOTE ? stringEnd(b, page.words, i) : -1;
  if (keyEnd < 0 || keyEnd > stop) throw malformed();
  const colon = skipSpace(b, keyEnd);
  if (b[colon] !== COLON) throw malformed();
  const valueStart = skipSpace(b, colon + 1);
  let valueStop = stop;
  while (valueStop > valueStart && isSpace(b[valueStop - 1] as number)) valueStop -= 1;
  if (valueStop <= valueStart) throw malformed();
  if (b[valueStart] === QUOTE && stringEnd(b, page.words, valueStart) !== valueStop)
    throw malformed();
  if (isPlainName(b, i + 1, keyEnd - 1)) {
    t[at + NAME_START] = i + 1;
    t[at + NAME_END] = keyEnd - 1;
  } else {
    t[at + NAME_START] = -1 - page.names.length;
    page.names.push(stringValue(page, i, keyEnd));
  }
  t[at + VALUE_START] = valueStart;
  t[at + VALUE_END] = valueStop;
  s.cursor = b[stop] === COMMA ? stop + 1 : -1;
  s.indexed = m + 1;
  return m;
}

/** Bytes that are their own text as a name: ASCII, no escape. */
function isPlainName(b: Uint8Array, start: number, end: number): boolean {
  for (let j = start; j < end; j += 1) {
    const c = b[j] as number;
    if (c === BACKSLASH || c >= 0x80) return false;
  }
  return true;
}

/** Whether member `m` of the record is named `key`. */
function nameIs(s: RecordState, m: number, key: string): boolean {
  const { page } = s;
  const at = (s.first + m) * MEMBER;
  const start = page.members[at + NAME_START] as number;
  if (start < 0) return page.names[-1 - start] === key;
  const end = page.members[at + NAME_END] as number;
  if (end - start !== key.length) return false;
  const b = page.bytes;
  for (let j = 0; j < key.length; j += 1) if (b[start + j] !== key.charCodeAt(j)) return false;
  return true;
}

function nameAt(s: RecordState, m: number): string {
  const { page } = s;
  const at = (s.first + m) * MEMBER;
  const start = page.members[at + NAME_START] as number;
  if (start < 0) return page.names[-1 - start] as string;
  return page.bytes.latin1Slice(start, page.members[at + NAME_END] as number);
}

/** A JSON string's value; without escapes it is the text between the quotes. */
function stringValue(p: PageBytes, start: number, end: number): string {
  const inner = decode(p, start + 1, end - 1);
  return inner.includes('\\') ? (JSON.parse(`"${inner}"`) as string) : inner;
}

function find(s: RecordState, key: string): number {
  for (let m = 0; m < s.indexed; m += 1) if (nameIs(s, m, key)) return m;
  return -1;
}

/** The number of member `key` in the record, indexing further as needed; -1 when it lacks it. */
function memberOf(s: RecordState, key: string): number {
  const m = find(s, key);
  if (m >= 0) return m;
  for (;;) {
    const next = indexNext(s);
    if (next < 0 || nameIs(s, next, key)) return next;
  }
}

/** The value of member `m` read (or set) before, else UNREAD. */
function known(s: RecordState, m: number): unknown {
  const { values } = s;
  if (values) for (let k = 0; k < values.length; k += 2) if (values[k] === m) return values[k + 1];
  return UNREAD;
}

function remember(s: RecordState, m: number, value: unknown): void {
  const values = (s.values ??= []);
  for (let k = 0; k < values.length; k += 2) {
    if (values[k] === m) {
      values[k + 1] = value;
      return;
    }
  }
  values.push(m, value);
}

function read(s: RecordState, m: number): unknown {
  const before = known(s, m);
  if (before !== UNREAD) return before;
  const at = (s.first + m) * MEMBER;
  const t = s.page.members;
  const value = parseValue(s.page, t[at + VALUE_START] as number, t[at + VALUE_END] as number);
  (s.values ??= []).push(m, value);
  return value;
}

/** A value's text parsed exactly; a string is read directly. */
function parseValue(p: PageBytes, start: number, end: number): unknown {
  return p.bytes[start] === QUOTE
    ? stringValue(p, start, end)
    : parseExactJson(decode(p, start, end));
}

/**
 * A field of a record as plain `JSON.parse` reads it, for reading a value's structure, strings,
 * booleans and integers, which it gives exactly as `record[key]` does; any other number may come
 * back as a rounded double. Native parsing skips the exact-decimal pass, which costs twice the
 * parse on number-dense values such as an order's line items, whose ids and references are read
 * far more often than their amounts. A record that is not lazily read answers `record[key]`.
 */
export function readLoose(record: Record<string, unknown>, key: string): unknown {
  const s = (record as { [STATE]?: RecordState })[STATE];
  if (!s) return record[key];
  const m = memberOf(s, key);
  if (m < 0) return s.added?.get(key);
  const before = known(s, m);
  if (before !== UNREAD) return before;
  const at = (s.first + m) * MEMBER;
  const t = s.page.members;
  return JSON.parse(decode(s.page, t[at + VALUE_START] as number, t[at + VALUE_END] as number));
}

/**
 * How many bytes of its page a lazily read record's JSON takes; undefined for any other value.
 * What a cache holding the record keeps alive is about proportional to it.
 */
export function lazyRecordSpan(record: unknown): number | undefined {
  if (record === null || typeof record !== 'object') return undefined;
  return (record as { [STATE]?: RecordState })[STATE]?.span;
}

function malformed(): SyntaxError {
  return new SyntaxError('upstream record is not valid JSON');
}

/** Keys in a plain object's order: array indices ascending, then the rest as they came. */
function keysOf(s: RecordState): string[] {
  while (indexNext(s) >= 0);
  const indices: string[] = [];
  const names: string[] = [];
  const seen = new Set<string>();
  const add = (key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    (ARRAY_INDEX.test(key) && Number(key) < 2 ** 32 - 1 ? indices : names).push(key);
  };
  for (let m = 0; m < s.indexed; m += 1) add(nameAt(s, m));
  s.added?.forEach((_value, key) => add(key));
  return indices.length > 0 ? [...indices.sort((a, b) => Number(a) - Number(b)), ...names] : names;
}

const ARRAY_INDEX = /^(?:0|[1-9]\d*)$/;

/** Names that are not the record's read as on any plain object (`toString`, `constructor`, …). */
const HANDLER: ProxyHandler<RecordState> = {
  get(s, key) {
    if (typeof key === 'string') {
      const m = memberOf(s, key);
      if (m >= 0) return read(s, m);
      if (s.added?.has(key)) return s.added.get(key);
    } else if (key === STATE) return s;
    return (Object.prototype as Record<PropertyKey, unknown>)[key];
  },
  set(s, key, value) {
    if (typeof key !== 'string') return false;
    const m = memberOf(s, key);
    if (m >= 0) remember(s, m, value);
    else (s.added ??= new Map()).set(key, value);
    return true;
  },
  has(s, key) {
    return (
      (typeof key === 'string' && (memberOf(s, key) >= 0 || s.added?.has(key) === true)) ||
      key in Object.prototype
    );
  },
  ownKeys(s) {
    return keysOf(s);
  },
  getOwnPropertyDescriptor(s, key) {
    if (typeof key !== 'string') return undefined;
    const m = memberOf(s, key);
    if (m < 0 && !s.added?.has(key)) return undefined;
    const value = m >= 0 ? read(s, m) : s.added?.get(key);
    return { value, writable: true, enumerable: true, configurable: true };
  },
  getPrototypeOf() {
    return Object.prototype;
  },
  deleteProperty() {
    // Upstream records are read, never edited in place.
    return false;
  },
  defineProperty() {
    return false;
  },
};
