import type { SourcePage, SourcePosition } from './sources/source.js';

/**
 * Newest-first merge of several sorted streams (one per link) into one Relay page, with a
 * position that resumes every stream exactly where the page ended.
 *
 * A stream's state is `[position of the page holding its next record, records of that page
 * already taken]`, or `0` when the stream is exhausted. Because each adapter pages
 * deterministically, re-reading that page and skipping the taken records continues with no
 * repeat and no skip, whatever page sizes the upstreams use.
 */

/** One sorted stream: a link's dataset. */
export interface MergeStream<T> {
  /** Stable key (the link id) under which the stream's state is stored in the cursor. */
  key: string;
  /** `sizeHint` sizes the first page when `position` is null (see PageRequest.sizeHint). */
  fetch(position: SourcePosition, sizeHint: number): Promise<SourcePage<T>>;
}

/**
 * `[position, taken]`, or `[null, taken, sizeHint]` for a stream still on its first page: that
 * page's size came from the hint, so resuming must ask with the same hint to see the same page.
 */
export type StreamState = readonly [SourcePosition, number] | readonly [null, number, number] | 0;

/** Per stream key. Streams absent from a position start from their newest record. */
export type MergePosition = Readonly<Record<string, StreamState>>;

export interface MergedItem<T> {
  record: T;
  /** Where a page starting right after this record begins. */
  after: MergePosition;
}

export interface StreamFailure {
  key: string;
  error: unknown;
}

export interface MergedPage<T> {
  items: MergedItem<T>[];
  /** More records follow in the streams that answered. */
  hasNextPage: boolean;
  /** Streams that failed; their state in every `after` is left where this page found it. */
  failures: StreamFailure[];
  /** Sum of the totals of the streams that answered, when every one of them reported one. */
  totalCount: number | null;
}

interface Cursor<T> {
  key: string;
  index: number;
  at: SourcePosition;
  /** Size hint the page at `at` was read with (matters only while `at` is null). */
  hint: number;
  records: T[];
  taken: number;
  next: SourcePosition;
  /** No record left to take. */
  done: boolean;
  failed: boolean;
  total: number | undefined;
}

export async function mergeNewestFirst<T extends { sortTime: number }>(
  streams: readonly MergeStream<T>[],
  start: MergePosition | undefined,
  first: number,
): Promise<MergedPage<T>> {
  const failures: StreamFailure[] = [];
  const cursors: Cursor<T>[] = streams.map((s, index) => {
    const state = start?.[s.key];
    return {
      key: s.key,
      index,
      at: state === 0 || state === undefined ? null : state[0],
      hint: state !== 0 && state !== undefined && state.length === 3 ? state[2] : first,
      records: [],
      taken: state === 0 || state === undefined ? 0 : state[1],
      next: null,
      done: state === 0,
      failed: false,
      total: undefined,
    };
  });

  const load = async (c: Cursor<T>): Promise<void> => {
    try {
      const page = await streams[c.index]!.fetch(c.at, c.hint);
      c.records = page.records;
      c.next = page.next;
      if (page.totalCount !== undefined) c.total = page.totalCount;
    } catch (error) {
      c.failed = true;
      failures.push({ key: c.key, error });
    }
  };

  // Every live stream needs a record in hand before the newest can be picked. Streams whose page
  // ran out load their next page, all in parallel; repeated because pages may be empty.
  const refill = async (initial: boolean): Promise<void> => {
    for (;;) {
      const pending = cursors.filter(
        (c) => !c.done && !c.failed && (initial || c.taken >= c.records.length),
      );
      if (pending.length === 0) return;
      if (!initial) {
        for (const c of pending) {
          if (c.next === null) c.done = true;
          else {
            c.at = c.next;
            c.taken = 0;
          }
        }
      }
      const loading = pending.filter((c) => !c.done);
      await Promise.all(loading.map(load));
      initial = false;
    }
  };

  await refill(true);
  const items: MergedItem<T>[] = [];
  while (items.length < first) {
    let best: Cursor<T> | undefined;
    for (const c of cursors) {
      if (c.done || c.failed || c.taken >= c.records.length) continue;
      if (!best || c.records[c.taken]!.sortTime > best.records[best.taken]!.sortTime) best = c;
    }
    if (!best) break;
    const record = best.records[best.taken]!;
    best.taken += 1;
    items.push({ record, after: snapshot(cursors) });
    // A page that ran out is only followed when more records are still wanted.
    if (best.taken >= best.records.length && items.length < first) await refill(false);
  }
  return {
    items,
    hasNextPage: cursors.some(
      (c) => !c.done && !c.failed && (c.taken < c.records.length || c.next !== null),
    ),
    failures,
    totalCount: cursors.every((c) => c.failed || c.total !== undefined)
      ? cursors.reduce((n, c) => n + (c.failed ? 0 : (c.total ?? 0)), 0)
      : null,
  };
}

function snapshot<T>(cursors: readonly Cursor<T>[]): MergePosition {
  const position: Record<string, StreamState> = {};
  for (const c of cursors) {
    // A failed stream keeps the position it failed to read, so the next page tries it again.
    if (c.failed || (!c.done && c.taken < c.records.length))
      position[c.key] = c.at === null ? [null, c.taken, c.hint] : [c.at, c.taken];
    else if (c.done) position[c.key] = 0;
    else position[c.key] = c.next === null ? 0 : [c.next, 0];
  }
  return position;
}
