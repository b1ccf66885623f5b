import { describe, expect, it } from 'vitest';
import { ErrorCode, GatewayError } from '../../../src/errors.js';
import { UpstreamHttpError } from '../../../src/upstreams/upstream-http-error.js';
import {
  DispatchRejection,
  mapDispatchFailure,
  unwrapEnvelope,
} from '../../../src/upstreams/dispatch/errors.js';

const OP = 'GET /api/workflows/{entityType}/configured';

const httpError = (status: number, body: unknown) =>
  new UpstreamHttpError('dispatch', OP, status, body, {}, undefined, undefined);

describe('unwrapEnvelope', () => {
  it('returns data of a successful envelope', () => {
    expect(unwrapEnvelope({ data: [{ guid: 'w1' }], success: true }, OP, true)).toEqual([
      { guid: 'w1' },
    ]);
    expect(unwrapEnvelope({ success: true }, OP, false)).toBeUndefined();
  });

  it('treats success:true without data, where data is expected, as an upstream error', () => {
    for (const body of [{ success: true }, { success: true, data: null }]) {
      const error = (() => {
        try {
          unwrapEnvelope(body, OP, true);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(GatewayError);
      expect((error as GatewayError).code).toBe(ErrorCode.UPSTREAM_ERROR);
    }
  });

  it('treats HTTP 200 with success:false as the documented error it carries', () => {
    const body = {
      success: false,
      error: { code: 'CONFLICT', message: 'Integration already configured' },
    };
    expect(() => unwrapEnvelope(body, OP, true)).toThrow(DispatchRejection);
    try {
      unwrapEnvelope(body, OP, true);
    } catch (e) {
      expect((e as DispatchRejection).code).toBe('CONFLICT');
      expect((e as DispatchRejection).upstreamMessage).toBe('Integration already configured');
    }
  });

  it('treats success:false with an undocumented code, or no flag at all, as an upstream error without its text', () => {
    const undocumented = {
      success: false,
      error: { code: 'INTERNAL', message: 'stack trace at line 3' },
    };
    expect(() => unwrapEnvelope(undocumented, OP, true)).toThrow(GatewayError);
    try {
      unwrapEnvelope(undocumented, OP, true);
    } catch (e) {
      expect((e as GatewayError).message).not.toContain('stack trace');
    }
    expect(() => unwrapEnvelope({ data: [] }, OP, true)).toThrow(/unexpected body/);
    expect(() => unwrapEnvelope('<html>', OP, true)).toThrow(/unexpected body/);
  });
});

describe('mapDispatchFailure', () => {
  it.each([
    [404, 'NOT_FOUND'],
    [400, 'CONFIGURATION_ERROR'],
    [409, 'CONFLICT'],
  ])('turns the documented %i body into a rejection with code %s', (status, code) => {
    const mapped = mapDispatchFailure(
      httpError(status, { success: false, error: { code, message: 'm' } }),
      OP,
      'workspace',
    );
    expect(mapped).toBeInstanceOf(DispatchRejection);
    expect((mapped as DispatchRejection).code).toBe(code);
  });

  it('maps a refused bearer token by whose token it was', () => {
    const refused = httpError(401, {
      success: false,
      error: { code: 'UNAUTHORIZED', message: 'no' },
    });
    expect((mapDispatchFailure(refused, OP, 'caller') as GatewayError).code).toBe(
      ErrorCode.UNAUTHENTICATED,
    );
    expect((mapDispatchFailure(refused, OP, 'workspace') as GatewayError).code).toBe(
      ErrorCode.UPSTREAM_ERROR,
    );
  });

  it('uses the shared status mapping for everything else', () => {
    expect((mapDispatchFailure(httpError(503, 'down'), OP, 'caller') as GatewayError).code).toBe(
      ErrorCode.UPSTREAM_UNAVAILABLE,
    );
    expect(
      (
        mapDispatchFailure(
          httpError(400, { success: false, error: { code: 'VALIDATION' } }),
          OP,
          'caller',
        ) as GatewayError
      ).code,
    ).toBe(ErrorCode.BAD_USER_INPUT);
    const other = new Error('network');
    expect(mapDispatchFailure(other, OP, 'caller')).toBe(other);
  });
});
