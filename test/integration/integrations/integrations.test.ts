import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_PROVIDERS } from '../../../src/sandbox/dispatch/catalogue.js';
import { SANDBOX_DISPATCH_TOKEN } from '../../../src/sandbox/dispatch/simulator.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway();
});
afterAll(async () => t?.close());

const SHOPIFY = SANDBOX_PROVIDERS[0]!.id;
const WOO = SANDBOX_PROVIDERS[1]!.id;
const MAGENTO = SANDBOX_PROVIDERS[2]!.id;

const CONFIGURE = `mutation($input: ConfigureIntegrationInput!) {
  configureIntegration(input: $input) {
    integration { id dispatchId providerId provider providerType status connectedAt settings { autoImportOrders syncProducts pushTracking } }
    userErrors { field message code }
  }
}`;
const DISABLE = `mutation($input: DisableIntegrationInput!) {
  disableIntegration(input: $input) { integration { id status } userErrors { field message code } }
}`;
const REMOVE = `mutation($input: RemoveIntegrationInput!) {
  removeIntegration(input: $input) { removedIntegrationId userErrors { field message code } }
}`;
const LIST = `query($status: IntegrationStatus) {
  integrations(status: $status) { totalCount nodes { id provider status } }
}`;

interface UserError {
  field: string[] | null;
  message: string;
  code: string;
}
interface IntegrationResult {
  id: string;
  dispatchId: string;
  provider: string;
  status: string;
}
type ConfigureData = {
  configureIntegration: { integration: IntegrationResult | null; userErrors: UserError[] };
};

const credentials = (apiKey: string) => ({
  apiKey,
  apiSecret: `secret-${apiKey}`,
  storeUrl: `https://${apiKey}.shop.example.com`,
});

const dispatchCalls = () => t.sandbox.server.requestCount('dispatch');

async function configure(
  providerId: string,
  apiKey: string,
  options: { apiKey?: string; idempotencyKey?: string } = {},
) {
  const res = await t.graphql<ConfigureData>(
    CONFIGURE,
    {
      input: {
        providerId,
        credentials: credentials(apiKey),
        idempotencyKey: options.idempotencyKey,
      },
    },
    { apiKey: options.apiKey ?? t.keys.a },
  );
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.configureIntegration;
}

