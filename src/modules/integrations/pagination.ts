import {
  checkPageSize as checkSize,
  DEFAULT_PAGE_SIZE,
  type RelayPage,
} from '../base/relay-page.js';
import type { CursorCodec } from '../base/cursor-codec.js';

/**
 * Relay paging over a list the upstream returns whole (Dispatch lists are not paged). A cursor
 * holds the item's key and its index: paging continues after the same item even when items were
 * added before it, and after the index when that item has since disappeared.
 */

export interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

export type Page<T> = RelayPage<T>;

interface Position {
  k: string;
  i: number;
}

/** Fails fast on bad sizes, before any upstream call. */
export function checkPageArgs(args: PageArgs): void {
  checkSize(args.first, 'first');
  checkSize(args.last, 'last');
}

export function paginate<T>(
  items: readonly T[],
  args: PageArgs,
  options: { scope: string; keyOf: (item: T) => string; cursors: CursorCodec },
): Page<T> {
  const first = checkSize(args.first, 'first');
  const last = checkSize(args.last, 'last');
  const { scope, keyOf, cursors } = options;
  const locate = (
    cursor: string,
    argument: 'after' | 'before',
  ): { index: number; found: boolean } => {
    const position = cursors.decode<Position>(scope, cursor, argument);
    const index = items.findIndex((item) => keyOf(item) === position.k);
    return index >= 0
      ? { index, found: true }
      : { index: Math.min(Math.max(position.i, 0), items.length), found: false };
  };

  let start = 0;
  let end = items.length;
  if (args.after) {
    const at = locate(args.after, 'after');
    start = at.found ? at.index + 1 : at.index;
  }
  if (args.before) end = Math.max(start, locate(args.before, 'before').index);
  if (first !== undefined) end = Math.min(end, start + first);
  else if (last !== undefined) start = Math.max(start, end - last);
  else end = Math.min(end, start + DEFAULT_PAGE_SIZE);

  const edges = items
    .slice(start, end)
    .map((node, offset) =>
      cursors.edge(scope, { k: keyOf(node), i: start + offset } satisfies Position, node),
    );
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: {
      hasNextPage: end < items.length,
      hasPreviousPage: start > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
    totalCount: items.length,
  };
}
