/**
 * Upstream amounts are JSON numbers with up to four decimals. `JSON.stringify` can only write a
 * JS number, which would turn `9007199254740993.01` into `9007199254740992`, so simulators keep
 * every amount as its decimal text and serialise with `toExactJson`.
 */
export class JsonNumber {
  constructor(readonly text: string) {
    if (!/^-?\d+(\.\d+)?$/.test(text)) throw new Error(`not a decimal number: ${text}`);
  }

  /** Plain `JSON.stringify` (tests, logs) sees the text, never a rounded float. */
  toJSON(): string {
    return this.text;
  }
}

export const jsonNumber = (text: string): JsonNumber => new JsonNumber(text);

/**
 * JSON text that `toExactJson` writes verbatim, so a list reply can embed records serialised
 * once instead of walking every record on every request.
 */
export class RawJson {
  constructor(readonly text: string) {}
}

/**
 * Freezes a value and everything reachable from it. Seeded records never change once generated;
 * freezing makes that a guarantee, which is what lets `serialisedOnce` keep their JSON forever.
 */
export function deepFreeze<T>(value: T): T {
  // A frozen value was frozen here, through and through: skipping it spares shared sub-objects.
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}

/**
 * `serialise(record)` computed once per record and kept for as long as the record lives. Only
 * frozen records are accepted: a record that could still change would be served stale.
 */
export function serialisedOnce(serialise: (record: object) => string): (record: object) => RawJson {
  const cache = new WeakMap<object, RawJson>();
  return (record) => {
    let json = cache.get(record);
    if (!json) {
      if (!Object.isFrozen(record)) throw new Error('only frozen records can be serialised once');
      json = new RawJson(serialise(record));
      cache.set(record, json);
    }
    return json;
  };
}

/** JSON text in which every `JsonNumber` is written verbatim as a number literal. */
export function toExactJson(value: unknown): string {
  const parts: string[] = [];
  write(value, parts);
  return parts.join('');
}

function write(value: unknown, out: string[]): void {
  if (value instanceof JsonNumber || value instanceof RawJson) {
    out.push(value.text);
  } else if (Array.isArray(value)) {
    out.push('[');
    value.forEach((item, i) => {
      if (i > 0) out.push(',');
      write(item === undefined ? null : item, out);
    });
    out.push(']');
  } else if (value !== null && typeof value === 'object') {
    out.push('{');
    let first = true;
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined) continue;
      if (!first) out.push(',');
      first = false;
      out.push(JSON.stringify(key), ':');
      write(item, out);
    }
    out.push('}');
  } else {
    out.push(JSON.stringify(value) ?? 'null');
  }
}
