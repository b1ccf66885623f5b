import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startSandbox, type Sandbox } from '../../../src/sandbox/index.js';
import { SANDBOX_QARD_API_KEY } from '../../../src/sandbox/qard/simulator.js';

/** schema/upstreams/qard.yaml must describe exactly what the Qard sandbox serves. */

const doc: unknown = parse(
  readFileSync(new URL('../../../schema/upstreams/qard.yaml', import.meta.url), 'utf8'),
);
// `x-extensible-enum` is not JSON Schema vocabulary.
const ajv = new Ajv({ strict: false, allErrors: true });
ajv.addSchema(doc as object, 'qard');

function expectValid(name: string, body: unknown): void {
  const validate = ajv.getSchema(`qard#/components/schemas/${name}`)!;
  const ok = validate(body);
  expect(ok ? [] : validate.errors?.slice(0, 5), name).toEqual([]);
}

let sandbox: Sandbox;
const headers = { 'x-api-key': SANDBOX_QARD_API_KEY, 'content-type': 'application/json' };
const send = async (method: string, path: string, body?: unknown) =>
  (
    await fetch(sandbox.urls.qard + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    })
  ).json() as Promise<unknown>;
const TYPES = ['COMMERCE_LOCATION', 'COMMERCE_CUSTOMER', 'COMMERCE_PRODUCT', 'COMMERCE_ORDER'];

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 4 });
});
afterAll(() => sandbox.close());

describe('qard.yaml describes the Qard sandbox', () => {
  it('matches provider, user, connection and sync responses and error bodies', async () => {
    expectValid('Error', await send('PUT', '/api/v6/providers/shopify', { enable: true }));
    expectValid(
      'Provider',
      await send('PUT', '/api/v6/providers/shopify/credentials', {
        credentials: { client_id: 'a', client_secret: 'b' },
      }),
    );
    expectValid(
      'Provider',
      await send('PUT', '/api/v6/providers/shopify/settings', { auto_connect: false }),
    );
    expectValid('Provider', await send('PUT', '/api/v6/providers/shopify', { enable: true }));
    const user = (await send('POST', '/api/v6/users', { name: 'Spec' })) as { id: string };
    expectValid('User', user);
    const connection = (await send('POST', `/api/v6/users/${user.id}/data-connections`, {
      provider_name: 'shopify',
      requested_data_types: TYPES,
    })) as { id: string };
    expectValid('DataConnection', connection);
    sandbox.qard.authorize(user.id, connection.id);
    expectValid(
      'DataConnectionPage',
      await send('GET', `/api/v6/users/${user.id}/data-connections`),
    );
    expectValid('Sync', await send('POST', `/api/v6/users/${user.id}/sync`, { data_types: TYPES }));
    const conflict = await send('POST', `/api/v6/users/${user.id}/sync`, { data_types: TYPES });
    expect(conflict).toMatchObject({ status: 409 });
    expectValid('Error', conflict);
    sandbox.qard.completeSync(user.id);
    expectValid('SyncPage', await send('GET', `/api/v6/users/${user.id}/sync`));
    expectValid('Sync', await send('GET', `/api/v6/users/${user.id}/sync/latest`));

    for (const [list, model] of [
      ['locations', 'Location'],
      ['customers', 'Customer'],
      ['products', 'Product'],
      ['orders', 'Order'],
    ] as const) {
      const first = (await send(
        'GET',
        `/api/v6/users/${user.id}/commerce-${list}?per_page=100`,
      )) as { last_page: number; result: Array<{ id: string }> };
      expectValid(`${model}Page`, first);
      // Every record of the list, page by page.
      for (let page = 2; page <= first.last_page; page++) {
        expectValid(
          `${model}Page`,
          await send('GET', `/api/v6/users/${user.id}/commerce-${list}?per_page=100&page=${page}`),
        );
      }
      expectValid(
        model,
        await send('GET', `/api/v6/users/${user.id}/commerce-${list}/${first.result[0]!.id}`),
      );
    }
    expectValid(
      'Error',
      await send('GET', `/api/v6/users/${user.id}/commerce-orders?per_page=500`),
    );
  });

  it('rejects what the sandbox would not serve', () => {
    const validate = ajv.getSchema('qard#/components/schemas/Money')!;
    expect(validate({ amount: 12.5, currency: 'EUR' })).toBe(false);
    expect(validate({ amount: '12.5', currency: 'EUR' })).toBe(false);
    expect(validate({ amount: '12.50', currency: 'EUR' })).toBe(true);
  });
});
