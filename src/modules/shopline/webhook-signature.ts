import { createHmac, timingSafeEqual } from 'node:crypto';
import { isLosslessNumber, parse, stringify } from 'lossless-json';

/**
 * SHOPLINE (developer-center line) webhook signatures: `sign` query parameter =
 * hex(HMAC-SHA256(appSecret, `<X-Shopline-Developer-Event-Timestamp>:<canonical JSON>`)), where
 * the canonical JSON has object keys sorted recursively and no whitespace. SHOPLINE serialises
 * `<`, `>`, `&` as `\u003c`, `\u003e`, `\u0026`, and numbers must come out exactly as they came
 * in, so the body is parsed losslessly (a float round trip would turn 9999999999999999999 into
 * 10000000000000000000 and break the signature).
 */

export type WebhookRejection = { status: 400; message: string } | { status: 401; message: string };

/** A JSON value whose numbers are kept as their original text. */
export type LosslessJson = unknown;

export function parseLossless(raw: string): LosslessJson {
  return parse(raw);
}

function sortKeysDeep(value: LosslessJson): LosslessJson {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value !== null && typeof value === 'object' && !isLosslessNumber(value)) {
    const source = value as Record<string, unknown>;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(source).sort()) sorted[key] = sortKeysDeep(source[key]);
    return sorted;
  }
  return value;
}

const HTML_ESCAPES: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026' };

/**
 * The canonical forms SHOPLINE may have signed: with its HTML-safe escaping (what its serialiser
 * emits) and plain (what `JSON.stringify` emits, as in the published example). `<`, `>` and `&`
 * can only occur inside strings in JSON text, so replacing them after serialising is exact.
 */
export function canonicalBodies(value: LosslessJson): string[] {
  const plain = stringify(sortKeysDeep(value)) ?? 'null';
  const escaped = plain.replace(/[<>&]/g, (c) => HTML_ESCAPES[c] ?? c);
  return escaped === plain ? [plain] : [escaped, plain];
}

export function computeSignature(secret: string, timestamp: string, canonicalBody: string): string {
  return signatureOf(secret, timestamp, canonicalBody).toString('hex');
}

/** Signs a payload the way SHOPLINE does (the sandbox deliverer and tests use it). */
export function signPayload(secret: string, timestamp: string, value: LosslessJson): string {
  const [canonical] = canonicalBodies(value);
  return computeSignature(secret, timestamp, canonical ?? 'null');
}

export interface SignatureHeaders {
  /** The `sign` query parameter. */
  sign: string | undefined;
  /** The X-Shopline-Developer-Event-Timestamp header. */
  timestamp: string | undefined;
  toleranceSeconds: number;
  nowMs?: number;
}

/**
 * What can be checked before the body is read: `sign` and the timestamp are there, well formed,
 * and the timestamp is within the tolerance. A request without a plausible signature never has
 * its body read, let alone parsed.
 */
export function checkSignatureHeaders(input: SignatureHeaders): WebhookRejection | undefined {
  if (!input.sign) return { status: 401, message: 'Missing "sign" query parameter' };
  if (!input.timestamp) {
    return { status: 401, message: 'Missing X-Shopline-Developer-Event-Timestamp header' };
  }
  if (!/^\d{1,13}$/.test(input.timestamp)) {
    return { status: 401, message: 'X-Shopline-Developer-Event-Timestamp must be Unix seconds' };
  }
  const ageSeconds = Math.abs((input.nowMs ?? Date.now()) / 1000 - Number(input.timestamp));
  if (ageSeconds > input.toleranceSeconds) {
    return {
      status: 401,
      message: `Stale timestamp: more than ${input.toleranceSeconds}s from the gateway clock (replayed or clock skew)`,
    };
  }
  if (!/^[0-9a-fA-F]{64}$/.test(input.sign)) {
    return { status: 401, message: 'Bad signature: "sign" must be 64 hex characters' };
  }
  return undefined;
}

export interface VerifyInput extends SignatureHeaders {
  secret: string;
  /** The body exactly as received. */
  raw: Buffer;
  /**
   * Largest body whose bytes are not themselves the signed form that is parsed and re-serialised
   * to check its signature; larger ones must arrive in SHOPLINE's canonical form.
   */
  canonicalizeMaxBytes: number;
}

/**
 * Returns undefined when the signature is valid, or why it is not. The HMAC is checked over the
 * body's exact bytes first (SHOPLINE's canonical form, sorted keys and no whitespace, needs
 * nothing else), so a forged body costs one HMAC; only a small body whose bytes differ from the
 * canonical form is parsed (losslessly) and re-serialised to check it.
 */
export function verifySignature(input: VerifyInput): WebhookRejection | undefined {
  const headers = checkSignatureHeaders(input);
  if (headers) return headers;
  const timestamp = input.timestamp!;
  const given = Buffer.from(input.sign!.toLowerCase(), 'hex');
  const matches = (body: Buffer | string) =>
    timingSafeEqual(signatureOf(input.secret, timestamp, body), given);
  if (matches(input.raw)) return undefined;
  if (input.raw.length > input.canonicalizeMaxBytes) {
    return {
      status: 401,
      message: `Bad signature: "sign" does not match the body's bytes, and bodies over ${input.canonicalizeMaxBytes} bytes are checked only as sent (sorted keys, no whitespace)`,
    };
  }
  let body: LosslessJson;
  try {
    body = parseLossless(input.raw.toString('utf8'));
  } catch (error) {
    return { status: 400, message: `Malformed JSON body: ${(error as Error).message}` };
  }
  if (canonicalBodies(body).some(matches)) return undefined;
  return { status: 401, message: 'Bad signature: "sign" does not match the body and timestamp' };
}

function signatureOf(secret: string, timestamp: string, body: Buffer | string): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}:`).update(body).digest();
}
