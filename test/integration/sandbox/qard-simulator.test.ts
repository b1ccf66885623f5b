import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../../src/sandbox/index.js';
import { SANDBOX_QARD_API_KEY } from '../../../src/sandbox/qard/simulator.js';

/** The Qard simulator over real HTTP, following the Shopify provider seed step by step. */

let sandbox: Sandbox;
let base: string;

async function call(
  method: string,
  path: string,
  body?: unknown,
  apiKey: string | null = SANDBOX_QARD_API_KEY,
) {
  const res = await fetch(base + path, {
    method,
    headers: {
      ...(apiKey ? { 'x-api-key': apiKey } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return {
    status: res.status,
    text,
    json: <T = Record<string, unknown>>() => JSON.parse(text) as T,
  };
}

interface Envelope<T = { id: string; source_created_at: string }> {
  total: number;
  per_page: number;
  current_page: number;
  last_page: number;
  result: T[];
}

const TYPES = ['COMMERCE_LOCATION', 'COMMERCE_CUSTOMER', 'COMMERCE_PRODUCT', 'COMMERCE_ORDER'];

/** A user with a CONNECTED Shopify data connection. */
async function connectedUser(name: string): Promise<{ userId: string; connectionId: string }> {
  const user = (await call('POST', '/api/v6/users', { name })).json<{ id: string }>();
  const connection = (
    await call('POST', `/api/v6/users/${user.id}/data-connections`, {
      provider_name: 'shopify',
      requested_data_types: TYPES,
    })
  ).json<{ id: string }>();
  sandbox.qard.authorize(user.id, connection.id);
  return { userId: user.id, connectionId: connection.id };
}

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 5 });
  base = sandbox.urls.qard!;
});
afterAll(() => sandbox.close());

