import { stringEnd } from './json-string.js';

/**
 * JSON parsing for upstreams that send amounts as JSON numbers (Codat, Qard). Numbers with a
 * fraction or exponent, and integers too long for a double, become their decimal text, so
 * `12.10` reaches the client as `"12.10"` and never passes through a float; short integers (page
 * counts, quantities) stay numbers.
 *
 * Why not a JSON parser written in JS (lossless-json): on a 250-order Codat page (~540 KB) it
 * took ~70 ms against ~3 ms for JSON.parse. Instead one pass quotes those number tokens in the
 * text (skipping strings with indexOf) and JSON.parse does the rest: same result (checked
 * against lossless-json by a property test), a few ms per page.
 */
export function parseExactJson(text: string): unknown {
  if (text.length === 0) return null;
  return JSON.parse(quoteInexactNumbers(text));
}

const QUOTE = 34;
const MINUS = 45;
const ZERO = 48;
const NINE = 57;
/** Longest integer that always fits a double exactly (15 digits). */
const MAX_EXACT_DIGITS = 15;

/** `{"a":12.10,"b":"x1.5"}` → `{"a":"12.10","b":"x1.5"}`. Malformed text is left for JSON.parse to reject. */
export function quoteInexactNumbers(text: string): string {
  const n = text.length;
  let out = '';
  let last = 0;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      if (end < 0) return text;
      i = end;
    } else if (c === MINUS || (c >= ZERO && c <= NINE)) {
      let end = i + 1;
      let inexact = false;
      for (; end < n; end += 1) {
        const d = text.charCodeAt(end);
        if (d >= ZERO && d <= NINE) continue;
        // '.', 'e', 'E', '+', '-': a fraction or an exponent.
        if (d === 46 || d === 101 || d === 69 || d === 43 || d === MINUS) inexact = true;
        else break;
      }
      const digits = end - i - (c === MINUS ? 1 : 0);
      if (inexact || digits > MAX_EXACT_DIGITS) {
        out += `${text.slice(last, i)}"${text.slice(i, end)}"`;
        last = end;
      }
      i = end;
    } else {
      i += 1;
    }
  }
  return last === 0 ? text : out + text.slice(last);
}
