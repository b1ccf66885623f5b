import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { landingClaimCode } from '../../src/sandbox/demo-workspace.js';
import { SANDBOX_CODAT_API_KEY } from '../../src/sandbox/codat/simulator.js';
import { SANDBOX_QARD_API_KEY } from '../../src/sandbox/qard/simulator.js';
import { SANDBOX_SHOPLINE_APP_SECRET } from '../../src/sandbox/shopline/simulator.js';
import type { SandboxControl } from '../harness/sandbox-control.js';
import { ROOT } from '../harness/servers.js';
import type { Fixtures } from './types.js';

/**
 * Sets a run up the way a user would, through the gateway's own API: link a Codat store (and,
 * in a second workspace, a Codat and a Qard store), authorise them on the sandbox's link pages,
 * wait for the first sync, give the workspace a Dispatch service token and pick a workflow, and
 * (in a third workspace) install the SHOPLINE app and claim the merchant. The ids the peer, the
 * limit and the raw-upstream requests need come out of these answers.
 */

const DISPATCH_TOKEN = 'dsp_sandbox_bench';

interface GraphqlAnswer {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

export interface FixtureContext {
  gatewayOrigin: string;
  sandboxOrigin: string;
  apiKey: string;
  mergedApiKey: string;
  /** The workspace for scenario 6's SHOPLINE merchant; none: scenario 6 is not set up. */
  shoplineApiKey?: string;
  sandbox: SandboxControl;
}

export async function prepareFixtures(ctx: FixtureContext): Promise<Fixtures> {
  const gql = graphqlClient(ctx.gatewayOrigin);
  const codatLink = await linkSource(gql, ctx.apiKey, 'CODAT');
  const [, companyId, connectionId] =
    /\/link\/([^/]+)\/([^/?]+)/.exec(new URL(codatLink.url).pathname) ?? [];
  if (!companyId || !connectionId) throw new Error(`unexpected Codat link URL ${codatLink.url}`);
  const first = await waitForOrders(gql, ctx.apiKey);

  return {
    apiKey: ctx.apiKey,
    codat: {
      baseUrl: `${ctx.sandboxOrigin}/codat`,
      authorization: `Basic ${Buffer.from(SANDBOX_CODAT_API_KEY).toString('base64')}`,
      companyId,
      connectionId,
    },
    order: first,
    workflow: await prepareWorkflow(gql, ctx),
    merged: await prepareMerged(gql, ctx),
    shopline: await prepareShopline(gql, ctx),
  };
}

type Gql = (
  apiKey: string,
  query: string,
  variables?: Record<string, unknown>,
) => Promise<Record<string, unknown>>;

function graphqlClient(origin: string): Gql {
  return async (apiKey, query, variables = {}) => {
    const res = await fetch(`${origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: JSON.stringify({ query, variables }),
    });
    const answer = (await res.json()) as GraphqlAnswer;
    if (answer.errors?.length || !answer.data) {
      const error = new Error(
        `gateway answered: ${JSON.stringify(answer.errors ?? answer).slice(0, 500)}`,
      );
      Object.assign(error, { codes: (answer.errors ?? []).map((e) => e.extensions?.code) });
      throw error;
    }
    return answer.data;
  };
}

const LINK = /* GraphQL */ `
  mutation Link($input: LinkCommerceSourceInput!) {
    linkCommerceSource(input: $input) {
      link {
        id
        authorizationUrl
      }
      userErrors {
        field
        message
      }
    }
  }
`;

async function linkSource(
  gql: Gql,
  apiKey: string,
  source: 'CODAT' | 'QARD',
): Promise<{ id: string; url: string }> {
  const data = await gql(apiKey, LINK, {
    input: { source, platform: 'shopify', name: `Bench ${source.toLowerCase()} store` },
  });
  const payload = data['linkCommerceSource'] as {
    link: { id: string; authorizationUrl: string | null } | null;
    userErrors: unknown[];
  };
  if (!payload.link?.authorizationUrl)
    throw new Error(`linkCommerceSource(${source}) failed: ${JSON.stringify(payload.userErrors)}`);
  await authorise(payload.link.authorizationUrl);
  return { id: payload.link.id, url: payload.link.authorizationUrl };
}

/** Presses "Authorise" on the sandbox's link page, as the merchant would. */
export async function authorise(url: string): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'decision=authorise',
  });
  if (!res.ok) throw new Error(`authorising ${url} answered ${res.status}`);
  await res.arrayBuffer();
}

/**
 * The first sync takes a moment (409 / DATA_NOT_READY until then): wait until orders of
 * `sources` different sources come back, and return the newest order.
 */
async function waitForOrders(gql: Gql, apiKey: string, sources = 1): Promise<Fixtures['order']> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const data = await gql(
        apiKey,
        `{ commerce { orders(first: 50) { nodes { id sourceId source } } } }`,
      );
      const commerce = data['commerce'] as {
        orders: { nodes: Array<{ id: string; sourceId: string; source: string }> };
      };
      const nodes = commerce.orders.nodes;
      const node = nodes[0];
      if (node && new Set(nodes.map((n) => n.source)).size >= sources) {
        return { globalId: node.id, sourceId: node.sourceId };
      }
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline)
      throw new Error(`orders of ${sources} sources did not arrive in 60 s`);
    await sleep(500);
  }
}

async function prepareWorkflow(gql: Gql, ctx: FixtureContext): Promise<Fixtures['workflow']> {
  try {
    await gql(
      ctx.apiKey,
      `mutation($input: SetDispatchServiceTokenInput!) { setDispatchServiceToken(input: $input) { serviceTokenConfigured } }`,
      { input: { token: DISPATCH_TOKEN } },
    );
    const data = await gql(
      ctx.apiKey,
      `{ workflows(entityType: ORDER, managed: true) { nodes { id dispatchId isManaged } } }`,
    );
    const nodes = (
      data['workflows'] as { nodes: Array<{ id: string; dispatchId: string; isManaged: boolean }> }
    ).nodes;
    const workflow = nodes.find((w) => !w.isManaged);
    if (!workflow) return undefined;
    return {
      globalId: workflow.id,
      guid: workflow.dispatchId,
      dispatchBaseUrl: `${ctx.sandboxOrigin}/dispatch`,
      dispatchToken: DISPATCH_TOKEN,
    };
  } catch (error) {
    console.warn(`bench: scenario 4 not set up: ${(error as Error).message}`);
    return undefined;
  }
}

async function prepareMerged(gql: Gql, ctx: FixtureContext): Promise<Fixtures['merged']> {
  try {
    // The Qard provider app was configured by the operator's CLI (configureQardProvider).
    await linkSource(gql, ctx.mergedApiKey, 'CODAT');
    const qard = await linkSource(gql, ctx.mergedApiKey, 'QARD');
    const [, userId] = /\/connect\/([^/]+)\//.exec(new URL(qard.url).pathname) ?? [];
    if (!userId) throw new Error(`unexpected Qard connect URL ${qard.url}`);
    // Qard fetches nothing until asked: queue the first sync of every dataset.
    await gql(
      ctx.mergedApiKey,
      `mutation($input: SyncCommerceDataInput!) { syncCommerceData(input: $input) { userErrors { field message } } }`,
      { input: { linkId: qard.id } },
    );
    await waitForOrders(gql, ctx.mergedApiKey, 2);
    return {
      apiKey: ctx.mergedApiKey,
      qardOrdersUrl: `${ctx.sandboxOrigin}/qard/api/v6/users/${userId}/commerce-orders?page=1&per_page=50`,
      qardHeaders: { 'x-api-key': SANDBOX_QARD_API_KEY, accept: 'application/json' },
    };
  } catch (error) {
    console.warn(`bench: scenario 3 not set up: ${(error as Error).message}`);
    return undefined;
  }
}

/** The SHOPLINE merchant the s6 workspace claims. */
const BENCH_SHOPLINE_MERCHANT = 'bench-merchant';

const CLAIM = /* GraphQL */ `
  mutation Claim($code: String!) {
    claimShoplineMerchant(input: { code: $code, idempotencyKey: "bench-claim" }) {
      merchant {
        merchantId
      }
      userErrors {
        field
        message
      }
    }
  }
`;

/**
 * A workspace with a Codat store and a SHOPLINE merchant, set up as docs/shopline.md tells:
 * SHOPLINE installs the app (`npm run sandbox -- shopline:install`, its signed webhooks), the
 * merchant opens the app's landing page and consents (the OAuth round trip on the sandbox), and
 * the workspace's admin claims the merchant with the code the page shows.
 */
async function prepareShopline(gql: Gql, ctx: FixtureContext): Promise<Fixtures['shopline']> {
  const apiKey = ctx.shoplineApiKey;
  if (!apiKey) return undefined;
  try {
    await linkSource(gql, apiKey, 'CODAT');
    await promisify(execFile)(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/sandbox/main.ts',
        'shopline:install',
        '--merchant',
        BENCH_SHOPLINE_MERCHANT,
        '--gateway',
        ctx.gatewayOrigin,
      ],
      // Signed with the secret the bench gives the gateway (gatewayEnvironment), whatever this
      // shell's SHOPLINE_APP_SECRET is.
      { cwd: ROOT, env: { ...process.env, SHOPLINE_APP_SECRET: SANDBOX_SHOPLINE_APP_SECRET } },
    );
    const code = await landingClaimCode(ctx.gatewayOrigin, BENCH_SHOPLINE_MERCHANT);
    const data = await gql(apiKey, CLAIM, { code });
    const payload = data['claimShoplineMerchant'] as {
      merchant: { merchantId: string } | null;
      userErrors: unknown[];
    };
    if (!payload.merchant) throw new Error(`claim refused: ${JSON.stringify(payload.userErrors)}`);
    await waitForOrders(gql, apiKey);
    return { apiKey, merchantId: payload.merchant.merchantId };
  } catch (error) {
    console.warn(`bench: scenario 6's SHOPLINE merchant not set up: ${(error as Error).message}`);
    return undefined;
  }
}
