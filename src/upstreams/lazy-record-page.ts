import { isAscii } from 'node:buffer';
import { parseExactJson } from './codat/exact-json.js';
import { stringEnd } from './json-string.js';

/**
 * A list page kept as its JSON text: `{"results":[{…},{…}],"pageNumber":1,…}` becomes an object
 * whose own fields are parsed at once and whose list holds one lazily read object per record.
 * A record finds its fields in the text only as far as the field asked for, and parses a field
 * the first time it is read, with the same exact-decimal rule as `parseExactJson` (each value is
 * parsed by it). Reading every field, enumerating keys or `JSON.stringify` give what
 * `parseExactJson` of the whole text gives.
 *
 * Why: a gateway query reads a few fields of most records (a product's name for an order's
 * line), while a page of products with variants, prices and stock is ~2 KB of JSON a record.
 * Parsing all of it was the largest cost of a 50-order list with customers and products, and its
 * object trees, alive until the answer is written, were most of what the garbage collector
 * copied. The text itself is one flat string the collector never walks.
 *
 * The page's structure (the list's record boundaries, every other field of the page) is checked
 * when the page is read: text that is not a page of objects is parsed whole by `parseExactJson`,
 * which rejects malformed JSON as before. A record's field values are checked as they are read.
 * A name repeated within one record reads as its first occurrence.
 */
export function parseRecordPage(text: string, listKey: string): unknown {
  return scanPage(text, listKey, false) ?? parseExactJson(text);
}

/**
 * `parseRecordPage` of a body's UTF-8 bytes. A page that is all ASCII is read as it is. Any other
 * is read as a one-byte string holding one character per byte (its Latin-1 decoding), and each
 * field is decoded from UTF-8 when it is read: JSON's structure is ASCII, which no byte of a
 * multi-byte UTF-8 sequence equals, so the page scans exactly as its decoded text does.
 *
 * Why: a page with a single character beyond Latin-1 (one customer's name) decodes to a two-byte
 * string of twice the page's size, through V8's slow decoding path, and a list query reads a few
 * fields of each record. Decoding what is read, when it is read, costs a fraction of that.
 */
export function parseRecordPageBytes(body: Uint8Array, listKey: string): unknown {
  const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const start = hasByteOrderMark(bytes) ? 3 : 0;
  if (isAscii(bytes)) return parseRecordPage(bytes.toString('latin1', start), listKey);
  return (
    scanPage(bytes.toString('latin1', start), listKey, true) ??
    parseExactJson(bytes.toString('utf8', start))
  );
}

const hasByteOrderMark = (bytes: Buffer): boolean =>
  bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;

/** A character of a byte string that is part of a multi-byte UTF-8 sequence. */
const NON_ASCII = /[\x80-\xff]/;

/**
 * `text.slice(start, end)`; when `utf8`, `text` holds bytes and the slice is decoded from UTF-8.
 * Slices end at JSON delimiters, so none cuts a character's bytes apart.
 */
function sliceText(text: string, start: number, end: number, utf8: boolean): string {
  const slice = text.slice(start, end);
  return utf8 && NON_ASCII.test(slice) ? Buffer.from(slice, 'latin1').toString('utf8') : slice;
}

const QUOTE = 34;
const COMMA = 44;
const COLON = 58;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && isSpace(text.charCodeAt(i))) i += 1;
  return i;
}

/**
 * The index after the value that starts at `i`, or -1 when its brackets or strings do not close
 * in order. Scalars end at the next delimiter; their text is checked when parsed.
 */
function valueEnd(text: string, i: number): number {
  const first = text.charCodeAt(i);
  if (first === QUOTE) return stringEnd(text, i);
  if (first !== OPEN_BRACE && first !== OPEN_BRACKET) {
    let j = i;
    for (; j < text.length; j += 1) {
      const c = text.charCodeAt(j);
      if (c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || isSpace(c)) break;
    }
    return j > i ? j : -1;
  }
  return compositeEnd(text, i, undefined);
}

/** Closing brackets expected, innermost last; shared, as scanning never re-enters itself. */
const closers: number[] = [];

/**
 * The index after the object or array that starts at `i`, or -1 when its brackets or strings do
 * not close in order. With `delimiters`, the positions of its own top-level commas and of its
 * closing bracket are appended: a record's members lie between them, so finding a member later
 * never scans a value again (an order's line items are half of its text).
 */
