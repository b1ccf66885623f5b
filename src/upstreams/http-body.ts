/** How upstream requests and answers are written and read: query strings, headers, bodies. */

export type QueryValue = string | number | boolean | undefined | null | readonly string[];

export function queryString(query: Record<string, QueryValue> | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null) continue;
    if (Array.isArray(v)) for (const item of v) params.append(k, item);
    else params.append(k, String(v));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

export function flattenHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

export function parseBody(
  text: string,
  headers: Record<string, string>,
  parse?: (text: string) => unknown,
): unknown {
  if (text === '') return undefined;
  const type = headers['content-type'] ?? '';
  if (!type.includes('json')) return text;
  try {
    return parse ? parse(text) : JSON.parse(text);
  } catch {
    // A body that claims JSON but is not is kept as text for diagnostics; callers validate shapes.
    return text;
  }
}

export function parseBodyBytes(
  body: Uint8Array,
  headers: Record<string, string>,
  parse: (body: Uint8Array) => unknown,
): unknown {
  if (body.length === 0) return undefined;
  if ((headers['content-type'] ?? '').includes('json')) {
    try {
      return parse(body);
    } catch {
      // As parseBody: kept as text below.
    }
  }
  return new TextDecoder().decode(body);
}

/** Retry-After is either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}
