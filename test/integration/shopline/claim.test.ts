import { eq } from 'drizzle-orm';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { shoplineClaimCodes } from '../../../src/store/tables/index.js';
import { deliverScenario } from '../../../src/sandbox/shopline/webhook-deliverer.js';
import {
  startTestGateway,
  subscriptionsListening,
  type TestGateway,
} from '../../helpers/gateway.js';
import { CLAIM, landingClaimCode, MERCHANT_QUERY } from './helpers.js';
import { createHash } from 'node:crypto';

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway();
});
afterAll(async () => t?.close());

/** GraphQL subscriptions the gateway delivers events to, from its /metrics. */
const listening = () => subscriptionsListening(t);

type ClaimResult = {
  claimShoplineMerchant: {
    merchant: {
      merchantId: string;
      installState: string;
      usableScopes: string[];
      tokens: Array<{ scopes: string[]; status: string }>;
    } | null;
    userErrors: Array<{ field: string[]; message: string; code: string }>;
  };
};
type MerchantsResult = {
  shoplineMerchants: {
    totalCount: number;
    nodes: Array<{ id: string; merchantId: string; installState: string }>;
  };
};

describe('claiming a SHOPLINE merchant', () => {
  it('links the merchant SHOPLINE vouched for, once, and only for an admin', async () => {
    const merchantId = 'm-claim';
    const delivered = await deliverScenario({
      gatewayUrl: t.url,
      merchantId,
      appSecret: t.config.shopline.appSecret!,
      simulator: t.sandbox.shopline,
    });
    expect(delivered.map((d) => d.status)).toEqual([200, 200]);

    // Before the claim, no workspace sees the merchant: the webhooks alone prove nothing about who owns it.
    const before = await t.graphql<MerchantsResult>(MERCHANT_QUERY);
    expect(before.body.data!.shoplineMerchants.nodes.map((m) => m.merchantId)).not.toContain(
      merchantId,
    );

    const code = await landingClaimCode(t, merchantId);

    const asMember = await t.graphql(CLAIM, { code }, { apiKey: t.keys.aMember });
    expect(asMember.body.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');

    const claimed = await t.graphql<ClaimResult>(CLAIM, { code });
    expect(claimed.body.data!.claimShoplineMerchant.userErrors).toEqual([]);
    expect(claimed.body.data!.claimShoplineMerchant.merchant).toMatchObject({
      merchantId,
      installState: 'INSTALLED',
      usableScopes: ['customers', 'orders', 'products'],
      tokens: [{ scopes: ['customers', 'orders', 'products'], status: 'ACTIVE' }],
    });

    const reused = await t.graphql<ClaimResult>(CLAIM, { code }, { apiKey: t.keys.b });
    expect(reused.body.data!.claimShoplineMerchant).toMatchObject({
      merchant: null,
      userErrors: [{ field: ['input', 'code'], code: 'CLAIM_CODE_ALREADY_USED' }],
    });

    const a = await t.graphql<MerchantsResult>(MERCHANT_QUERY);
    const mine = a.body.data!.shoplineMerchants.nodes.find((m) => m.merchantId === merchantId)!;
    expect(mine.installState).toBe('INSTALLED');
    const b = await t.graphql<MerchantsResult>(MERCHANT_QUERY, {}, { apiKey: t.keys.b });
    expect(b.body.data!.shoplineMerchants.nodes.map((m) => m.merchantId)).not.toContain(merchantId);

    const nodeFromB = await t.graphql<{ node: unknown }>(
      `query($id: ID!) { node(id: $id) { id } }`,
      { id: mine.id },
      { apiKey: t.keys.b },
    );
    expect(nodeFromB.body.data!.node).toBeNull();
    const nodeFromA = await t.graphql<{ node: { merchantId: string } }>(
      `query($id: ID!) { node(id: $id) { ... on ShoplineMerchant { merchantId } } }`,
      { id: mine.id },
    );
    expect(nodeFromA.body.data!.node.merchantId).toBe(merchantId);

    const everything = JSON.stringify([claimed.body, a.body]) + t.logs.join('\n');
    expect(everything).not.toMatch(/slt_sandbox_/);
    expect(t.logs.join('\n')).not.toContain(code);
  });

  it('answers a retried claim with the same idempotency key with the first result', async () => {
    const code = await landingClaimCode(t, 'm-retried');
    const first = await t.graphql<ClaimResult>(CLAIM, { code, key: 'claim-retry-1' });
    expect(first.body.data!.claimShoplineMerchant.userErrors).toEqual([]);
    const retry = await t.graphql<ClaimResult>(CLAIM, { code, key: 'claim-retry-1' });
    expect(retry.body.data).toEqual(first.body.data);
    const withoutKey = await t.graphql<ClaimResult>(CLAIM, { code });
    expect(withoutKey.body.data!.claimShoplineMerchant.userErrors[0]?.code).toBe(
      'CLAIM_CODE_ALREADY_USED',
    );
  });

  it('refuses an expired code, an unknown code and a malformed one', async () => {
    const code = await landingClaimCode(t, 'm-expired');
    const digest = createHash('sha256').update(code.toUpperCase()).digest('hex');
    await t.gateway.services.store.db
      .update(shoplineClaimCodes)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(shoplineClaimCodes.codeDigest, digest));
    const expired = await t.graphql<ClaimResult>(CLAIM, { code });
    expect(expired.body.data!.claimShoplineMerchant.userErrors[0]?.code).toBe('CLAIM_CODE_EXPIRED');

    const unknown = await t.graphql<ClaimResult>(CLAIM, {
      code: 'SL-00000-00000-00000-00000-00000',
    });
    expect(unknown.body.data!.claimShoplineMerchant.userErrors[0]?.code).toBe('NOT_FOUND');

    const calls = t.sandbox.server.requestCount('shopline');
    const malformed = await t.graphql<ClaimResult>(CLAIM, { code: '5f0bda5e4e5fca0010c81fef' });
    expect(malformed.body.data!.claimShoplineMerchant.userErrors[0]).toMatchObject({
      field: ['input', 'code'],
      code: 'INVALID',
    });
    expect(t.sandbox.server.requestCount('shopline')).toBe(calls);

    const mine = await t.graphql<MerchantsResult>(MERCHANT_QUERY);
    expect(mine.body.data!.shoplineMerchants.nodes.map((m) => m.merchantId)).not.toContain(
      'm-expired',
    );
  });

  it('only finishes an OAuth round trip this gateway started, with a code SHOPLINE issued', async () => {
    const forgedState = await fetch(`${t.url}/shopline/landing?code=abc&state=1.2.3`, {
      redirect: 'manual',
    });
    expect(forgedState.status).toBe(400);
    expect(await forgedState.text()).toMatch(/not issued by this gateway/);

    const start = await fetch(`${t.url}/shopline/landing`, { redirect: 'manual' });
    const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
    const forgedCode = await fetch(
      `${t.url}/shopline/landing?code=made-up&state=${encodeURIComponent(state)}`,
      { redirect: 'manual' },
    );
    expect(forgedCode.status).toBe(400);
    expect(await forgedCode.text()).toMatch(/refused the authorisation code/);
    expect(forgedCode.headers.get('cache-control')).toBe('no-store');
  });

  it('pushes install and token changes of a merchant to its own workspace subscribers only', async () => {
    const merchantId = 'm-subscribed';
    await deliverScenario({
      gatewayUrl: t.url,
      merchantId,
      appSecret: t.config.shopline.appSecret!,
      simulator: t.sandbox.shopline,
    });
    await t.graphql(CLAIM, { code: await landingClaimCode(t, merchantId) });

    const client = createClient({
      url: t.graphqlUrl.replace('http', 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { 'x-api-key': t.keys.a },
      retryAttempts: 0,
    });
    const clientB = createClient({
      url: t.graphqlUrl.replace('http', 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { 'x-api-key': t.keys.b },
      retryAttempts: 0,
    });
    const query =
      'subscription { shoplineMerchantUpdated { reason merchant { merchantId installState } } }';
    const received: Array<{
      reason: string;
      merchant: { merchantId: string; installState: string };
    }> = [];
    const receivedB: unknown[] = [];
    const listeningBefore = await listening();
    const subscribed = new Promise<void>((resolve) => {
      client.on('connected', () => resolve());
    });
    const done = new Promise<void>((resolve, reject) => {
      client.subscribe<{ shoplineMerchantUpdated: (typeof received)[number] }>(
        { query },
        {
          next: (value) => {
            received.push(value.data!.shoplineMerchantUpdated);
            if (received.length === 2) resolve();
          },
          error: reject,
          complete: () => undefined,
        },
      );
    });
    clientB.subscribe(
      { query },
      { next: (v) => void receivedB.push(v), error: () => undefined, complete: () => undefined },
    );
    await subscribed;
    // Deliver only once both subscriptions listen on the event bus, as /metrics reports it.
    await expect.poll(listening, { timeout: 10_000, interval: 20 }).toBe(listeningBefore + 2);

    await deliverScenario({
      gatewayUrl: t.url,
      merchantId,
      appSecret: t.config.shopline.appSecret!,
      simulator: t.sandbox.shopline,
    });
    await done;
    expect(received).toEqual([
      { reason: 'INSTALLED', merchant: { merchantId, installState: 'INSTALLED' } },
      { reason: 'TOKEN_CREATED', merchant: { merchantId, installState: 'INSTALLED' } },
    ]);
    expect(receivedB).toEqual([]);
    await client.dispose();
    await clientB.dispose();
  });
});
