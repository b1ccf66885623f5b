import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signPayload } from '../../../src/modules/shopline/webhook-signature.js';
import {
  deliverScenario,
  deliverWebhook,
} from '../../../src/sandbox/shopline/webhook-deliverer.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { CLAIM, landingClaimCode, MERCHANT_QUERY, storedEvents } from './helpers.js';

const vector = JSON.parse(
  readFileSync(
    new URL('../../fixtures/shopline/shopline-webhook-signature.test-vector.json', import.meta.url),
    'utf8',
  ),
) as { payload: Record<string, unknown> };

let t: TestGateway;
let secret: string;
const now = () => String(Math.floor(Date.now() / 1000));

function event(overrides: Record<string, unknown> = {}) {
  return {
    ...vector.payload,
    trace_id: `trace-${Math.random().toString(36).slice(2)}`,
    ts: '1618994178000000000',
    merchant_id: 'm-route',
    ...overrides,
  };
}

async function post(body: string, query: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${t.url}/webhooks/shopline${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return {
    status: res.status,
    body: (await res.json()) as { error?: string; duplicate?: boolean },
  };
}

beforeAll(async () => {
  t = await startTestGateway();
  secret = t.config.shopline.appSecret!;
});
afterAll(async () => t?.close());

describe('POST /webhooks/shopline', () => {
  it('accepts a signed event, stores it once, and acknowledges a duplicate without storing it again', async () => {
    const payload = event();
    expect(await deliverWebhook(t.url, secret, payload)).toBe(200);
    const again = await post(
      JSON.stringify(payload),
      `?sign=${signPayload(secret, now(), payload)}`,
      {
        'x-shopline-developer-event-timestamp': now(),
      },
    );
    expect(again).toEqual({ status: 200, body: { received: true, duplicate: true } });
    expect(await storedEvents(t, 'm-route')).toBe(1);
  });

  it('verifies over the exact bytes: big numbers and <>& escaping survive', async () => {
    const raw = `{"trace_id":"big-1","ts":"1618994178000000001","topic":"application/install","merchant_id":"m-bytes","resource":{"n":123456789012345678901234567890,"x":1.10,"s":"<b>&"}}`;
    const ts = now();
    // Signed the way SHOPLINE serialises: sorted keys, numbers verbatim, \u003c escapes.
    const { parseLossless } = await import('../../../src/modules/shopline/webhook-signature.js');
    const sign = signPayload(secret, ts, parseLossless(raw));
    const res = await post(raw, `?sign=${sign}`, { 'x-shopline-developer-event-timestamp': ts });
    expect(res.status).toBe(200);
    expect(await storedEvents(t, 'm-bytes')).toBe(1);
  });

  it('rejects what it cannot trust with a clear 4xx and stores nothing', async () => {
    const before = await storedEvents(t);
    const payload = event();
    const body = JSON.stringify(payload);
    const ts = now();
    const sign = signPayload(secret, ts, payload);
    const tsHeader = { 'x-shopline-developer-event-timestamp': ts };

    const missingSign = await post(body, '', tsHeader);
    expect(missingSign.status).toBe(401);
    expect(missingSign.body.error).toMatch(/Missing "sign"/);

    const badSign = await post(
      body,
      `?sign=${signPayload('not-the-secret', ts, payload)}`,
      tsHeader,
    );
    expect(badSign.status).toBe(401);
    expect(badSign.body.error).toMatch(/Bad signature/);

    const tampered = await post(
      JSON.stringify({ ...payload, merchant_id: 'someone-else' }),
      `?sign=${sign}`,
      tsHeader,
    );
    expect(tampered.status).toBe(401);

    const missingTs = await post(body, `?sign=${sign}`);
    expect(missingTs.status).toBe(401);
    expect(missingTs.body.error).toMatch(/X-Shopline-Developer-Event-Timestamp/);

    const staleTs = String(Number(ts) - 301);
    const stale = await post(body, `?sign=${signPayload(secret, staleTs, payload)}`, {
      'x-shopline-developer-event-timestamp': staleTs,
    });
    expect(stale.status).toBe(401);
    expect(stale.body.error).toMatch(/Stale timestamp/);

    const malformed = await post('{"trace_id": "x",', `?sign=${sign}`, tsHeader);
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toMatch(/Malformed JSON/);

    // Never parsed unless it could be signed: without a plausible signature, or over the size
    // re-serialised to check one, a body that is not JSON is refused as unsigned (401), not as
    // malformed (400).
    const notJson = `{"trace_id": "x", "pad": "${'x'.repeat(200_000)}",`;
    expect((await post(notJson, '', tsHeader)).status).toBe(401);
    expect((await post(notJson, `?sign=${sign}`, {})).status).toBe(401);
    const forgedBig = await post(notJson, `?sign=${sign}`, tsHeader);
    expect(forgedBig.status).toBe(401);
    expect(forgedBig.body.error).toMatch(/checked only as sent/);

    const { trace_id: _t, ...noTrace } = payload;
    const missingField = await post(
      JSON.stringify(noTrace),
      `?sign=${signPayload(secret, ts, noTrace)}`,
      tsHeader,
    );
    expect(missingField.status).toBe(400);
    expect(missingField.body.error).toMatch(/trace_id/);

    const huge = { ...payload, resource: { blob: 'x'.repeat(5 * 1024 * 1024) } };
    const tooLarge = await fetch(
      `${t.url}/webhooks/shopline?sign=${signPayload(secret, ts, huge)}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...tsHeader },
        body: JSON.stringify(huge),
      },
    );
    expect(tooLarge.status).toBe(413);

    expect(await storedEvents(t)).toBe(before);
  });

  it('reaches the same state from shuffled, duplicated deliveries of the seed lifecycle', async () => {
    const merchantId = 'm-lifecycle';
    const results = await deliverScenario({
      gatewayUrl: t.url,
      merchantId,
      appSecret: secret,
      simulator: t.sandbox.shopline,
      scenario: 'lifecycle',
      shuffle: true,
      duplicates: 2,
      seed: 11,
    });
    expect(results).toHaveLength(12);
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(await storedEvents(t, merchantId)).toBe(4);

    await t.graphql(CLAIM, { code: await landingClaimCode(t, merchantId) });
    const res = await t.graphql<{ shoplineMerchants: { nodes: Array<Record<string, unknown>> } }>(
      MERCHANT_QUERY,
    );
    const merchant = res.body.data!.shoplineMerchants.nodes.find(
      (m) => m['merchantId'] === merchantId,
    )!;
    expect(merchant['installState']).toBe('UNINSTALLED');
    expect(merchant['usableScopes']).toEqual([]);
    const tokens = merchant['tokens'] as Array<{
      scopes: string[];
      status: string;
      revokedAt: string | null;
    }>;
    expect(tokens.map((x) => [x.scopes.join(' '), x.status]).sort()).toEqual([
      ['orders products', 'REVOKED'],
      ['orders', 'MERCHANT_UNINSTALLED'],
    ]);
    expect(JSON.stringify(res.body)).not.toMatch(/slt_sandbox_/);
    expect(t.logs.join('\n')).not.toMatch(/slt_sandbox_/);
  });
});
