import {
  BACKSLASH,
  CLOSE_BRACE,
  COLON,
  COMMA,
  isSpace,
  QUOTE,
  skipSpace,
  stringEnd,
} from './json-bytes.js';
import {
  decode,
  MEMBER,
  DELIMITER,
  NAME_START,
  NAME_END,
  VALUE_START,
  VALUE_END,
  parseValue,
  stringValue,
  type PageBytes,
} from './page-bytes.js';

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
  return page.bytes.toString('latin1', start, page.members[at + NAME_END] as number);
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

/** A lazily read record of page `page`: its JSON takes `span` bytes from `start`. */
export function lazyRecord(page: PageBytes, start: number, span: number, first: number): object {
  return new Proxy(new RecordState(page, start, span, first), HANDLER);
}