function compositeEnd(text: string, i: number, delimiters: number[] | undefined): number {
  closers.length = 0;
  let j = i;
  while (j < text.length) {
    const c = text.charCodeAt(j);
    if (c === QUOTE) {
      j = stringEnd(text, j);
      if (j < 0) return -1;
      continue;
    }
    if (c === OPEN_BRACE) closers.push(CLOSE_BRACE);
    else if (c === OPEN_BRACKET) closers.push(CLOSE_BRACKET);
    else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (closers.pop() !== c) return -1;
      if (closers.length === 0) {
        delimiters?.push(j);
        return j + 1;
      }
    } else if (c === COMMA && closers.length === 1) delimiters?.push(j);
    j += 1;
  }
  return -1;
}

function scanPage(
  text: string,
  listKey: string,
  utf8: boolean,
): Record<string, unknown> | undefined {
  const page: Record<string, unknown> = {};
  let i = skipSpace(text, 0);
  if (text.charCodeAt(i) !== OPEN_BRACE) return undefined;
  i = skipSpace(text, i + 1);
  let listSeen = false;
  if (text.charCodeAt(i) === CLOSE_BRACE) return undefined;
  for (;;) {
    if (text.charCodeAt(i) !== QUOTE) return undefined;
    const keyEnd = stringEnd(text, i);
    if (keyEnd < 0) return undefined;
    const key = stringValue(text, i, keyEnd, utf8);
    i = skipSpace(text, keyEnd);
    if (text.charCodeAt(i) !== COLON) return undefined;
    i = skipSpace(text, i + 1);
    if (key === listKey && !listSeen) {
      const records = scanRecords(text, i, utf8);
      if (!records) return undefined;
      page[key] = records.list;
      listSeen = true;
      i = records.end;
    } else {
      const end = valueEnd(text, i);
      if (end < 0) return undefined;
      try {
        page[key] = parseValue(text, i, end, utf8);
      } catch {
        return undefined;
      }
      i = end;
    }
    i = skipSpace(text, i);
    const c = text.charCodeAt(i);
    if (c === COMMA) {
      i = skipSpace(text, i + 1);
      continue;
    }
    if (c !== CLOSE_BRACE) return undefined;
    return listSeen && skipSpace(text, i + 1) === text.length ? page : undefined;
  }
}

/** The records of the array at `i`, each an object; undefined when it is anything else. */
function scanRecords(
  text: string,
  i: number,
  utf8: boolean,
): { list: object[]; end: number } | undefined {
  if (text.charCodeAt(i) !== OPEN_BRACKET) return undefined;
  const list: object[] = [];
  // One list for the page: a record's members are a run of it.
  const delimiters: number[] = [];
  i = skipSpace(text, i + 1);
  if (text.charCodeAt(i) === CLOSE_BRACKET) return { list, end: i + 1 };
  for (;;) {
    if (text.charCodeAt(i) !== OPEN_BRACE) return undefined;
    const first = delimiters.length;
    const end = compositeEnd(text, i, delimiters);
    if (end < 0) return undefined;
    list.push(lazyRecord(text, i, delimiters, first, utf8));
    i = skipSpace(text, end);
    const c = text.charCodeAt(i);
    if (c === CLOSE_BRACKET) return { list, end: i + 1 };
    if (c !== COMMA) return undefined;
    i = skipSpace(text, i + 1);
  }
}

/**
 * Where a record's fields are in the text. Member `m` of the record lies between delimiter
 * `m - 1` (or the opening brace) and delimiter `m`, the comma or closing brace after its value.
 * `cursor` is where the next member not yet indexed starts (-1 once all are): a lookup indexes
 * members in order until it meets the name it wants. `members` holds four slots per member:
 * name, value start, value end, and the value once read (UNREAD before). Records have a few dozen
 * fields at most, where a linear search beats a Map and allocates far less.
 */
class RecordState {
  /** Index in `delimiters` of the end of the member at `cursor`. */
  next: number;
  cursor: number;
  readonly members: unknown[] = [];

  constructor(
    readonly text: string,
    /** `text` holds UTF-8 bytes, one per character (see `parseRecordPageBytes`). */
    readonly utf8: boolean,
    readonly delimiters: number[],
    start: number,
    first: number,
  ) {
    this.next = first;
    const open = skipSpace(text, start + 1);
    this.cursor = text.charCodeAt(open) === CLOSE_BRACE ? -1 : open;
  }
}

const UNREAD = Symbol('unread');
/** Answered by a lazy record's proxy with its state (see `readLoose`). */
const STATE = Symbol('lazy record state');

function lazyRecord(
  text: string,
  start: number,
  delimiters: number[],
  first: number,
  utf8: boolean,
): object {
  // The state is the proxy's target. Its own fields are configurable, so the traps below may
  // answer for the record whatever they hold, and every trap that could show the target's own
  // fields or prototype is defined. A class instance, not `Object.create(null)`: V8 keeps an
  // object made without a prototype in dictionary mode, slower to make and to read from in
  // every trap.
  return new Proxy(new RecordState(text, utf8, delimiters, start, first), HANDLER);
}

