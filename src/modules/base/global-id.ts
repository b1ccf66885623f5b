import { badUserInput } from '../../errors.js';

/**
 * Global ids follow Shopify's shape: `gid://commerce-graph/<Type>/<local id>`. Clients treat them
 * as opaque; the gateway reads the type to route `Query.node` and the local id to find the record.
 */
const PREFIX = 'gid://commerce-graph/';

export function toGlobalId(type: string, localId: string): string {
  return `${PREFIX}${type}/${encodeURIComponent(localId)}`;
}

export interface ParsedGlobalId {
  type: string;
  localId: string;
}

export function parseGlobalId(id: string, expectedType?: string): ParsedGlobalId {
  const parsed = tryParseGlobalId(id);
  if (!parsed) throw badUserInput(`"${truncate(id)}" is not a valid id`, 'id');
  if (expectedType && parsed.type !== expectedType) {
    throw badUserInput(
      `Expected the id of a ${expectedType}, got the id of a ${parsed.type}`,
      'id',
    );
  }
  return parsed;
}

export function tryParseGlobalId(id: string): ParsedGlobalId | undefined {
  if (!id.startsWith(PREFIX)) return undefined;
  const rest = id.slice(PREFIX.length);
  const slash = rest.indexOf('/');
  if (slash <= 0 || slash === rest.length - 1) return undefined;
  try {
    return { type: rest.slice(0, slash), localId: decodeURIComponent(rest.slice(slash + 1)) };
  } catch {
    return undefined;
  }
}

const truncate = (s: string) => (s.length > 80 ? `${s.slice(0, 77)}...` : s);
