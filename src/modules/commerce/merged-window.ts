import { badUserInput } from '../../errors.js';
import {
  mergeNewestFirst,
  type MergePosition,
  type MergeStream,
  type StreamFailure,
} from './merge.js';

/**
 * Relay windows (`first`/`after`, `last`/`before`) over the newest-first merge of several links.
 *
 * Upstreams page forwards only, so a cursor is the merge position right after its record plus
 * the record's ordinal in the list. Forward pages resume from the position. A backward page ends
 * at a known ordinal: the list is read forwards from `after` (or its start) up to that ordinal,
 * keeping the last `last` records. How far such a read may go is bounded (`maxScan`); a window
 * further back than that is refused with a message saying how to get there.
 */

/** What a commerce list cursor carries. */
export interface ListCursor {
  /** Merge position right after the record. */
  p: MergePosition;
  /** The record's ordinal in the list (0 = newest). */
  i: number;
}

export interface WindowRequest {
  after: ListCursor | undefined;
  before: ListCursor | undefined;
  /** Page size; `backward` takes the last records of the window instead of the first. */
  size: number;
  backward: boolean;
  /** Most records a backward page may read to find its window. */
  maxScan: number;
}

export interface WindowItem<T> {
  record: T;
  cursor: ListCursor;
}

export interface MergedWindow<T> {
  items: WindowItem<T>[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  failures: StreamFailure[];
  totalCount: number | null;
}

export async function mergedWindow<T extends { sortTime: number }>(
  streams: readonly MergeStream<T>[],
  request: WindowRequest,
): Promise<MergedWindow<T>> {
  const lo = request.after ? request.after.i + 1 : 0;
  const hi = request.before ? request.before.i : Number.POSITIVE_INFINITY;
  if (hi < lo) throw badUserInput('"before" must come after "after" in the list', 'before');
  if (!request.backward) {
    const wanted = Math.min(request.size, hi - lo);
    const page = await mergeNewestFirst(streams, request.after?.p, wanted);
    return {
      items: page.items.map((item, k) => ({
        record: item.record,
        cursor: { p: item.after, i: lo + k },
      })),
      hasNextPage: request.before !== undefined || page.hasNextPage,
      hasPreviousPage: lo > 0,
      failures: page.failures,
      totalCount: page.totalCount,
    };
  }
  if (hi !== Number.POSITIVE_INFINITY && hi - lo > request.maxScan + request.size)
    throw tooFarBack(request.maxScan);
  return walkBack(streams, request, lo, hi);
}

/**
 * Reads the list forwards from `after` to the window's end in one merge (each upstream page is
 * read once) and keeps the last `size` records.
 */
async function walkBack<T extends { sortTime: number }>(
  streams: readonly MergeStream<T>[],
  request: WindowRequest,
  lo: number,
  hi: number,
): Promise<MergedWindow<T>> {
  const bounded = hi !== Number.POSITIVE_INFINITY;
  const limit = request.maxScan + request.size;
  const page = await mergeNewestFirst(streams, request.after?.p, bounded ? hi - lo : limit + 1);
  // Without `before`, the window is the list's end: a list longer than the bound has its end
  // further than a backward page may read.
  if (!bounded && page.items.length > limit) throw tooFarBack(request.maxScan);
  const from = Math.max(0, page.items.length - request.size);
  return {
    items: page.items
      .slice(from)
      .map((item, k) => ({ record: item.record, cursor: { p: item.after, i: lo + from + k } })),
    hasNextPage: request.before !== undefined,
    hasPreviousPage: from > 0,
    failures: page.failures,
    totalCount: page.totalCount,
  };
}

function tooFarBack(maxScan: number) {
  return badUserInput(
    `A backward page may start at most ${maxScan} records after "after" (or the list's start): ` +
      'page forwards with first/after, or narrow the list with a filter',
    'last',
  );
}
