import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toExactJson } from '../../../src/sandbox/commerce-data/exact-json.js';
import type { CodatRecord } from '../../../src/sandbox/codat/data.js';
import { sortRecords } from '../../../src/sandbox/codat/query.js';
import { SANDBOX_CODAT_API_KEY } from '../../../src/sandbox/codat/simulator.js';
import { startSandbox, type Sandbox } from '../../../src/sandbox/index.js';
import { SANDBOX_QARD_API_KEY } from '../../../src/sandbox/qard/simulator.js';

/**
 * List pages and id batches are built from each record's JSON kept since its first request.
 * Every body must stay byte-identical to a fresh serialisation of the same records, on the first
 * request and on the repeats served from what was kept.
 */

let sandbox: Sandbox;
const codatAuth = `Basic ${Buffer.from(SANDBOX_CODAT_API_KEY).toString('base64')}`;

async function text(url: string, headers: Record<string, string>): Promise<string> {
  const res = await fetch(url, { headers });
  expect(res.status).toBe(200);
  return res.text();
}

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 21 });
});
afterAll(() => sandbox.close());

describe('Codat list pages and id batches', () => {
  let companyId: string;
  let data: string;

  beforeAll(async () => {
    const res = await fetch(`${sandbox.urls.codat!}/companies`, {
      method: 'POST',
      headers: { authorization: codatAuth, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Serialised Once', platformType: 'shopify' }),
    });
    const company = (await res.json()) as { id: string; dataConnections: Array<{ id: string }> };
    companyId = company.id;
    sandbox.codat.authorize(company.id);
    sandbox.codat.completeSync(company.id);
    data = `/companies/${company.id}/connections/${company.dataConnections[0]!.id}/data`;
  });

  const get = (path: string) =>
    text(`${sandbox.urls.codat!}${data}/${path}`, {
      authorization: codatAuth,
    });

  /**
   * Requests a page twice: both bodies must hold `results` exactly as `toExactJson` writes those
   * records now, in the envelope the page came with (it has no amounts, so plain JSON reads it).
   */
  const expectFreshPage = async (path: string, results: CodatRecord[], totalResults: number) => {
    const served = await get(path);
    const envelope = JSON.parse(served) as Record<string, unknown>;
    expect(envelope['totalResults']).toBe(totalResults);
    expect(served).toBe(toExactJson({ ...envelope, results }));
    expect(await get(path)).toBe(served);
  };

  it('serves an orders page byte-identical to a fresh serialisation, every time', async () => {
    const orders = sandbox.codat.data(companyId).lists['commerce-orders'];
    const newest = sortRecords(orders, 'createdDate', true);
    await expectFreshPage(
      'commerce-orders?page=2&pageSize=50&orderBy=-createdDate',
      newest.slice(50, 100),
      orders.length,
    );
    // Another order of the same records reuses their JSON but not the first order.
    const oldest = sortRecords(orders, 'createdDate', false);
    await expectFreshPage('commerce-orders?page=1&pageSize=30', oldest.slice(0, 30), orders.length);
  });

  it('serves an id batch byte-identical to a fresh serialisation, in the page order', async () => {
    const products = sandbox.codat.data(companyId).lists['commerce-products'];
    const wanted = products.filter((_, i) => i % 3 === 0).slice(0, 20);
    // Ids compare case-insensitively; unknown ids are skipped.
    const query = [...wanted.map((p, i) => (i % 2 ? p.id.toUpperCase() : p.id)), 'no-such-id']
      .map((id) => `id=${id}`)
      .join('||');
    const ids = new Set(wanted.map((p) => p.id));
    const inOrder = sortRecords(products, 'createdDate', false).filter((p) => ids.has(p.id));
    await expectFreshPage(
      `commerce-products?page=1&pageSize=${wanted.length}&query=${encodeURIComponent(query)}`,
      inOrder,
      wanted.length,
    );
  });

  it('serves single records from the same kept JSON', async () => {
    const customer = sandbox.codat.data(companyId).lists['commerce-customers'][4]!;
    expect(await get(`commerce-customers/${customer.id}`)).toBe(toExactJson(customer));
  });

  it('keeps records frozen, so what was kept is never stale', () => {
    const order = sandbox.codat.data(companyId).lists['commerce-orders'][0]!;
    expect(() => {
      order.modifiedDate = '2030-01-01T00:00:00Z';
    }).toThrow(TypeError);
    const lines = order['orderLineItems'] as Array<Record<string, unknown>>;
    expect(() => {
      lines[0]!['quantity'] = 99;
    }).toThrow(TypeError);
  });
});

describe('Qard list pages', () => {
  it('serves pages and records byte-identical to plain JSON of the records', async () => {
    const qard = sandbox.urls.qard!;
    const headers = { 'x-api-key': SANDBOX_QARD_API_KEY, 'content-type': 'application/json' };
    const post = async (path: string, body: unknown) =>
      (await (
        await fetch(`${qard}${path}`, { method: 'POST', headers, body: JSON.stringify(body) })
      ).json()) as { id: string };
    const types = ['COMMERCE_LOCATION', 'COMMERCE_CUSTOMER', 'COMMERCE_PRODUCT', 'COMMERCE_ORDER'];
    sandbox.qard.enableProvider('shopify');
    const user = await post('/api/v6/users', { name: 'Serialised Once' });
    const connection = await post(`/api/v6/users/${user.id}/data-connections`, {
      provider_name: 'shopify',
      requested_data_types: types,
    });
    sandbox.qard.authorize(user.id, connection.id);
    await post(`/api/v6/users/${user.id}/sync`, { data_types: types });
    sandbox.qard.completeSync(user.id);

    const orders = sandbox.qard.data(user.id)['commerce-orders'];
    const expected = JSON.stringify({
      total: orders.length,
      per_page: 7,
      current_page: 2,
      last_page: Math.ceil(orders.length / 7),
      result: orders.slice(7, 14),
    });
    const url = `${qard}/api/v6/users/${user.id}/commerce-orders?page=2&per_page=7`;
    expect(await text(url, headers)).toBe(expected);
    expect(await text(url, headers)).toBe(expected);
    const order = orders[3]!;
    expect(await text(`${qard}/api/v6/users/${user.id}/commerce-orders/${order.id}`, headers)).toBe(
      JSON.stringify(order),
    );
  });
});
