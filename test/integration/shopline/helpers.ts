import { count, eq } from 'drizzle-orm';
import { shoplineWebhookEvents } from '../../../src/store/tables/index.js';
import { deliverScenario } from '../../../src/sandbox/shopline/webhook-deliverer.js';
import type { TestGateway } from '../../helpers/gateway.js';

export const MERCHANT_QUERY = /* GraphQL */ `
  query {
    shoplineMerchants(first: 10) {
      totalCount
      nodes {
        id
        merchantId
        installState
        applicationId
        usableScopes
        tokens {
          tokenId
          scopes
          status
          revokedAt
        }
      }
    }
  }
`;

export async function storedEvents(t: TestGateway, merchantId?: string): Promise<number> {
  const db = t.gateway.services.store.db;
  const [row] = merchantId
    ? await db
        .select({ n: count() })
        .from(shoplineWebhookEvents)
        .where(eq(shoplineWebhookEvents.merchantId, merchantId))
    : await db.select({ n: count() }).from(shoplineWebhookEvents);
  return Number(row?.n ?? 0);
}

/** Follows the landing page's OAuth round trip through the sandbox; returns the claim code. */
export async function landingClaimCode(t: TestGateway, merchantId: string): Promise<string> {
  const start = await fetch(`${t.url}/shopline/landing`, { redirect: 'manual' });
  if (start.status !== 302) throw new Error(`landing answered ${start.status}`);
  const authorize = new URL(start.headers.get('location')!);
  authorize.searchParams.set('merchant_id', merchantId);
  const consent = await fetch(authorize, { redirect: 'manual' });
  if (consent.status !== 302) throw new Error(`authorize answered ${consent.status}`);
  const callback = await fetch(consent.headers.get('location')!, { redirect: 'manual' });
  const html = await callback.text();
  const code = /id="claim-code"[^>]*>([^<]+)</.exec(html)?.[1];
  if (callback.status !== 200 || !code)
    throw new Error(`landing callback answered ${callback.status}: ${html}`);
  return code;
}

export const CLAIM = /* GraphQL */ `
  mutation Claim($code: String!, $key: String) {
    claimShoplineMerchant(input: { code: $code, idempotencyKey: $key }) {
      merchant {
        merchantId
        installState
        usableScopes
        tokens {
          scopes
          status
        }
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;

/** Installs the app for a merchant through signed webhooks and claims it for workspace A. */
export async function installAndClaim(t: TestGateway, merchantId: string): Promise<void> {
  await deliverScenario({
    gatewayUrl: t.url,
    merchantId,
    appSecret: t.config.shopline.appSecret!,
    simulator: t.sandbox.shopline,
  });
  await t.graphql(CLAIM, { code: await landingClaimCode(t, merchantId) });
}
