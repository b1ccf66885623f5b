import { expect } from 'vitest';
import type { TestGateway } from '../../helpers/gateway.js';

/** Links a store through the public mutation, as a client would; returns the link's global id. */
export async function linkSource(
  t: TestGateway,
  source: 'CODAT' | 'QARD',
  name: string,
  platform = 'shopify',
  apiKey = t.keys.a,
): Promise<{ id: string; authorizationUrl: string }> {
  const res = await t.graphql<{
    linkCommerceSource: {
      link: { id: string; authorizationUrl: string } | null;
      userErrors: unknown[];
    };
  }>(
    `mutation ($input: LinkCommerceSourceInput!) {
      linkCommerceSource(input: $input) { link { id authorizationUrl } userErrors { field message code } }
    }`,
    { input: { source, platform, name } },
    { apiKey },
  );
  expect(res.body.errors).toBeUndefined();
  expect(res.body.data!.linkCommerceSource.userErrors).toEqual([]);
  return res.body.data!.linkCommerceSource.link!;
}

/** Authorises the newest Codat company in the sandbox and finishes its syncs. */
export function authorizeCodat(t: TestGateway, complete = true): string {
  const company = t.sandbox.codat.companies().at(-1)!;
  t.sandbox.codat.authorize(company.id);
  if (complete) t.sandbox.codat.completeSync(company.id);
  return company.id;
}

/** Authorises the newest Qard user's connection; the caller syncs through the API. */
export function authorizeQard(t: TestGateway): { userId: string } {
  const user = t.sandbox.qard.users().at(-1)!;
  for (const c of user.connections) t.sandbox.qard.authorize(user.id, c.id);
  return { userId: user.id };
}

export async function syncLink(t: TestGateway, linkId: string): Promise<unknown> {
  const res = await t.graphql<{ syncCommerceData: { queued: unknown[]; userErrors: unknown[] } }>(
    `mutation ($input: SyncCommerceDataInput!) {
      syncCommerceData(input: $input) { queued { dataType state upstreamStatus } userErrors { field message code } }
    }`,
    { input: { linkId } },
  );
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.syncCommerceData;
}
