const BACKSLASH = 92;

/**
 * The index after the JSON string whose opening quote is at `start`, or -1 when it never closes.
 * A quote ends the string unless an odd run of backslashes precedes it; the search between
 * quotes is `indexOf`, so long strings cost little.
 */
export function stringEnd(text: string, start: number): number {
  let end = start + 1;
  for (;;) {
    end = text.indexOf('"', end);
    if (end < 0) return -1;
    let backslashes = 0;
    for (let k = end - 1; text.charCodeAt(k) === BACKSLASH; k -= 1) backslashes += 1;
    if (backslashes % 2 === 0) return end + 1;
    end += 1;
  }
}
