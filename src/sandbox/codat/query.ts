import { JsonNumber } from '../commerce-data/exact-json.js';

/**
 * Codat's `query` filter language, as documented: `field<op>value` with `=`, `!=`, `>`, `<`,
 * `>=`, `<=`, `~` (contains), joined by `&&` and `||` (`&&` binds tighter) and grouped with
 * `{ }`. Fields are top-level record properties, or dotted paths into nested objects
 * (`customerRef.id`). Values may be wrapped in double quotes (`\"` escapes a quote inside).
 *
 * Comparison rules (the docs are silent; see docs/sandbox.md): numbers compare as exact decimals,
 * ISO dates as instants (a time without a zone is UTC), booleans and strings case-insensitively.
 */

export type Op = '=' | '!=' | '>' | '<' | '>=' | '<=' | '~';

export type QueryNode =
  | { kind: 'cmp'; field: string; op: Op; value: string }
  | { kind: 'and' | 'or'; items: QueryNode[] };

export class QueryError extends Error {}

const OPS: Op[] = ['!=', '>=', '<=', '=', '>', '<', '~'];

export function parseQuery(text: string): QueryNode {
  let pos = 0;
  const src = text.trim();
  if (!src) throw new QueryError('Error parsing query - Malformed query.');

  const skipSpaces = () => {
    while (src[pos] === ' ') pos++;
  };

  const parseOr = (): QueryNode => {
    const items = [parseAnd()];
    skipSpaces();
    while (src.startsWith('||', pos)) {
      pos += 2;
      items.push(parseAnd());
      skipSpaces();
    }
    return items.length === 1 ? items[0]! : { kind: 'or', items };
  };

  const parseAnd = (): QueryNode => {
    const items = [parsePrimary()];
    skipSpaces();
    while (src.startsWith('&&', pos)) {
      pos += 2;
      items.push(parsePrimary());
      skipSpaces();
    }
    return items.length === 1 ? items[0]! : { kind: 'and', items };
  };

  const parsePrimary = (): QueryNode => {
    skipSpaces();
    if (src[pos] === '{') {
      pos++;
      const inner = parseOr();
      skipSpaces();
      if (src[pos] !== '}') throw new QueryError('Error parsing query - Malformed query.');
      pos++;
      return inner;
    }
    const field = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(src.slice(pos))?.[0];
    if (!field) throw new QueryError('Error parsing query - Malformed query.');
    pos += field.length;
    skipSpaces();
    const op = OPS.find((o) => src.startsWith(o, pos));
    if (!op) throw new QueryError('Error parsing query - Malformed query.');
    pos += op.length;
    skipSpaces();
    let value: string;
    if (src[pos] === '"') {
      // A quoted value may contain operators and escaped quotes (`\"`).
      value = '';
      pos++;
      while (pos < src.length && src[pos] !== '"') {
        if (src[pos] === '\\' && pos + 1 < src.length) pos++;
        value += src[pos];
        pos++;
      }
      if (src[pos] !== '"') throw new QueryError('Error parsing query - Malformed query.');
      pos++;
    } else {
      const rest = src.slice(pos);
      const stop = rest.search(/&&|\|\||\}/);
      value = (stop < 0 ? rest : rest.slice(0, stop)).trim();
      pos += stop < 0 ? rest.length : stop;
      if (!value) throw new QueryError('Error parsing query - Malformed query.');
    }
    return { kind: 'cmp', field, op, value };
  };

  const node = parseOr();
  skipSpaces();
  if (pos !== src.length) throw new QueryError('Error parsing query - Malformed query.');
  return node;
}

/** Every field a query names, to reject properties the dataset does not have. */
/**
 * The ids of a pure `id=a||id=b…` query (how clients batch lookups), or undefined for any other
 * query. Lets the simulator answer batches with a set lookup instead of testing every record
 * against every id, so it is not the bottleneck when a gateway batches well.
 */
export function idsOnly(node: QueryNode): Set<string> | undefined {
  // Lower-cased: `=` compares strings case-insensitively, as `matches` does.
  if (node.kind === 'cmp')
    return node.field === 'id' && node.op === '=' ? new Set([node.value.toLowerCase()]) : undefined;
  if (node.kind !== 'or') return undefined;
  const ids = new Set<string>();
  for (const item of node.items) {
    const inner = idsOnly(item);
    if (!inner) return undefined;
    for (const id of inner) ids.add(id);
  }
  return ids;
}

export function queryFields(node: QueryNode): string[] {
  return node.kind === 'cmp' ? [node.field] : node.items.flatMap(queryFields);
}

