import { pageRequest, relayPage, type PageArgs, type RelayPage } from '../base/relay-page.js';
import type { CursorCodec } from '../base/cursor-codec.js';

/**
 * Relay paging over a list the upstream returns whole (Dispatch lists are not paged). A cursor
 * holds the item's key and its index: paging continues after the same item even when items were
 * added before it, and after the index when that item has since disappeared.
 */

interface Position {
  k: string;
  i: number;
}

export function paginate<T>(
  items: readonly T[],
  args: PageArgs,
  options: { scope: string; keyOf: (item: T) => string; cursors: CursorCodec },
): RelayPage<T> {
  const { scope, keyOf, cursors } = options;
  const request = pageRequest<Position>(args, cursors, scope);
  const locate = (position: Position): { index: number; found: boolean } => {
    const index = items.findIndex((item) => keyOf(item) === position.k);
    return index >= 0
      ? { index, found: true }
      : { index: Math.min(Math.max(position.i, 0), items.length), found: false };
  };
  let start = 0;
  let end = items.length;
  if (request.after) {
    const at = locate(request.after);
    start = at.found ? at.index + 1 : at.index;
  }
  if (request.before) end = Math.max(start, locate(request.before).index);
  return relayPage(request, items.slice(start, end), {
    cursors,
    scope,
    positionOf: (node, index) => ({ k: keyOf(node), i: start + index }),
    totalCount: items.length,
  });
}
