import { ErrorCode, GatewayError } from '../errors.js';

/**
 * The upstream answered with a non-2xx status. `body` is kept for the domain client's own
 * mapping (e.g. an error code that becomes a userError) and is never shown to a client:
 * `toGatewayError()` carries only the status-derived code, the upstream name and its
 * correlation id.
 */
export class UpstreamHttpError extends Error {
  override name = 'UpstreamHttpError';

  constructor(
    readonly upstream: string,
    readonly operation: string,
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string>,
    readonly retryAfterSeconds: number | undefined,
    readonly correlationId: string | undefined,
  ) {
    super(`${upstream} ${operation} answered HTTP ${status}`);
  }

  toGatewayError(message?: string): GatewayError {
    const code = codeForStatus(this.status);
    return new GatewayError(code, message ?? defaultMessage(this.upstream, code, this.status), {
      upstream: this.upstream,
      ...(this.correlationId ? { correlationId: this.correlationId } : {}),
      ...(this.retryAfterSeconds !== undefined ? { retryAfter: this.retryAfterSeconds } : {}),
      cause: this,
    });
  }
}

/** The one HTTP status → error code mapping every upstream shares. */
export function codeForStatus(status: number): ErrorCode {
  if (status === 400 || status === 422) return ErrorCode.BAD_USER_INPUT;
  if (status === 404 || status === 410) return ErrorCode.NOT_FOUND;
  if (status === 409) return ErrorCode.CONFLICT;
  if (status === 429) return ErrorCode.RATE_LIMITED;
  if (status === 502 || status === 503 || status === 504) return ErrorCode.UPSTREAM_UNAVAILABLE;
  // 401/403 from an upstream mean the gateway's own credentials were refused: not the caller's
  // fault, so not UNAUTHENTICATED. Clients that forward the caller's identity map it themselves.
  return ErrorCode.UPSTREAM_ERROR;
}

function defaultMessage(upstream: string, code: ErrorCode, status: number): string {
  switch (code) {
    case ErrorCode.BAD_USER_INPUT:
      return `${upstream} rejected the request as invalid`;
    case ErrorCode.NOT_FOUND:
      return `${upstream} has no such record`;
    case ErrorCode.CONFLICT:
      return `${upstream} reported a conflict with the current state`;
    case ErrorCode.RATE_LIMITED:
      return `${upstream} is rate limiting requests; retry later`;
    case ErrorCode.UPSTREAM_UNAVAILABLE:
      return `${upstream} is unavailable`;
    default:
      return `${upstream} failed (HTTP ${status})`;
  }
}
