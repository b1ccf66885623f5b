import { badUserInput } from '../../errors.js';

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
