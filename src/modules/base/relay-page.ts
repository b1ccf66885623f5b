import { badUserInput } from '../../errors.js';
import type { CursorCodec } from './cursor-codec.js';

/** Relay page sizes shared by every list: 20 unless asked, never more than 250 (as Shopify). */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 250;

/** A page of a Relay connection as the connection types' resolvers read it. */
export interface RelayPage<T> {
  edges: Array<{ cursor: string; node: T }>;
  nodes: T[];
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
  totalCount: number;
}

/** `first`/`last` as given, or undefined when absent; anything outside 0–250 is BAD_USER_INPUT. */
export function checkPageSize(
  value: number | null | undefined,
  argument: 'first' | 'last',
): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 0 || value > MAX_PAGE_SIZE) {
    throw badUserInput(`"${argument}" must be between 0 and ${MAX_PAGE_SIZE}`, argument);
  }
  return value;
}

/** The Relay arguments of a list field. */
export interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

/** What a list's arguments ask for, checked and with their cursors' positions decoded. */
export interface PageRequest<P> {
  /** Paging from the end (`last`), else from the start (`first`, or the default size). */
  backward: boolean;
  size: number;
  after: P | undefined;
  before: P | undefined;
}

/** Sizes within 0–250 and not both `first` and `last`, else BAD_USER_INPUT. */
export function checkPageArgs(args: PageArgs): { first?: number; last?: number } {
  const first = checkPageSize(args.first, 'first');
  const last = checkPageSize(args.last, 'last');
  if (first !== undefined && last !== undefined)
    throw badUserInput('Use either "first" or "last", not both', 'last');
  return { first, last };
}

/**
 * Checks a list's arguments before anything is read: sizes within 0–250, not both `first` and
 * `last`, cursors signed for this list (`scope`). Throws BAD_USER_INPUT otherwise.
 */
export function pageRequest<P>(
  args: PageArgs,
  cursors: CursorCodec,
  scope: string,
): PageRequest<P> {
  const { first, last } = checkPageArgs(args);
  const backward = last !== undefined;
  return {
    backward,
    size: (backward ? last : first) ?? DEFAULT_PAGE_SIZE,
    after: args.after ? cursors.decode<P>(scope, args.after, 'after') : undefined,
    before: args.before ? cursors.decode<P>(scope, args.before, 'before') : undefined,
  };
}

/**
 * The page of `rows`: the list's items between the request's cursors, in list order (a store
 * may stop one past the page's size: the extra item only says there are more). The page takes
 * `size` from the start, or from the end when paging backward. Each edge's cursor is signed
 * from `positionOf` (the item and its index in `rows`) when first read.
 */
export function relayPage<T, P>(
  request: PageRequest<P>,
  rows: readonly T[],
  options: {
    cursors: CursorCodec;
    scope: string;
    positionOf: (node: T, index: number) => P;
    totalCount: number;
  },
): RelayPage<T> {
  const { backward, size } = request;
  const more = rows.length > size;
  const from = backward ? Math.max(0, rows.length - size) : 0;
  const page = rows.slice(from, from + size);
  const edges = page.map((node, offset) =>
    options.cursors.edge(options.scope, options.positionOf(node, from + offset), node),
  );
  return {
    edges,
    nodes: page,
    pageInfo: {
      hasNextPage: backward ? request.before !== undefined : more,
      hasPreviousPage: backward ? more : request.after !== undefined,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount: options.totalCount,
  };
}
