/**
 * Finding where JSON values end in a body's bytes, without decoding them: the scan that
 * `lazy-record-page.ts` runs over a list page. JSON's structure is ASCII, which no byte of a
 * multi-byte UTF-8 sequence equals, so the bytes scan exactly as their decoded text does.
 */

export const QUOTE = 34;
export const COMMA = 44;
export const COLON = 58;
export const OPEN_BRACE = 123;
export const CLOSE_BRACE = 125;
export const OPEN_BRACKET = 91;
export const CLOSE_BRACKET = 93;
export const BACKSLASH = 92;

/**
 * The delimiters a page's scan finds, in order, before its table is made; shared, as scanning
 * never re-enters itself.
 */
let found = new Int32Array(4096);
let foundCount = 0;

/** Forgets the delimiters found so far, before a page's records are scanned. */
export function resetDelimiters(): void {
  foundCount = 0;
}

/** How many delimiters have been found since the last reset. */
export function delimiterCount(): number {
  return foundCount;
}

/** The position of the `n`th delimiter found. */
export function delimiterAt(n: number): number {
  return found[n] as number;
}

function addDelimiter(position: number): void {
  if (foundCount === found.length) {
    const larger = new Int32Array(found.length * 2);
    larger.set(found);
    found = larger;
  }
  found[foundCount] = position;
  foundCount += 1;
}

export function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

export function skipSpace(b: Uint8Array, i: number): number {
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
export function stringEnd(b: Uint8Array, w: DataView, start: number): number {
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
export function valueEnd(b: Uint8Array, w: DataView, i: number): number {
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
export function compositeEnd(b: Uint8Array, w: DataView, i: number, record: boolean): number {
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