export function valueAt(record: Record<string, unknown>, path: string): unknown {
  let current: unknown = record;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

export function matches(record: Record<string, unknown>, node: QueryNode): boolean {
  if (node.kind !== 'cmp') {
    return node.kind === 'and'
      ? node.items.every((n) => matches(record, n))
      : node.items.some((n) => matches(record, n));
  }
  const actual = valueAt(record, node.field);
  if (actual === undefined || actual === null) {
    const isNullLiteral = node.value.toLowerCase() === 'null';
    if (node.op === '=') return isNullLiteral;
    if (node.op === '!=') return !isNullLiteral;
    return false;
  }
  if (node.op === '~')
    return String(actual instanceof JsonNumber ? actual.text : actual)
      .toLowerCase()
      .includes(node.value.toLowerCase());
  const order = compareValues(actual, node.value);
  if (order === undefined) return node.op === '!=';
  switch (node.op) {
    case '=':
      return order === 0;
    case '!=':
      return order !== 0;
    case '>':
      return order > 0;
    case '<':
      return order < 0;
    case '>=':
      return order >= 0;
    case '<=':
      return order <= 0;
  }
}

const DECIMAL = /^-?\d+(\.\d+)?$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** Milliseconds of an ISO 8601 date; a date-time without a zone is read as UTC. */
export function instantOf(text: string): number | undefined {
  if (!ISO_DATE.test(text)) return undefined;
  const zoned = /T/.test(text) && !/(Z|[+-]\d{2}:?\d{2})$/.test(text) ? `${text}Z` : text;
  const ms = Date.parse(zoned);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Sign of actual - expected; undefined when the two cannot be compared. */
export function compareValues(actual: unknown, expected: string): number | undefined {
  if (actual instanceof JsonNumber || typeof actual === 'number') {
    if (!DECIMAL.test(expected)) return undefined;
    return compareDecimals(actual instanceof JsonNumber ? actual.text : String(actual), expected);
  }
  if (typeof actual === 'boolean') {
    const e = expected.toLowerCase();
    if (e !== 'true' && e !== 'false') return undefined;
    return String(actual) === e ? 0 : actual ? 1 : -1;
  }
  if (typeof actual === 'string') {
    const a = instantOf(actual);
    const e = a === undefined ? undefined : instantOf(expected);
    if (a !== undefined && e !== undefined) return Math.sign(a - e);
    const x = actual.toLowerCase();
    const y = expected.toLowerCase();
    return x === y ? 0 : x < y ? -1 : 1;
  }
  return undefined;
}

/** Exact comparison of two decimal strings (no float rounding). */
export function compareDecimals(a: string, b: string): number {
  const scale = Math.max(fractionLength(a), fractionLength(b));
  const x = scaled(a, scale);
  const y = scaled(b, scale);
  return x === y ? 0 : x < y ? -1 : 1;
}

const fractionLength = (s: string) => (s.includes('.') ? s.length - s.indexOf('.') - 1 : 0);

function scaled(s: string, scale: number): bigint {
  const negative = s.startsWith('-');
  const [whole = '0', frac = ''] = (negative ? s.slice(1) : s).split('.');
  const v = BigInt(whole + frac.padEnd(scale, '0'));
  return negative ? -v : v;
}

/** Orders by a field (dates as instants, numbers exactly), ties broken by id in the same direction. */
export function sortRecords<T extends Record<string, unknown>>(
  records: readonly T[],
  field: string,
  descending: boolean,
): T[] {
  const keyed = records.map((r) => ({
    r,
    key: sortKey(valueAt(r, field)),
    id: String(r['id'] ?? ''),
  }));
  keyed.sort((p, q) => {
    let c = compareKeys(p.key, q.key);
    if (c === 0) c = p.id < q.id ? -1 : p.id > q.id ? 1 : 0;
    return descending ? -c : c;
  });
  return keyed.map((k) => k.r);
}

type SortKey =
  { t: 'missing' } | { t: 'num'; v: string } | { t: 'time'; v: number } | { t: 'text'; v: string };

function sortKey(value: unknown): SortKey {
  if (value === undefined || value === null) return { t: 'missing' };
  if (value instanceof JsonNumber) return { t: 'num', v: value.text };
  if (typeof value === 'number') return { t: 'num', v: String(value) };
  const text = String(value);
  const ms = instantOf(text);
  return ms === undefined ? { t: 'text', v: text } : { t: 'time', v: ms };
}

/** Missing values sort first (ascending). */
function compareKeys(a: SortKey, b: SortKey): number {
  if (a.t === 'missing' || b.t === 'missing') return a.t === b.t ? 0 : a.t === 'missing' ? -1 : 1;
  if (a.t === 'num' && b.t === 'num') return compareDecimals(a.v, b.v);
  if (a.t === 'time' && b.t === 'time') return Math.sign(a.v - b.v);
  const x = String(a.v);
  const y = String(b.v);
  return x < y ? -1 : x > y ? 1 : 0;
}
