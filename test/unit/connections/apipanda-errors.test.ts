import { describe, expect, it } from 'vitest';
import { ErrorCode, GatewayError } from '../../../src/errors.js';
import { userErrorsFromRejection } from '../../../src/modules/connections/connection-errors.js';
import {
  ApiPandaRejection,
  ApiPandaTokenRevokedError,
  mapApiPandaError,
} from '../../../src/upstreams/apipanda/apipanda-errors.js';
import { UpstreamHttpError } from '../../../src/upstreams/upstream-http-error.js';

const httpError = (status: number, body: unknown) =>
  new UpstreamHttpError(
    'apipanda',
    'POST /connection/initiate',
    status,
    body,
    {},
    undefined,
    undefined,
  );

describe('API Panda error mapping', () => {
  it('turns a 400 error body into a rejection with its entries', () => {
    const mapped = mapApiPandaError(
      httpError(400, {
        errors: [{ code: 4010, message: 'Name is required', property_name: 'name', context: {} }],
      }),
    );
    expect(mapped).toBeInstanceOf(ApiPandaRejection);
    expect((mapped as ApiPandaRejection).errors).toEqual([
      { code: 4010, message: 'Name is required', propertyName: 'name' },
    ]);
  });

  it('turns code 4101 into the typed revoked-token error', () => {
    const mapped = mapApiPandaError(
      httpError(400, {
        errors: [
          { code: 4101, message: 'Unable to refresh token, it was revoked', property_name: null },
        ],
      }),
    );
    expect(mapped).toBeInstanceOf(ApiPandaTokenRevokedError);
    expect((mapped as GatewayError).extensions).toMatchObject({
      code: 'UPSTREAM_ERROR',
      reason: 'APIPANDA_TOKEN_REVOKED',
    });
  });

  it('maps 5xx as every upstream does (500 UPSTREAM_ERROR, 502-503 UPSTREAM_UNAVAILABLE), without the body', () => {
    const expected: Array<[number, ErrorCode]> = [
      [500, ErrorCode.UPSTREAM_ERROR],
      [502, ErrorCode.UPSTREAM_UNAVAILABLE],
      [503, ErrorCode.UPSTREAM_UNAVAILABLE],
    ];
    for (const [status, code] of expected) {
      const mapped = mapApiPandaError(
        httpError(status, { error: 'stack trace here' }),
      ) as GatewayError;
      expect(mapped.code).toBe(code);
      expect(JSON.stringify(mapped.extensions) + mapped.message).not.toContain('stack trace');
    }
  });

  it('falls back to the shared status mapping for a 4xx without API Panda’s body', () => {
    expect((mapApiPandaError(httpError(404, 'not found')) as GatewayError).code).toBe(
      ErrorCode.NOT_FOUND,
    );
  });

  it('names our input field for input properties and no field otherwise', () => {
    const rejection = new ApiPandaRejection('POST /connection/initiate', [
      { code: 4012, message: 'Slug is bad', propertyName: 'slug' },
      {
        code: 4002,
        message: 'X-LINK-TOKEN header is missing or invalid',
        propertyName: 'X-LINK-TOKEN',
      },
    ]);
    expect(userErrorsFromRejection(rejection)).toEqual([
      { field: ['input', 'slug'], message: 'Slug is bad', code: 'INVALID' },
      {
        field: null,
        message: 'API Panda refused the request (code 4002)',
        code: 'UPSTREAM_REJECTED',
      },
    ]);
  });
});
