import { readFileSync } from 'node:fs';
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
        body,
        toleranceSeconds: 300,
        nowMs,
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
        body: parseLossless(shuffled),
        toleranceSeconds: 300,
        nowMs,
      }),
    ).toBeUndefined();
  });

  it('keeps numbers byte for byte and escapes <, >, & as SHOPLINE does', () => {
    const body = parseLossless('{"b":9999999999999999999,"a":1.50,"c":"<a&b>"}');
    expect(canonicalBodies(body)[0]).toBe(
      '{"a":1.50,"b":9999999999999999999,"c":"\\u003ca\\u0026b\\u003e"}',
    );
    const sign = signPayload('s', timestamp, body);
    expect(
      verifySignature({ secret: 's', sign, timestamp, body, toleranceSeconds: 300, nowMs }),
    ).toBeUndefined();
    const rounded = parseLossless(
      JSON.stringify(JSON.parse('{"b":9999999999999999999,"a":1.50,"c":"<a&b>"}')),
    );
    expect(
      verifySignature({ secret: 's', sign, timestamp, body: rounded, toleranceSeconds: 300, nowMs })
        ?.status,
    ).toBe(401);
  });

  it('says what is wrong: missing sign, bad sign, stale timestamp', () => {
    const body = parseLossless(JSON.stringify(vector.payload));
    const base = { secret: vector.app_secret, timestamp, body, toleranceSeconds: 300, nowMs };
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
});
