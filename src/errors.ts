import { GraphQLError } from 'graphql';

/**
 * The one set of top-level error codes a client can switch on (`extensions.code`).
 * Expected failures of a mutation are `userErrors` in its payload instead; these are for
 * everything a client cannot fix by changing its input, plus malformed requests.
 */
export enum ErrorCode {
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  NOT_FOUND = 'NOT_FOUND',
  CONFLICT = 'CONFLICT',
  RATE_LIMITED = 'RATE_LIMITED',
  UPSTREAM_UNAVAILABLE = 'UPSTREAM_UNAVAILABLE',
  UPSTREAM_TIMEOUT = 'UPSTREAM_TIMEOUT',
  UPSTREAM_ERROR = 'UPSTREAM_ERROR',
  DATA_NOT_READY = 'DATA_NOT_READY',
  /** The gateway is running all the operations it can; retry after `retryAfter` seconds. */
  OVERLOADED = 'OVERLOADED',
  /**
   * Apollo's codes for persisted documents, which its clients act on: the id is unknown (send the
   * document's text, or use one in the gateway's manifest), or the gateway keeps none.
   */
  PERSISTED_QUERY_NOT_FOUND = 'PERSISTED_QUERY_NOT_FOUND',
  PERSISTED_QUERY_NOT_SUPPORTED = 'PERSISTED_QUERY_NOT_SUPPORTED',
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
}

export interface GatewayErrorDetails {
  /** Which upstream failed, when one did. */
  upstream?: string;
  /** The upstream's own request/correlation id, so support can find the call on their side. */
  correlationId?: string;
  /** Seconds after which a retry may succeed (RATE_LIMITED, some UPSTREAM_UNAVAILABLE). */
  retryAfter?: number;
  /** Extra, client-safe facts (e.g. the sync status for DATA_NOT_READY). Never upstream bodies. */
  extra?: Record<string, unknown>;
  cause?: unknown;
}

/**
 * Base class of every error this gateway means to show a client. Anything else thrown inside a
 * resolver is reported as INTERNAL_SERVER_ERROR with a generic message (see server/error-format.ts),
 * so an upstream body or a stack trace can only reach a client by being put here on purpose.
 */
export class GatewayError extends GraphQLError {
  readonly code: ErrorCode;
  readonly details: GatewayErrorDetails;

  constructor(code: ErrorCode, message: string, details: GatewayErrorDetails = {}) {
    const extensions: Record<string, unknown> = { code };
    if (details.upstream !== undefined) extensions['upstream'] = details.upstream;
    if (details.correlationId !== undefined) extensions['correlationId'] = details.correlationId;
    if (details.retryAfter !== undefined) extensions['retryAfter'] = details.retryAfter;
    if (details.extra) Object.assign(extensions, details.extra);
    super(message, { extensions, originalError: toError(details.cause) });
    this.name = 'GatewayError';
    this.code = code;
    this.details = details;
  }
}

function toError(cause: unknown): Error | undefined {
  if (cause === undefined) return undefined;
  return cause instanceof Error ? cause : new Error(String(cause));
}

export const unauthenticated = (
  message = 'Authentication required: send an x-api-key header or an Authorization: Bearer token',
) => new GatewayError(ErrorCode.UNAUTHENTICATED, message);

export const forbidden = (message: string) => new GatewayError(ErrorCode.FORBIDDEN, message);

export const badUserInput = (message: string, field?: string) =>
  new GatewayError(ErrorCode.BAD_USER_INPUT, message, field ? { extra: { field } } : {});

export const notFound = (message: string) => new GatewayError(ErrorCode.NOT_FOUND, message);
