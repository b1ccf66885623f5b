import { createECDH, randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_DISPATCH_TOKEN } from '../../../src/sandbox/dispatch/simulator.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';

const JWT_SECRET = 'integrations-test-secret-0123456789abcdef';

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway({ env: { JWT_SECRET } });
});
afterAll(async () => t?.close());

const TRIGGERS = '{ workflowTriggers(entityType: CUSTOMER) { totalCount } }';
const SET_TOKEN = `mutation($input: SetDispatchServiceTokenInput!) {
  setDispatchServiceToken(input: $input) { serviceTokenConfigured userErrors { field message code } }
}`;
const SAVE_PUSH = `mutation($input: SavePushSubscriptionInput!) {
  savePushSubscription(input: $input) { endpoint userErrors { field message code } }
}`;

const lastToken = () => t.sandbox.dispatch.receivedTokens().at(-1);

const jwtFor = (workspace: string) =>
  new SignJWT({ workspace })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('user-42')
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(JWT_SECRET));

describe('Dispatch bearer token', () => {
  it("forwards a JWT caller's own token", async () => {
    const jwt = await jwtFor('ws-a');
    const res = await t.graphql(
      TRIGGERS,
      {},
      { apiKey: null, headers: { authorization: `Bearer ${jwt}` } },
    );
    expect(res.body.errors).toBeUndefined();
    expect(lastToken()).toBe(jwt);
  });

  it('uses the deployment token (the sandbox demo token) for API-key callers of a workspace without one', async () => {
    const res = await t.graphql(TRIGGERS);
    expect(res.body.errors).toBeUndefined();
    expect(lastToken()).toBe(SANDBOX_DISPATCH_TOKEN);
  });

  it("uses a workspace's own service token, stored sealed and never logged", async () => {
    const token = 'dsp_sandbox_workspace_b_7c1f';
    const member = await t.graphql<{
      setDispatchServiceToken: { userErrors: Array<{ code: string }> };
    }>(SET_TOKEN, { input: { token } }, { apiKey: t.keys.aMember });
    expect(member.body.data?.setDispatchServiceToken.userErrors).toMatchObject([
      { code: 'FORBIDDEN' },
    ]);

    const set = await t.graphql(SET_TOKEN, { input: { token } }, { apiKey: t.keys.b });
    expect(set.body.data).toEqual({
      setDispatchServiceToken: { serviceTokenConfigured: true, userErrors: [] },
    });
    await t.graphql(TRIGGERS, {}, { apiKey: t.keys.b });
    expect(lastToken()).toBe(token);
    // The workspace's token takes precedence over a JWT caller's own token.
    const jwtB = await jwtFor('ws-b');
    await t.graphql(TRIGGERS, {}, { apiKey: null, headers: { authorization: `Bearer ${jwtB}` } });
    expect(lastToken()).toBe(token);

    const rows = await t.gateway.services.store.db.execute(
      sql.raw('SELECT sealed_token FROM dispatch_service_tokens'),
    );
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(t.logs.join('\n')).not.toContain(token);
    expect(t.logs.join('\n')).not.toContain(SANDBOX_DISPATCH_TOKEN);

    const cleared = await t.graphql(SET_TOKEN, { input: { token: null } }, { apiKey: t.keys.b });
    expect(cleared.body.data).toEqual({
      setDispatchServiceToken: { serviceTokenConfigured: false, userErrors: [] },
    });
    await t.graphql(TRIGGERS, {}, { apiKey: t.keys.b });
    expect(lastToken()).toBe(SANDBOX_DISPATCH_TOKEN);
  });

  it('reports a service token Dispatch refuses as an upstream error that says how to fix it', async () => {
    await t.graphql(SET_TOKEN, { input: { token: 'dsp_sandbox_revoked_1' } }, { apiKey: t.keys.b });
    const res = await t.graphql(TRIGGERS, {}, { apiKey: t.keys.b });
    expect(res.body.errors).toMatchObject([
      { path: ['workflowTriggers'], extensions: { code: 'UPSTREAM_ERROR', upstream: 'dispatch' } },
    ]);
    expect(res.body.errors?.[0]?.message).toMatch(/setDispatchServiceToken/);
    await t.graphql(SET_TOKEN, { input: { token: null } }, { apiKey: t.keys.b });
  });
});

describe('savePushSubscription', () => {
  const keys = () => ({
    p256dh: createECDH('prime256v1').generateKeys().toString('base64url'),
    auth: randomBytes(16).toString('base64url'),
  });

  it('registers a subscription with Dispatch', async () => {
    const endpoint = 'https://fcm.googleapis.com/fcm/send/device-123';
    const input = { endpoint, keys: keys() };
    const res = await t.graphql(SAVE_PUSH, { input }, { apiKey: t.keys.aMember });
    expect(res.body.data).toEqual({ savePushSubscription: { endpoint, userErrors: [] } });
    expect(
      t.sandbox.dispatch.account(SANDBOX_DISPATCH_TOKEN).pushSubscriptions.get(endpoint)?.keys,
    ).toEqual(input.keys);
    expect(t.logs.join('\n')).not.toContain(input.keys.auth);
  });

  it('rejects malformed subscriptions before calling Dispatch', async () => {
    const before = t.sandbox.server.requestCount('dispatch');
    const res = await t.graphql<{
      savePushSubscription: { userErrors: Array<{ field: string[]; code: string }> };
    }>(SAVE_PUSH, {
      input: {
        endpoint: 'http://insecure.example.com/push',
        keys: { p256dh: 'bm90LWEta2V5', auth: 'short!' },
      },
    });
    expect(
      res.body.data?.savePushSubscription.userErrors.map((e) => [e.field.join('.'), e.code]),
    ).toEqual([
      ['input.endpoint', 'INVALID'],
      ['input.keys.p256dh', 'INVALID'],
      ['input.keys.auth', 'INVALID'],
    ]);
    expect(t.sandbox.server.requestCount('dispatch')).toBe(before);
  });
});
