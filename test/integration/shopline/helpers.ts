import { count, eq } from 'drizzle-orm';
import { shoplineWebhookEvents } from '../../../src/store/tables/index.js';
import { landingClaimCode as landingClaim } from '../../../src/sandbox/demo-workspace.js';
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
export function landingClaimCode(t: TestGateway, merchantId: string): Promise<string> {
  return landingClaim(t.url, merchantId);
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
