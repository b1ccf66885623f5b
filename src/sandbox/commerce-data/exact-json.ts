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

/** JSON text in which every `JsonNumber` is written verbatim as a number literal. */
export function toExactJson(value: unknown): string {
  const parts: string[] = [];
  write(value, parts);
  return parts.join('');
}

function write(value: unknown, out: string[]): void {
  if (value instanceof JsonNumber) {
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