describe('Qard simulator', () => {
  it('rejects requests without the right X-API-KEY', async () => {
    for (const key of [null, 'wrong']) {
      const res = await call('GET', '/api/v6/providers/shopify', undefined, key);
      expect(res.status).toBe(401);
      expect(res.json()).toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
    }
  });

  it('configures the Shopify provider as the seed does, never echoing credentials', async () => {
    const enableFirst = await call('PUT', '/api/v6/providers/shopify', { enable: true });
    expect(enableFirst.json()).toMatchObject({ status: 400, code: 'PROVIDER_CREDENTIALS_MISSING' });
    const user = (await call('POST', '/api/v6/users', { name: 'Too early' })).json<{
      id: string;
    }>();
    const disabled = await call('POST', `/api/v6/users/${user.id}/data-connections`, {
      provider_name: 'shopify',
      requested_data_types: TYPES,
    });
    expect(disabled.json()).toMatchObject({ status: 400, code: 'PROVIDER_DISABLED' });

    expect(
      (
        await call('PUT', '/api/v6/providers/shopify/credentials', {
          credentials: { client_id: 'API_KEY' },
        })
      ).status,
    ).toBe(400);
    const creds = await call('PUT', '/api/v6/providers/shopify/credentials', {
      credentials: { client_id: 'API_KEY', client_secret: 'API_SECRET_KEY' },
    });
    expect(creds.status).toBe(200);
    expect(creds.text).not.toContain('API_SECRET_KEY');
    expect(creds.text).not.toContain('API_KEY"');
    expect(
      (await call('PUT', '/api/v6/providers/shopify/settings', { auto_connect: 'yes' })).status,
    ).toBe(400);
    expect(
      (await call('PUT', '/api/v6/providers/shopify/settings', { auto_connect: true })).json(),
    ).toMatchObject({ auto_connect: true });
    const enabled = await call('PUT', '/api/v6/providers/shopify', { enable: true });
    expect(enabled.json()).toMatchObject({
      name: 'shopify',
      enabled: true,
      available: true,
      auth_required: true,
    });
    const provider = await call('GET', '/api/v6/providers/shopify');
    expect(provider.json<{ data_types: string[] }>().data_types).toEqual(TYPES);
    expect(provider.text).not.toContain('API_SECRET_KEY');
    expect((await call('GET', '/api/v6/providers/nope')).status).toBe(404);
  });

  it('creates a data connection the user authorises on the redirect page', async () => {
    const user = (await call('POST', '/api/v6/users', { name: 'Acme' })).json<{ id: string }>();
    expect((await call('POST', '/api/v6/users', {})).status).toBe(400);
    expect(
      (
        await call('POST', `/api/v6/users/${user.id}/data-connections`, {
          provider_name: 'shopify',
          requested_data_types: ['NOPE'],
        })
      ).status,
    ).toBe(400);
    const created = await call('POST', `/api/v6/users/${user.id}/data-connections`, {
      provider_name: 'shopify',
      requested_data_types: TYPES,
    });
    expect(created.status).toBe(201);
    const connection = created.json<{
      id: string;
      status: string;
      redirect_url: string;
      provider_name: string;
    }>();
    expect(connection).toMatchObject({
      status: 'AUTH_REQUIRED',
      provider_name: 'shopify',
      requested_data_types: TYPES,
    });
    expect(connection.redirect_url).toBe(`${base}/connect/${user.id}/${connection.id}`);

    expect(
      (await call('POST', `/api/v6/users/${user.id}/sync`, { data_types: TYPES })).json(),
    ).toMatchObject({ code: 'NO_CONNECTED_DATA_CONNECTION' });
    expect(await (await fetch(connection.redirect_url)).text()).toContain('id="authorise"');
    await fetch(connection.redirect_url, { method: 'POST', body: 'decision=authorise' });
    const after = (
      await call('GET', `/api/v6/users/${user.id}/data-connections/${connection.id}`)
    ).json();
    expect(after).toMatchObject({ status: 'CONNECTED' });
    const list = (await call('GET', `/api/v6/users/${user.id}/data-connections`)).json<Envelope>();
    expect(list).toMatchObject({ total: 1, current_page: 1, last_page: 1 });
    expect(
      (
        await call('PATCH', `/api/v6/users/${user.id}/data-connections/${connection.id}`, {
          status: 'DISCONNECTED',
        })
      ).json(),
    ).toMatchObject({ status: 'DISCONNECTED' });
  });

  it('syncs: lists are empty before the first success, 409 while a sync of the same type runs', async () => {
    const { userId } = await connectedUser('Sync Co');
    const empty = (await call('GET', `/api/v6/users/${userId}/commerce-orders`)).json<Envelope>();
    expect(empty).toEqual({ total: 0, per_page: 20, current_page: 1, last_page: 1, result: [] });
    expect((await call('GET', `/api/v6/users/${userId}/sync/latest`)).status).toBe(404);

    const sync = await call('POST', `/api/v6/users/${userId}/sync`, {
      data_types: ['COMMERCE_ORDER', 'COMMERCE_CUSTOMER'],
    });
    expect(sync.status).toBe(201);
    expect(sync.json()).toMatchObject({
      status: 'QUEUED',
      data_types: ['COMMERCE_ORDER', 'COMMERCE_CUSTOMER'],
    });
    expect(
      (
        await call('POST', `/api/v6/users/${userId}/sync`, { data_types: ['COMMERCE_ORDER'] })
      ).json(),
    ).toMatchObject({ status: 409, code: 'SYNC_ALREADY_RUNNING' });
    // Another type is not blocked.
    expect(
      (await call('POST', `/api/v6/users/${userId}/sync`, { data_types: ['COMMERCE_PRODUCT'] }))
        .status,
    ).toBe(201);
    expect(
      (await call('GET', `/api/v6/users/${userId}/commerce-orders`)).json<Envelope>().total,
    ).toBe(0);

    sandbox.qard.completeSync(userId);
    expect((await call('GET', `/api/v6/users/${userId}/sync/latest`)).json()).toMatchObject({
      status: 'SUCCESS',
      data_types: ['COMMERCE_PRODUCT'],
    });
    expect((await call('GET', `/api/v6/users/${userId}/sync`)).json<Envelope>().total).toBe(2);
    expect(
      (await call('GET', `/api/v6/users/${userId}/commerce-orders`)).json<Envelope>().total,
    ).toBeGreaterThanOrEqual(2000);
    expect(
      (await call('GET', `/api/v6/users/${userId}/commerce-locations`)).json<Envelope>().total,
    ).toBe(0);
    expect(
      (await call('POST', `/api/v6/users/${userId}/sync`, { data_types: ['COMMERCE_ORDER'] }))
        .status,
    ).toBe(201);
  });

  it('pages newest first with the documented envelope, every record once', async () => {
    const { userId, connectionId } = await connectedUser('Paging Co');
    await call('POST', `/api/v6/users/${userId}/sync`, { data_types: TYPES });
    sandbox.qard.completeSync(userId);
    const first = (
      await call('GET', `/api/v6/users/${userId}/commerce-orders?per_page=100`)
    ).json<Envelope>();
    expect(first.per_page).toBe(100);
    expect(first.last_page).toBe(Math.ceil(first.total / 100));
    const seen: Array<{ id: string; source_created_at: string }> = [...first.result];
    for (let page = 2; page <= first.last_page; page++) {
      const next = (
        await call('GET', `/api/v6/users/${userId}/commerce-orders?per_page=100&page=${page}`)
      ).json<Envelope>();
      expect(next.current_page).toBe(page);
      seen.push(...next.result);
    }
    expect(seen.length).toBe(first.total);
    expect(new Set(seen.map((o) => o.id)).size).toBe(first.total);
    for (let i = 1; i < seen.length; i++)
      expect(seen[i - 1]!.source_created_at >= seen[i]!.source_created_at).toBe(true);
    expect(
      (await call('GET', `/api/v6/users/${userId}/commerce-orders?page=999`)).json<Envelope>()
        .result,
    ).toEqual([]);

    const order = (
      await call('GET', `/api/v6/users/${userId}/commerce-orders/${seen[0]!.id}`)
    ).json<{ data_connection_id: string; total_amount: { amount: string; currency: string } }>();
    expect(order.data_connection_id).toBe(connectionId);
    expect(order.total_amount.amount).toMatch(/^\d+\.\d{2}$/);
    for (const list of ['locations', 'customers', 'products']) {
      expect(
        (await call('GET', `/api/v6/users/${userId}/commerce-${list}`)).json<Envelope>().total,
        list,
      ).toBeGreaterThan(0);
    }
  });

  it('rejects bad paging with 400 and unknown users with 404', async () => {
    const { userId } = await connectedUser('Bad Paging');
    for (const params of ['per_page=101', 'per_page=0', 'page=0', 'page=x']) {
      expect(
        (await call('GET', `/api/v6/users/${userId}/commerce-orders?${params}`)).status,
        params,
      ).toBe(400);
    }
    expect((await call('GET', `/api/v6/users/${userId}/commerce-orders?per_page=100`)).status).toBe(
      200,
    );
    expect((await call('GET', '/api/v6/users/nope/commerce-orders')).status).toBe(404);
  });

  it('serves the same records for the same seed and the same calls', async () => {
    /** Replays one onboarding against a fresh sandbox and returns the first page of orders. */
    const firstPage = async (seed: number) => {
      const box = await startSandbox({ seed });
      try {
        box.qard.enableProvider('shopify');
        const h = { 'x-api-key': SANDBOX_QARD_API_KEY, 'content-type': 'application/json' };
        const post = async (path: string, body: unknown) =>
          (await (
            await fetch(box.urls.qard + path, {
              method: 'POST',
              headers: h,
              body: JSON.stringify(body),
            })
          ).json()) as { id: string };
        const user = await post('/api/v6/users', { name: 'Twin' });
        const connection = await post(`/api/v6/users/${user.id}/data-connections`, {
          provider_name: 'shopify',
          requested_data_types: TYPES,
        });
        box.qard.authorize(user.id, connection.id);
        await post(`/api/v6/users/${user.id}/sync`, { data_types: TYPES });
        box.qard.completeSync(user.id);
        return await (
          await fetch(`${box.urls.qard}/api/v6/users/${user.id}/commerce-orders?per_page=50`, {
            headers: h,
          })
        ).text();
      } finally {
        await box.close();
      }
    };
    const a = await firstPage(21);
    expect(JSON.parse(a).result).toHaveLength(50);
    expect(await firstPage(21)).toBe(a);
    expect(await firstPage(22)).not.toBe(a);
  });
});
