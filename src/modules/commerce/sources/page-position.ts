import type { PageRequest } from './source.js';

/**
 * The position of an upstream list paged by number (Codat `page`/`pageSize`, Qard and SHOPLINE
 * `page`/`per_page`): the page to read and the page size. The size is chosen once, from the
 * caller's size hint, and kept in every later position: a page number means the same records
 * only at the same size.
 */
export interface NumberedPage {
  /** Page number, from 1. */
  p: number;
  /** Page size. */
  s: number;
  // Lets the position be stored as a SourcePosition (a record of scalars).
  [key: string]: number;
}

/** The page a request names, or the first page sized from its hint within `maxPageSize`. */
export function numberedPage(request: PageRequest, maxPageSize: number): NumberedPage {
  return (
    (request.position as NumberedPage | null) ?? {
      p: 1,
      s: Math.min(Math.max(1, request.sizeHint), maxPageSize),
    }
  );
}

/** The page after `position` when there is one, else null (the SourcePage's `next`). */
export function nextNumberedPage(position: NumberedPage, more: boolean): NumberedPage | null {
  return more ? { p: position.p + 1, s: position.s } : null;
}