describe('integrations', () => {
  it('configures an integration, records it without credentials and lists it', async () => {
    const result = await configure(SHOPIFY, 'key-shopify-1');
    expect(result.userErrors).toEqual([]);
    expect(result.integration).toMatchObject({
      provider: 'Shopify',
      providerId: SHOPIFY,
      providerType: 'ECOMMERCE',
      status: 'ACTIVE',
      settings: { autoImportOrders: true, syncProducts: true, pushTracking: true },
    });
    expect(result.integration!.id).toMatch(/^gid:\/\/commerce-graph\/Integration\//);
    expect(result.integration!.id).toContain(result.integration!.dispatchId);
    // Dispatch holds it in the workspace's account.
    const account = t.sandbox.dispatch.account(SANDBOX_DISPATCH_TOKEN);
    expect(account.integrations.get(result.integration!.dispatchId)?.status).toBe('active');

    const list = await t.graphql<{
      integrations: { totalCount: number; nodes: IntegrationResult[] };
    }>(LIST);
    expect(list.body.data?.integrations.nodes).toEqual([
      { id: result.integration!.id, provider: 'Shopify', status: 'ACTIVE' },
    ]);
    // Another workspace does not see it, by list or by id.
    const other = await t.graphql<{ integrations: { totalCount: number } }>(
      LIST,
      {},
      { apiKey: t.keys.b },
    );
    expect(other.body.data?.integrations.totalCount).toBe(0);
    const node = await t.graphql<{ node: { id: string } | null }>(
      'query($id: ID!) { node(id: $id) { id ... on Integration { provider } } }',
      { id: result.integration!.id },
      { apiKey: t.keys.b },
    );
    expect(node.body.data?.node).toBeNull();
    const own = await t.graphql<{ node: { provider: string } | null }>(
      'query($id: ID!) { node(id: $id) { ... on Integration { provider } } }',
      { id: result.integration!.id },
    );
    expect(own.body.data?.node).toEqual({ provider: 'Shopify' });
  });

  it('maps Dispatch CONFLICT, CONFIGURATION_ERROR and NOT_FOUND to userErrors of the mutation', async () => {
    const conflict = await configure(SHOPIFY, 'key-shopify-2');
    expect(conflict.integration).toBeNull();
    expect(conflict.userErrors).toEqual([
      {
        field: ['input', 'providerId'],
        message: 'Dispatch: Integration already configured',
        code: 'CONFLICT',
      },
    ]);

    const invalid = await configure(WOO, 'invalid-key');
    expect(invalid.integration).toBeNull();
    expect(invalid.userErrors).toMatchObject([
      { code: 'CONFIGURATION_ERROR', message: 'Dispatch: Invalid credentials' },
    ]);

    const unknown = await configure('00000000-0000-4000-8000-000000000000', 'key-unknown');
    expect(unknown.userErrors).toMatchObject([
      { code: 'NOT_FOUND', field: ['input', 'providerId'] },
    ]);
  });

  it('rejects malformed input before calling Dispatch', async () => {
    const before = dispatchCalls();
    const res = await t.graphql<ConfigureData>(CONFIGURE, {
      input: {
        providerId: 'not-a-uuid',
        credentials: { apiKey: ' ', apiSecret: 's', storeUrl: 'http://plain.example.com' },
      },
    });
    expect(
      res.body.data?.configureIntegration.userErrors.map((e) => [e.field?.join('.'), e.code]),
    ).toEqual([
      ['input.providerId', 'INVALID'],
      ['input.credentials.apiKey', 'INVALID'],
      ['input.credentials.storeUrl', 'INVALID'],
    ]);
    expect(dispatchCalls()).toBe(before);
  });

  it('needs the admin role to configure, without calling Dispatch', async () => {
    const before = dispatchCalls();
    const result = await configure(MAGENTO, 'key-member', { apiKey: t.keys.aMember });
    expect(result.userErrors).toMatchObject([{ code: 'FORBIDDEN' }]);
    expect(dispatchCalls()).toBe(before);
  });

  it('disables and removes an integration, and the list follows', async () => {
    const { integration } = await configure(MAGENTO, 'key-magento');
    const id = integration!.id;

    const disabled = await t.graphql<{
      disableIntegration: { integration: { status: string } | null; userErrors: UserError[] };
    }>(DISABLE, { input: { integrationId: id } });
    expect(disabled.body.data?.disableIntegration).toEqual({
      integration: { id, status: 'DISABLED' },
      userErrors: [],
    });
    const disabledList = await t.graphql<{ integrations: { nodes: IntegrationResult[] } }>(LIST, {
      status: 'DISABLED',
    });
    expect(disabledList.body.data?.integrations.nodes.map((n) => n.id)).toEqual([id]);

    const removed = await t.graphql<{
      removeIntegration: { removedIntegrationId: string | null; userErrors: UserError[] };
    }>(REMOVE, { input: { integrationId: id } });
    expect(removed.body.data?.removeIntegration).toEqual({
      removedIntegrationId: id,
      userErrors: [],
    });
    expect(
      t.sandbox.dispatch.account(SANDBOX_DISPATCH_TOKEN).integrations.has(integration!.dispatchId),
    ).toBe(false);
    const all = await t.graphql<{ integrations: { nodes: IntegrationResult[] } }>(LIST);
    expect(all.body.data?.integrations.nodes.map((n) => n.id)).not.toContain(id);

    // Gone from this workspace's records: NOT_FOUND without another Dispatch call.
    const before = dispatchCalls();
    const again = await t.graphql<{
      removeIntegration: { removedIntegrationId: string | null; userErrors: UserError[] };
    }>(REMOVE, { input: { integrationId: id } });
    expect(again.body.data?.removeIntegration).toMatchObject({
      removedIntegrationId: null,
      userErrors: [{ code: 'NOT_FOUND' }],
    });
    expect(dispatchCalls()).toBe(before);
  });

  it("refuses another workspace's integration id without calling Dispatch", async () => {
    const [first] = (await t.graphql<{ integrations: { nodes: IntegrationResult[] } }>(LIST)).body
      .data!.integrations.nodes;
    const before = dispatchCalls();
    const res = await t.graphql<{
      disableIntegration: { integration: unknown; userErrors: UserError[] };
    }>(DISABLE, { input: { integrationId: first!.id } }, { apiKey: t.keys.b });
    expect(res.body.data?.disableIntegration).toMatchObject({
      integration: null,
      userErrors: [{ code: 'NOT_FOUND' }],
    });
    expect(dispatchCalls()).toBe(before);
    expect(
      t.sandbox.dispatch
        .account(SANDBOX_DISPATCH_TOKEN)
        .integrations.get(first!.id.split('/').pop()!)?.status,
    ).toBe('active');
  });

  it('replays configureIntegration with the same idempotency key without calling Dispatch again', async () => {
    const provider = SANDBOX_PROVIDERS[3]!.id;
    const first = await configure(provider, 'key-bigcommerce', { idempotencyKey: 'cfg-bc-1' });
    expect(first.userErrors).toEqual([]);
    const before = dispatchCalls();
    const replay = await configure(provider, 'key-bigcommerce', { idempotencyKey: 'cfg-bc-1' });
    expect(replay).toEqual(first);
    expect(dispatchCalls()).toBe(before);
  });

  it('never logs, stores or returns integration credentials', async () => {
    const secretKey = 'key-LEAKCHECK-9f3a';
    const creds = credentials(secretKey);
    await t.graphql(CONFIGURE, {
      input: { providerId: WOO, credentials: creds, idempotencyKey: 'leak-check' },
    });
    const res = await t.graphql(LIST);
    const needles = [creds.apiKey, creds.apiSecret, creds.storeUrl];
    for (const needle of needles) {
      expect(JSON.stringify(res.body)).not.toContain(needle);
      expect(t.logs.join('\n')).not.toContain(needle);
    }
    // Nothing in the gateway's own tables holds them either.
    const { db } = t.gateway.services.store;
    for (const table of ['integrations', 'idempotency_records']) {
      const rows = await db.execute(sql.raw(`SELECT row_to_json(x)::text AS row FROM ${table} x`));
      const text = JSON.stringify(rows);
      expect(text.length).toBeGreaterThan(20);
      for (const needle of needles) expect(text).not.toContain(needle);
    }
  });
});
