import { ErrorCode, GatewayError } from '../../errors.js';
import { UpstreamHttpError } from '../upstream-http-error.js';
import {
  DOCUMENTED_ERROR_CODES,
  errorEnvelopeSchema,
  type DispatchDocumentedErrorCode,
} from './types.js';

/**
 * One of Dispatch's documented failures (NOT_FOUND, CONFIGURATION_ERROR, CONFLICT): an expected
 * outcome the caller decides how to show (a mutation turns it into a userError). `message` is
 * Dispatch's human-readable text, trimmed; it never holds request bodies.
 */
export class DispatchRejection extends Error {
  override name = 'DispatchRejection';

  constructor(
    readonly code: DispatchDocumentedErrorCode,
    readonly upstreamMessage: string,
    readonly operation: string,
  ) {
    super(`dispatch ${operation} rejected the request: ${code}`);
  }

  /** For reads, where there is no payload to carry a userError. */
  toGatewayError(): GatewayError {
    const code =
      this.code === 'NOT_FOUND'
        ? ErrorCode.NOT_FOUND
        : this.code === 'CONFLICT'
          ? ErrorCode.CONFLICT
          : ErrorCode.BAD_USER_INPUT;
    return new GatewayError(code, `Dispatch: ${this.upstreamMessage}`, {
      upstream: 'dispatch',
      cause: this,
    });
  }
}

/** How the bearer token of a call was chosen; decides what a 401 from Dispatch means. */
export type DispatchTokenSource = 'caller' | 'workspace' | 'deployment';

const MAX_MESSAGE = 200;

function documentedRejection(body: unknown, operation: string): DispatchRejection | undefined {
  const parsed = errorEnvelopeSchema.safeParse(body);
  if (!parsed.success) return undefined;
  const code = parsed.data.error?.code;
  if (!code || !(DOCUMENTED_ERROR_CODES as readonly string[]).includes(code)) return undefined;
  const message = (parsed.data.error?.message ?? code).slice(0, MAX_MESSAGE);
  return new DispatchRejection(code as DispatchDocumentedErrorCode, message, operation);
}

/**
 * Maps a failed call: documented error bodies become DispatchRejection whatever the status;
 * a refused bearer token is the caller's problem only when it was the caller's own token; every
 * other failure is the shared status mapping, without Dispatch's body.
 */
export function mapDispatchFailure(
  error: unknown,
  operation: string,
  tokenSource: DispatchTokenSource,
): Error {
  if (!(error instanceof UpstreamHttpError)) return error as Error;
  const rejection = documentedRejection(error.body, operation);
  if (rejection) return rejection;
  if (error.status === 401 || error.status === 403) {
    return tokenSource === 'caller'
      ? new GatewayError(ErrorCode.UNAUTHENTICATED, 'Dispatch did not accept your bearer token', {
          upstream: 'dispatch',
          cause: error,
        })
      : new GatewayError(
          ErrorCode.UPSTREAM_ERROR,
          'Dispatch refused the service token; an admin can set a new one with setDispatchServiceToken',
          { upstream: 'dispatch', cause: error },
        );
  }
  return error.toGatewayError();
}

/**
 * Reads a 2xx envelope. `success:false` is a failure even with HTTP 200, and a missing `data`
 * where data is expected is an error rather than an empty result.
 */
export function unwrapEnvelope(body: unknown, operation: string, expectData: boolean): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw malformed(operation, 'not a JSON envelope');
  }
  const envelope = body as { success?: unknown; data?: unknown };
  if (envelope.success === false) {
    throw (
      documentedRejection(body, operation) ??
      new GatewayError(ErrorCode.UPSTREAM_ERROR, 'Dispatch reported a failure', {
        upstream: 'dispatch',
      })
    );
  }
  if (envelope.success !== true) throw malformed(operation, 'no success flag');
  if (expectData && (envelope.data === undefined || envelope.data === null)) {
    throw malformed(operation, 'success without data');
  }
  return envelope.data;
}

export function malformed(operation: string, why: string): GatewayError {
  return new GatewayError(
    ErrorCode.UPSTREAM_ERROR,
    `Dispatch answered ${operation} with an unexpected body (${why})`,
    {
      upstream: 'dispatch',
    },
  );
}