/**
 * Indexes the next member and returns its slot; -1 when the record has no more. A repeated name
 * is indexed again but never found: lookups stop at its first slot. The value's text is checked
 * when it is parsed; here only that it is there and, for a string, that it is one string.
 */
function indexNext(s: RecordState): number {
  if (s.cursor < 0) return -1;
  const { text } = s;
  const stop = s.delimiters[s.next] as number;
  let i = skipSpace(text, s.cursor);
  const keyEnd = text.charCodeAt(i) === QUOTE ? stringEnd(text, i) : -1;
  if (keyEnd < 0 || keyEnd > stop) throw malformed();
  const key = stringValue(text, i, keyEnd, s.utf8);
  i = skipSpace(text, keyEnd);
  if (text.charCodeAt(i) !== COLON) throw malformed();
  const valueStart = skipSpace(text, i + 1);
  let valueStop = stop;
  while (valueStop > valueStart && isSpace(text.charCodeAt(valueStop - 1))) valueStop -= 1;
  if (valueStop <= valueStart) throw malformed();
  if (text.charCodeAt(valueStart) === QUOTE && stringEnd(text, valueStart) !== valueStop)
    throw malformed();
  const slot = s.members.length;
  s.members.push(key, valueStart, valueStop, UNREAD);
  s.cursor = text.charCodeAt(stop) === COMMA ? stop + 1 : -1;
  s.next += 1;
  return slot;
}

/** A JSON string's value; without escapes it is the text between the quotes. */
function stringValue(text: string, start: number, end: number, utf8: boolean): string {
  const inner = sliceText(text, start + 1, end - 1, utf8);
  return inner.includes('\\') ? (JSON.parse(`"${inner}"`) as string) : inner;
}

function find(s: RecordState, key: string): number {
  const { members } = s;
  for (let k = 0; k < members.length; k += 4) if (members[k] === key) return k;
  return -1;
}

/** The slot of `key` in `members`, indexing further as needed; -1 when the record lacks it. */
function slotOf(s: RecordState, key: string): number {
  const k = find(s, key);
  if (k >= 0) return k;
  for (;;) {
    const next = indexNext(s);
    if (next < 0 || s.members[next] === key) return next;
  }
}

function read(s: RecordState, k: number): unknown {
  const { members } = s;
  const known = members[k + 3];
  if (known !== UNREAD) return known;
  const value = parseValue(s.text, members[k + 1] as number, members[k + 2] as number, s.utf8);
  members[k + 3] = value;
  return value;
}

/** A value's text parsed exactly; a string is read directly. */
function parseValue(text: string, start: number, end: number, utf8: boolean): unknown {
  return text.charCodeAt(start) === QUOTE
    ? stringValue(text, start, end, utf8)
    : parseExactJson(sliceText(text, start, end, utf8));
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
  const k = slotOf(s, key);
  if (k < 0) return undefined;
  const { members } = s;
  const known = members[k + 3];
  if (known !== UNREAD) return known;
  return JSON.parse(sliceText(s.text, members[k + 1] as number, members[k + 2] as number, s.utf8));
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
  for (let k = 0; k < s.members.length; k += 4) {
    const key = s.members[k] as string;
    if (seen.has(key)) continue;
    seen.add(key);
    (ARRAY_INDEX.test(key) && Number(key) < 2 ** 32 - 1 ? indices : names).push(key);
  }
  return indices.length > 0 ? [...indices.sort((a, b) => Number(a) - Number(b)), ...names] : names;
}

const ARRAY_INDEX = /^(?:0|[1-9]\d*)$/;

/** Names that are not the record's read as on any plain object (`toString`, `constructor`, …). */
const HANDLER: ProxyHandler<RecordState> = {
  get(s, key) {
    if (typeof key === 'string') {
      const k = slotOf(s, key);
      if (k >= 0) return read(s, k);
    } else if (key === STATE) return s;
    return (Object.prototype as Record<PropertyKey, unknown>)[key];
  },
  set(s, key, value) {
    if (typeof key !== 'string') return false;
    const k = slotOf(s, key);
    if (k >= 0) s.members[k + 3] = value;
    else s.members.push(key, -1, -1, value);
    return true;
  },
  has(s, key) {
    return (typeof key === 'string' && slotOf(s, key) >= 0) || key in Object.prototype;
  },
  ownKeys(s) {
    return keysOf(s);
  },
  getOwnPropertyDescriptor(s, key) {
    const k = typeof key === 'string' ? slotOf(s, key) : -1;
    if (k < 0) return undefined;
    return { value: read(s, k), writable: true, enumerable: true, configurable: true };
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
