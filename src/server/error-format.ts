import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { ErrorCode, GatewayError } from '../errors.js';

/** Apollo's own codes for a malformed request: all the caller's to fix, so BAD_USER_INPUT. */
const REQUEST_ERROR_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
]);

/** Apollo's persisted-query codes pass as they are: Apollo's clients retry or stop on them. */
const PERSISTED_QUERY_CODES = new Set<string>([
  ErrorCode.PERSISTED_QUERY_NOT_FOUND,
  ErrorCode.PERSISTED_QUERY_NOT_SUPPORTED,
]);

export type ErrorFormatter = ReturnType<typeof createErrorFormatter>;

/** Formats errors reported with `ctx.reportPartialError`, each at its own path. */
export function formatPartialErrors(
  formatError: ErrorFormatter,
  reported: ReadonlyArray<{ error: GatewayError; path: ReadonlyArray<string | number> }>,
): GraphQLFormattedError[] {
  return reported.map(({ error, path }) => ({ ...formatError(error.toJSON(), error), path }));
}

/**
 * The last word on what an error shows a client. GatewayErrors pass as built (they hold only
 * client-safe fields); request errors keep their message under BAD_USER_INPUT; anything else
 * is an unexpected failure whose details stay in the log, keyed by the request id.
 */
export function createErrorFormatter(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    // A limit refused during validation arrives wrapped in Apollo's ValidationError.
    const unwrapped = unwrapResolverError(error);
    const original =
      !(unwrapped instanceof GatewayError) &&
      unwrapped instanceof GraphQLError &&
      unwrapped.originalError instanceof GatewayError
        ? unwrapped.originalError
        : unwrapped;
    const base = {
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      ...(formatted.path ? { path: formatted.path } : {}),
    };
    if (original instanceof GatewayError) {
      const {
        stacktrace: _stacktrace,
        http: _http,
        ...extensions
      } = original === unwrapped ? (formatted.extensions ?? {}) : original.extensions;
      return { message: formatted.message, ...base, extensions };
    }
    const code = formatted.extensions?.['code'];
    if (typeof code === 'string' && PERSISTED_QUERY_CODES.has(code)) {
      return { message: formatted.message, ...base, extensions: { code } };
    }
    if (
      typeof code === 'string' &&
      (REQUEST_ERROR_CODES.has(code) || code === ErrorCode.BAD_USER_INPUT)
    ) {
      return {
        message: formatted.message,
        ...base,
        extensions: { code: ErrorCode.BAD_USER_INPUT },
      };
    }
    logger.error({ err: original }, 'unexpected error in a resolver');
    return {
      message: 'Internal server error',
      ...base,
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    };
  };
}
