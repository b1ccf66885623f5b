import { createHash } from 'node:crypto';

/**
 * The four webhooks of SHOPLINE's "Complete Integration Example 1" (its app install and token
 * webhook guide), with their event times, for any merchant id. Trace ids and
 * resource ids are derived from the merchant so each merchant's deliveries are distinct and
 * repeatable. `token` values are the sandbox's own (the Open API simulator accepts them).
 */
export interface SeedEventOptions {
  merchantId: string;
  /** Token of the `access_token/create` event (scope `orders`). */
  createdToken: string;
  /** Token of the `access_token/revoke` event (scopes `orders products`). */
  revokedToken: string;
}

export type ShoplineWebhookPayload = Record<string, unknown> & {
  trace_id: string;
  ts: string;
  topic: string;
  merchant_id: string;
};

const derive = (merchantId: string, label: string, length: number) =>
  createHash('sha256').update(`${merchantId}:${label}`).digest('hex').slice(0, length);

const traceId = (merchantId: string, label: string) => {
  const h = derive(merchantId, `trace:${label}`, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
};

export function seedLifecycleEvents(o: SeedEventOptions): ShoplineWebhookPayload[] {
  const m = o.merchantId;
  return [
    {
      trace_id: traceId(m, 'install'),
      ts: '1679889632648615711',
      event: 'Application',
      topic: 'application/install',
      merchant_id: m,
      resource: {
        _id: derive(m, 'installation-1', 24),
        app_settings: { app_scripts_activated: false },
        application_id: '64210a1e6425fdf32c5fff20',
        application_version: '64210a1e6425fdf32c5fff25',
        authorized_at: '2023-03-27T04:00:32.55Z',
        authorized_grants_digest: '9545301da7846bb8f2a5529a97d705d9',
        created_at: '2023-03-27T04:00:32.552Z',
        deleted_at: null,
        installed_by: 'MERCHANT',
        merchant_id: m,
        requested_grants_digest: '9545301da7846bb8f2a5529a97d705d9',
        updated_at: '2023-03-27T04:00:32.552Z',
      },
    },
    {
      trace_id: traceId(m, 'token-create'),
      ts: '1679889632695507901',
      event: 'AccessToken',
      topic: 'access_token/create',
      merchant_id: m,
      resource: {
        _id: derive(m, 'token-1', 24),
        application_id: '64210a1e1663f1000af19359',
        created_at: '2023-03-27T04:00:32.638Z',
        expires_at: '2340-02-14T21:47:11.638Z',
        expires_in: 9999999999,
        resource_owner_id: { id: m, performer_id: '5f0bda5e6d881d006569eba4' },
        scopes: 'orders',
        token: o.createdToken,
        updated_at: '2023-03-27T04:00:32.643Z',
      },
    },
    {
      trace_id: traceId(m, 'uninstall'),
      ts: '1679889776022570525',
      event: 'Application',
      topic: 'application/uninstall',
      merchant_id: m,
      resource: {
        _id: derive(m, 'installation-2', 24),
        app_settings: { app_scripts_activated: false },
        application_id: '64210a1e6425fdf32c5fff20',
        application_version: '642114fa35820856ae70a3cf',
        authorized_at: '2023-03-27T04:01:32.743Z',
        authorized_grants_digest: '2bd38683c6c597a28775055a6d64c4fe',
        created_at: '2023-03-27T04:01:32.743Z',
        deleted_at: '2023-03-27T04:02:55.678Z',
        installed_by: 'MERCHANT',
        merchant_id: m,
        requested_grants_digest: '2bd38683c6c597a28775055a6d64c4fe',
        updated_at: '2023-03-27T04:02:55.682Z',
      },
    },
    {
      trace_id: traceId(m, 'token-revoke'),
      ts: '1679889775763564329',
      event: 'AccessToken',
      topic: 'access_token/revoke',
      merchant_id: m,
      resource: {
        _id: derive(m, 'token-2', 24),
        application_id: '64210a1e1663f1000af19359',
        created_at: '2023-03-27T04:01:32.814Z',
        expires_at: '2340-02-14T21:48:11.814Z',
        expires_in: 9999999999,
        resource_owner_id: { id: m, performer_id: '5f0bda5e6d881d006569eba4' },
        revoked_at: '2023-03-27T04:02:55.707Z',
        scopes: 'orders products',
        token: o.revokedToken,
        updated_at: '2023-03-27T04:02:55.707Z',
      },
    },
  ];
}

/**
 * A fresh install as a merchant would do it today: `application/install` then
 * `access_token/create` with the given scopes, timed now (nanoseconds).
 */
export function installEvents(
  merchantId: string,
  token: string,
  scopes: string[],
  nowMs = Date.now(),
): ShoplineWebhookPayload[] {
  const ns = BigInt(nowMs) * 1_000_000n;
  const iso = new Date(nowMs).toISOString();
  const tokenId = derive(merchantId, `token:${token}`, 24);
  return [
    {
      trace_id: traceId(merchantId, `install:${nowMs}`),
      ts: String(ns),
      event: 'Application',
      topic: 'application/install',
      merchant_id: merchantId,
      resource: {
        _id: derive(merchantId, `installation:${nowMs}`, 24),
        app_settings: { app_scripts_activated: false },
        application_id: '64210a1e6425fdf32c5fff20',
        authorized_at: iso,
        created_at: iso,
        deleted_at: null,
        installed_by: 'MERCHANT',
        merchant_id: merchantId,
        updated_at: iso,
      },
    },
    {
      trace_id: traceId(merchantId, `token-create:${token}`),
      ts: String(ns + 46_891_190n),
      event: 'AccessToken',
      topic: 'access_token/create',
      merchant_id: merchantId,
      resource: {
        _id: tokenId,
        application_id: '64210a1e1663f1000af19359',
        created_at: iso,
        expires_at: '2340-02-14T21:47:11.638Z',
        expires_in: 9999999999,
        resource_owner_id: { id: merchantId, performer_id: derive(merchantId, 'performer', 24) },
        scopes: scopes.join(' '),
        token,
        updated_at: iso,
      },
    },
  ];
}
