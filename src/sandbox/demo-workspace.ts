import { randomBytes } from 'node:crypto';
import type { QardProviderSettings } from '../modules/commerce/qard-provider-settings.js';
import type { Sandbox } from './index.js';
import { deliverScenario } from './shopline/webhook-deliverer.js';

/**
 * The sandbox's demo workspace, filled the way a person would fill it: a Codat store, a Qard
 * store and a SHOPLINE merchant linked and synced, and an established API Panda connection.
 * Every gateway-side step is the public API called over HTTP with the demo key (mutations,
 * SHOPLINE's signed webhooks and landing page); the merchant's side (approving a link or an
 * OAuth consent, a sync finishing) is played on the simulators. So the first query of the tour
 * returns orders from all three sources, and nothing here bypasses what users go through.
 */

export interface DemoSeedOptions {
  /** The gateway's base URL (`http://host:port`). */
  gatewayUrl: string;
  /** An admin key of the demo workspace. */
  apiKey: string;
  sandbox: Sandbox;
  shoplineAppSecret: string;
  /**
   * What `npm run cli -- qard-provider configure` runs: enabling Qard's `shopify` provider is an
   * operator's deployment-wide step, which no workspace key may take.
   */
  qardProviders: Pick<QardProviderSettings, 'configure'>;
}

/** The SHOPLINE merchant the demo workspace claims. */
export const DEMO_SHOPLINE_MERCHANT = 'demo-merchant';

interface GraphQLAnswer<T> {
  data?: T | null;
  errors?: Array<{ message: string }>;
}

interface Payload {
  userErrors: Array<{ message: string }>;
}

