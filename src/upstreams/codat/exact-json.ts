import { parse } from 'lossless-json';

/**
 * JSON parsing for upstreams that send amounts as JSON numbers (Codat, Qard). Integers that fit
 * a double stay numbers (page counts, quantities); every other number becomes its decimal text,
 * so `12.10` reaches the client as `"12.10"` and never passes through a float.
 */
export function parseExactJson(text: string): unknown {
  if (text.length === 0) return null;
  return parse(text, null, exactNumber);
}

const SAFE_INTEGER = /^-?\d{1,15}$/;

function exactNumber(text: string): number | string {
  return SAFE_INTEGER.test(text) ? Number(text) : text;
}
