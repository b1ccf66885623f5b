import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalBodies,
  parseLossless,
  signPayload,
  verifySignature,
} from '../../../src/modules/shopline/webhook-signature.js';

interface Vector {
  app_secret: string;
  'timestamp_header_X-Shopline-Developer-Event-Timestamp': string;
  payload: unknown;
  signed_message: string;
  expected_sign_hex: string;
}

const vector = JSON.parse(
  readFileSync(
    new URL('../../fixtures/shopline/shopline-webhook-signature.test-vector.json', import.meta.url),
    'utf8',
  ),
) as Vector;
const timestamp = vector['timestamp_header_X-Shopline-Developer-Event-Timestamp'];
const nowMs = Number(timestamp) * 1000;
const raw = (text: string) => Buffer.from(text, 'utf8');
const limits = { toleranceSeconds: 300, nowMs, canonicalizeMaxBytes: 65536 };

describe('SHOPLINE webhook signature', () => {
  it('matches the published test vector', () => {
    const body = parseLossless(JSON.stringify(vector.payload));
    expect(`${timestamp}:${canonicalBodies(body)[0]}`).toBe(vector.signed_message);
    expect(signPayload(vector.app_secret, timestamp, body)).toBe(vector.expected_sign_hex);
    expect(
      verifySignature({
        secret: vector.app_secret,
        sign: vector.expected_sign_hex,
        timestamp,
        raw: raw(JSON.stringify(vector.payload)),
        ...limits,
      }),
    ).toBeUndefined();
  });

  it('verifies regardless of the key order and whitespace the body arrived with', () => {
    const shuffled =
      '{ "topic": "application/uninstall", "resource": {"updated_at":"2021-04-21T08:36:17.892Z", "merchant_id":"5dad5d2604515400018dcc90","_id":"607fd9c2ff790b001cd23353"}, "merchant_id": "5dad5d2604515400018dcc90", "event": "Application" }';
    expect(
      verifySignature({
        secret: vector.app_secret,
        sign: vector.expected_sign_hex,
        timestamp,
        raw: raw(shuffled),
        ...limits,
      }),
    ).toBeUndefined();
  });

  it('keeps numbers byte for byte and escapes <, >, & as SHOPLINE does', () => {
    const text = '{"b":9999999999999999999,"a":1.50,"c":"<a&b>"}';
    const body = parseLossless(text);
    expect(canonicalBodies(body)[0]).toBe(
      '{"a":1.50,"b":9999999999999999999,"c":"\\u003ca\\u0026b\\u003e"}',
    );
    const sign = signPayload('s', timestamp, body);
    expect(
      verifySignature({ secret: 's', sign, timestamp, raw: raw(text), ...limits }),
    ).toBeUndefined();
    const rounded = JSON.stringify(JSON.parse(text));
    expect(
      verifySignature({ secret: 's', sign, timestamp, raw: raw(rounded), ...limits })?.status,
    ).toBe(401);
  });

  it('says what is wrong: missing sign, bad sign, stale timestamp', () => {
    const base = {
      secret: vector.app_secret,
      timestamp,
      raw: raw(JSON.stringify(vector.payload)),
      ...limits,
    };
    expect(verifySignature({ ...base, sign: undefined })?.message).toMatch(/Missing "sign"/);
    expect(
      verifySignature({ ...base, sign: vector.expected_sign_hex, timestamp: undefined })?.message,
    ).toMatch(/Missing X-Shopline/);
    expect(verifySignature({ ...base, sign: 'f'.repeat(64) })?.message).toMatch(/Bad signature/);
    expect(
      verifySignature({ ...base, sign: vector.expected_sign_hex, nowMs: nowMs + 301_000 })?.message,
    ).toMatch(/Stale timestamp/);
    expect(
      verifySignature({ ...base, secret: 'other', sign: vector.expected_sign_hex })?.status,
    ).toBe(401);
  });

  it('checks bodies sent in canonical form over their bytes alone, whatever their size', () => {
    const canonical = canonicalBodies(parseLossless(JSON.stringify(vector.payload)))[0]!;
    const base = { secret: vector.app_secret, timestamp, ...limits, canonicalizeMaxBytes: 16 };
    expect(
      verifySignature({ ...base, sign: vector.expected_sign_hex, raw: raw(canonical) }),
    ).toBeUndefined();
    // Not canonical and over the bound: refused without being parsed (a parse would say 400).
    const notJson = raw(`${canonical.slice(0, -1)} ,`);
    expect(verifySignature({ ...base, sign: 'f'.repeat(64), raw: notJson })).toMatchObject({
      status: 401,
      message: expect.stringMatching(/checked only as sent/),
    });
    expect(
      verifySignature({ ...base, canonicalizeMaxBytes: 65536, sign: 'f'.repeat(64), raw: notJson })
        ?.status,
    ).toBe(400);
  });

  it('accepts exactly the bodies whose canonical form was signed (property)', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 })),
        fc.boolean(),
        fc.nat(),
        (payload, pretty, flip) => {
          const body = parseLossless(JSON.stringify(payload));
          const sign = signPayload('secret', timestamp, body);
          const canonical = canonicalBodies(body)[0]!;
          const sent = pretty ? JSON.stringify(payload, null, 2) : canonical;
          const input = { secret: 'secret', sign, timestamp, ...limits };
          expect(verifySignature({ ...input, raw: raw(sent) })).toBeUndefined();
          // One byte changed in the canonical form: never accepted.
          const bytes = raw(canonical);
          const at = flip % bytes.length;
          bytes[at] = bytes[at]! ^ 0x01;
          expect(verifySignature({ ...input, raw: bytes })).toBeDefined();
        },
      ),
      { numRuns: 200 },
    );
  });
});