/** One GraphQL request as the demo workspace's API key, answered as sent. */
async function query<T>(o: DemoSeedOptions, q: string, variables = {}): Promise<GraphQLAnswer<T>> {
  const res = await fetch(`${o.gatewayUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': o.apiKey },
    body: JSON.stringify({ query: q, variables }),
  });
  return (await res.json()) as GraphQLAnswer<T>;
}

/** A mutation's payload; its first error or user error stops the seeding. */
async function call<T>(
  o: DemoSeedOptions,
  mutation: string,
  variables: Record<string, unknown>,
): Promise<T> {
  const body = await query<Record<string, Payload>>(o, mutation, variables);
  const payload = body.data ? Object.values(body.data)[0] : undefined;
  const problem = body.errors?.[0]?.message ?? payload?.userErrors[0]?.message;
  if (!payload || problem) throw new Error(`demo workspace: ${problem ?? 'no payload'}`);
  return payload as T;
}

const LINK = `mutation ($input: LinkCommerceSourceInput!) {
  linkCommerceSource(input: $input) { link { id authorizationUrl } userErrors { message } }
}`;
const SYNC = `mutation ($input: SyncCommerceDataInput!) {
  syncCommerceData(input: $input) { userErrors { message } }
}`;
const CLAIM = `mutation ($input: ClaimShoplineMerchantInput!) {
  claimShoplineMerchant(input: $input) { userErrors { message } }
}`;
const START = `mutation ($input: StartConnectionInput!) {
  startConnection(input: $input) { connection { id } authenticationUrl userErrors { message } }
}`;
const REFRESH = `mutation ($input: RefreshConnectionInput!) {
  refreshConnection(input: $input) { connection { status } userErrors { message } }
}`;
const SOURCES = `query { commerce { sources { id source } } }`;

interface LinkPayload extends Payload {
  link: { id: string; authorizationUrl: string };
}

/** A global id's own part, as idempotency keys allow (no `/`). */
const keyPart = (globalId: string) => globalId.slice(globalId.lastIndexOf('/') + 1);

/** The path segments after `marker` in a consent URL: the upstream objects it approves. */
function idsAfter(url: string, marker: string): string[] {
  const parts = new URL(url).pathname.split('/');
  const at = parts.lastIndexOf(marker);
  if (at < 0) throw new Error(`demo workspace: unexpected consent URL ${url}`);
  return parts.slice(at + 1);
}

/**
 * `replacing`: the id of a stale link this one replaces after a restart. The idempotency key
 * then differs from the first run's, whose stored answer is the stale link.
 */
async function link(
  o: DemoSeedOptions,
  source: 'CODAT' | 'QARD',
  name: string,
  replacing: string | undefined,
) {
  const idempotencyKey = replacing
    ? `demo-${source}-after-${keyPart(replacing)}`
    : `demo-${source}`;
  const { link } = await call<LinkPayload>(o, LINK, {
    input: { source, platform: 'shopify', name, idempotencyKey },
  });
  return link;
}

async function linkCodat(o: DemoSeedOptions, replacing?: string): Promise<void> {
  const { authorizationUrl } = await link(o, 'CODAT', 'Demo Codat store', replacing);
  const [companyId] = idsAfter(authorizationUrl, 'link') as [string];
  o.sandbox.codat.authorize(companyId);
  o.sandbox.codat.completeSync(companyId);
}

async function linkQard(o: DemoSeedOptions, replacing?: string): Promise<void> {
  const enabled = await o.qardProviders.configure({
    provider: 'shopify',
    credentials: { clientId: 'sandbox-shopify-app', clientSecret: randomBytes(16).toString('hex') },
    autoConnect: false,
    enabled: true,
  });
  if ('userErrors' in enabled)
    throw new Error(`demo workspace: ${enabled.userErrors.map((e) => e.message).join('; ')}`);
  const { id, authorizationUrl } = await link(o, 'QARD', 'Demo Qard store', replacing);
  const [userId, connectionId] = idsAfter(authorizationUrl, 'connect') as [string, string];
  o.sandbox.qard.authorize(userId, connectionId);
  await call(o, SYNC, { input: { linkId: id, idempotencyKey: `demo-qard-sync-${keyPart(id)}` } });
  o.sandbox.qard.completeSync(userId);
}

/**
 * SHOPLINE installs the app (signed webhooks), then the merchant opens the app's landing page,
 * consents, and the workspace claims the merchant with the code the page shows.
 */
async function claimShopline(o: DemoSeedOptions): Promise<void> {
  await deliverScenario({
    gatewayUrl: o.gatewayUrl,
    merchantId: DEMO_SHOPLINE_MERCHANT,
    appSecret: o.shoplineAppSecret,
    simulator: o.sandbox.shopline,
  });
  const code = await landingClaimCode(o.gatewayUrl, DEMO_SHOPLINE_MERCHANT);
  await call(o, CLAIM, { input: { code, idempotencyKey: 'demo-shopline-claim' } });
}

/** Follows the landing page's OAuth round trip through the sandbox; returns the claim code. */
export async function landingClaimCode(gatewayUrl: string, merchantId: string): Promise<string> {
  const start = await fetch(`${gatewayUrl}/shopline/landing`, { redirect: 'manual' });
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

async function connectApiPanda(o: DemoSeedOptions): Promise<void> {
  const started = await call<{ connection: { id: string }; authenticationUrl: string }>(o, START, {
    input: {
      integrationType: 'SHOPIFY',
      name: 'Demo marketplace',
      idempotencyKey: 'demo-apipanda',
    },
  });
  const [sessionId] = idsAfter(started.authenticationUrl, 'authorize') as [string];
  o.sandbox.apipanda.decide(sessionId, 'approved');
  await call(o, REFRESH, { input: { id: started.connection.id } });
}

type DemoSource = { id: string; source: string };

const LINK_ORDERS = `query ($id: ID!) {
  commerce { orders(first: 1, filter: { linkIds: [$id] }) { totalCount } }
}`;
const UNLINK = `mutation ($input: UnlinkCommerceSourceInput!) {
  unlinkCommerceSource(input: $input) { deletedLinkId userErrors { message } }
}`;

/**
 * Whether a stored link's upstream no longer knows it: the simulators keep their data in
 * memory, so after a restart the Codat company and the Qard user the first run made are gone
 * (SHOPLINE's merchant is simulated from its id and stays).
 */
async function stale(o: DemoSeedOptions, link: DemoSource): Promise<boolean> {
  if (link.source !== 'CODAT' && link.source !== 'QARD') return false;
  const answer = await query<unknown>(o, LINK_ORDERS, { id: link.id });
  return (answer.errors ?? []).some(
    (e) => (e as { extensions?: { code?: string } }).extensions?.code === 'NOT_FOUND',
  );
}

/**
 * After a restart over the same DATA_DIR: each Codat or Qard link whose simulated upstream
 * forgot it is unlinked and linked again (approved and synced as on the first run), through
 * the same mutations. Returns how many were relinked.
 */
async function relinkStale(o: DemoSeedOptions, sources: readonly DemoSource[]): Promise<number> {
  let relinked = 0;
  for (const kind of ['CODAT', 'QARD'] as const) {
    const mine = sources.filter((s) => s.source === kind);
    const gone = [];
    for (const s of mine) if (await stale(o, s)) gone.push(s);
    for (const s of gone)
      await call(o, UNLINK, {
        input: { linkId: s.id, idempotencyKey: `demo-unlink-${keyPart(s.id)}` },
      });
    // A store still served, or one the person unlinked on purpose, is left as it is.
    if (gone.length === 0 || mine.length > gone.length) continue;
    const replacing = gone.at(-1)!.id;
    await (kind === 'CODAT' ? linkCodat(o, replacing) : linkQard(o, replacing));
    relinked++;
  }
  return relinked;
}

/**
 * Fills the demo workspace, or after a restart over the same DATA_DIR (which keeps what the
 * workspace holds) relinks the stores the in-memory simulators forgot, so the tour's first
 * orders query answers. Returns what was done.
 */
export async function seedDemoWorkspace(
  o: DemoSeedOptions,
): Promise<'seeded' | 'relinked' | 'kept'> {
  const sources = await query<{ commerce: { sources: DemoSource[] } }>(o, SOURCES);
  const existing = sources.data?.commerce.sources ?? [];
  if (existing.length > 0) return (await relinkStale(o, existing)) > 0 ? 'relinked' : 'kept';
  await linkCodat(o);
  await linkQard(o);
  await claimShopline(o);
  await connectApiPanda(o);
  return 'seeded';
}
