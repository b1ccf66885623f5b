import { ErrorCode, GatewayError } from '../../errors.js';
import { UpstreamHttpError } from '../upstream-http-error.js';

/** One entry of API Panda's error body `{errors:[{code,message,property_name,context}]}`. */
export interface ApiPandaErrorEntry {
  code: number;
  message: string;
  /** The request property at fault (`name`, `integrationType`, `publicToken`, …), when one is. */
  propertyName: string | null;
}

/** API Panda's code for "Unable to refresh token, it was revoked". */
export const TOKEN_REVOKED = 4101;
/** Sandbox-documented code: the account owner denied the authorisation on the OAuth page. */
export const AUTHORISATION_DENIED = 4103;

/**
 * API Panda refused the request (HTTP 400 with its error body): an expected outcome the domain
 * turns into userErrors or a connection status. The upstream message is kept for that mapping;
 * it describes our request, never a secret.
 */
export class ApiPandaRejection extends Error {
  override name = 'ApiPandaRejection';

  constructor(
    readonly operation: string,
    readonly errors: ApiPandaErrorEntry[],
  ) {
    super(`API Panda rejected ${operation}: ${errors.map((e) => e.code).join(', ')}`);
  }

  has(code: number): boolean {
    return this.errors.some((e) => e.code === code);
  }
}

/**
 * The public token the gateway uses for API Panda was revoked (code 4101). Nothing a caller can
 * fix by changing input: an operator must configure a new token, so it is a typed top-level error.
 */
export class ApiPandaTokenRevokedError extends GatewayError {
  constructor(cause: unknown) {
    super(
      ErrorCode.UPSTREAM_ERROR,
      'API Panda revoked the token the gateway uses; an operator must configure a new APIPANDA_PUBLIC_TOKEN',
      {
        upstream: 'apipanda',
        extra: { reason: 'APIPANDA_TOKEN_REVOKED', upstreamCode: TOKEN_REVOKED },
        cause,
      },
    );
  }
}

/**
 * Maps a failed call: a 400 with API Panda's error body becomes an `ApiPandaRejection` (or the
 * typed revoked-token error); anything else, 5xx included, takes the status mapping every
 * upstream shares (a 500 is UPSTREAM_ERROR, a 502-504 UPSTREAM_UNAVAILABLE). Transport failures are already GatewayErrors.
 */
export function mapApiPandaError(error: unknown): Error {
  if (!(error instanceof UpstreamHttpError))
    return error instanceof Error ? error : new Error(String(error));
  const entries = errorEntries(error.body);
  if (error.status >= 400 && error.status < 500 && entries.length > 0) {
    if (entries.some((e) => e.code === TOKEN_REVOKED)) return new ApiPandaTokenRevokedError(error);
    return new ApiPandaRejection(error.operation, entries);
  }
  return error.toGatewayError();
}

function errorEntries(body: unknown): ApiPandaErrorEntry[] {
  const list = (body as { errors?: unknown } | undefined)?.errors;
  if (!Array.isArray(list)) return [];
  return list.flatMap((raw): ApiPandaErrorEntry[] => {
    const e = raw as { code?: unknown; message?: unknown; property_name?: unknown };
    const code = typeof e.code === 'number' ? e.code : Number(e.code);
    if (!Number.isFinite(code)) return [];
    return [
      {
        code,
        message: typeof e.message === 'string' ? e.message : 'API Panda rejected the request',
        propertyName: typeof e.property_name === 'string' ? e.property_name : null,
      },
    ];
  });
}
