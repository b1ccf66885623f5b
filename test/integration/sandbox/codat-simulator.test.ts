import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_CODAT_API_KEY } from '../../../src/sandbox/codat/simulator.js';
import { startSandbox, type Sandbox } from '../../../src/sandbox/index.js';

/** The Codat simulator over real HTTP, as the gateway's Codat client meets it. */

let sandbox: Sandbox;
let base: string;
const auth = `Basic ${Buffer.from(SANDBOX_CODAT_API_KEY).toString('base64')}`;

interface Reply {
  status: number;
  text: string;
  headers: Headers;
  json: <T = Record<string, unknown>>() => T;
}

async function call(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = { authorization: auth },
): Promise<Reply> {
  const res = await fetch(base + path, {
    method,
    headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, text, headers: res.headers, json: <T>() => JSON.parse(text) as T };
}

interface Company {
  id: string;
  redirect: string;
  dataConnections: Array<{
    id: string;
    linkUrl: string;
    status: string;
    platformName: string;
    sourceType: string;
  }>;
}
interface Page<T = { id: string; createdDate: string }> {
  results: T[];
  pageNumber: number;
  pageSize: number;
  totalResults: number;
  _links: {
    self: { href: string };
    current: { href: string };
    next?: { href: string };
    previous?: { href: string };
  };
}

async function linkedCompany(name: string): Promise<{ company: Company; data: string }> {
  const company = (
    await call('POST', '/companies', { name, platformType: 'shopify' })
  ).json<Company>();
  const connection = company.dataConnections[0]!;
  sandbox.codat.authorize(company.id);
  sandbox.codat.completeSync(company.id);
  return { company, data: `/companies/${company.id}/connections/${connection.id}/data` };
}

const q = (s: string) => encodeURIComponent(s);

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 11 });
  base = sandbox.urls.codat!;
});
afterAll(() => sandbox.close());

describe('Codat simulator: auth and errors', () => {
  it('answers 401 with a Codat error body unless the Basic key is right, with rate-limit headers', async () => {
    for (const headers of [
      {},
      { authorization: 'Basic d3Jvbmc=' },
      { authorization: SANDBOX_CODAT_API_KEY },
    ] as Array<Record<string, string>>) {
      const res = await call('GET', '/companies', undefined, headers);
      expect(res.status).toBe(401);
      expect(res.json()).toMatchObject({
        statusCode: 401,
        service: 'PublicApi',
        error: 'Unauthorized',
        canBeRetried: 'Unknown',
        detailedErrorCode: 0,
      });
      expect(res.json<{ correlationId: string }>().correlationId).toMatch(/^[0-9a-f]{32}$/);
      expect(res.headers.get('x-rate-limit-limit')).toMatch(/^\d+$/);
    }
    const ok = await call('GET', '/companies');
    expect(ok.status).toBe(200);
    expect(Number(ok.headers.get('x-rate-limit-remaining'))).toBeLessThan(
      Number(ok.headers.get('x-rate-limit-limit')),
    );
    expect(Date.parse(ok.headers.get('x-rate-limit-reset') ?? '')).toBeGreaterThan(Date.now());
  });

  it('answers 404 for unknown companies, connections and records', async () => {
    expect((await call('GET', '/companies/nope')).json()).toMatchObject({
      statusCode: 404,
      error: 'No company was found with ID nope',
    });
    const { company, data } = await linkedCompany('Missing Things');
    expect((await call('GET', `/companies/${company.id}/connections/nope`)).status).toBe(404);
    expect(
      (await call('GET', `/companies/${company.id}/connections/nope/data/commerce-orders`)).status,
    ).toBe(404);
    expect((await call('GET', `${data}/commerce-orders/nope`)).status).toBe(404);
  });

  it('validates company creation', async () => {
    expect((await call('POST', '/companies', {})).status).toBe(400);
    expect((await call('POST', '/companies', { name: 'Shop <script>' })).status).toBe(400);
    const bad = await call('POST', '/companies', { name: 'Shop', platformType: 'nope' });
    expect(bad.status).toBe(400);
    expect(
      bad.json<{ validation: { errors: Array<{ itemId: string }> } }>().validation.errors[0]
        ?.itemId,
    ).toBe('platformType');
  });
});

describe('Codat simulator: companies, link page and syncs', () => {
  it('creates a company with its data connection, links it through the page, syncs, then serves data', async () => {
    const created = await call('POST', '/companies', {
      name: 'john',
      platformType: 'woocommerce',
      createdByUserId: 'x',
    });
    expect(created.status).toBe(200);
    const company = created.json<Company>();
    const connection = company.dataConnections[0]!;
    expect(connection).toMatchObject({
      status: 'PendingAuth',
      platformName: 'WooCommerce',
      sourceType: 'Commerce',
    });
    expect(connection.linkUrl).toBe(`${base}/link/${company.id}/${connection.id}`);
    const data = `/companies/${company.id}/connections/${connection.id}/data`;

    const before = await call('GET', `${data}/commerce-orders`);
    expect(before.status).toBe(409);
    expect(before.json()).toMatchObject({
      statusCode: 409,
      error: 'The data set has not been requested.',
    });

    const pageHtml = await (await fetch(connection.linkUrl)).text();
    expect(pageHtml).toContain('id="authorise"');
    const decided = await fetch(connection.linkUrl, {
      method: 'POST',
      body: 'decision=authorise',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(await decided.text()).toContain('Linked');
    expect(
      (await call('GET', `/companies/${company.id}/connections/${connection.id}`)).json(),
    ).toMatchObject({ status: 'Linked' });

    const status = (await call('GET', `/companies/${company.id}/dataStatus`)).json<
      Record<string, { currentStatus: string; dataType: string }>
    >();
    expect(status['commerce-orders']).toMatchObject({ dataType: 'commerce-orders' });
    expect(['Queued', 'Fetching']).toContain(status['commerce-orders']?.currentStatus);
    expect(Object.keys(status)).toContain('commerce-companyInfo');
    expect((await call('GET', `${data}/commerce-orders`)).status).toBe(409);

    sandbox.codat.completeSync(company.id);
    const done = (await call('GET', `/companies/${company.id}/dataStatus`)).json<
      Record<string, { currentStatus: string; lastSuccessfulSync?: string }>
    >();
    expect(done['commerce-orders']?.currentStatus).toBe('Complete');
    expect(done['commerce-orders']?.lastSuccessfulSync).toBeDefined();
    const orders = await call('GET', `${data}/commerce-orders`);
    expect(orders.status).toBe(200);
    expect(orders.json<Page>().totalResults).toBeGreaterThanOrEqual(2000);

    sandbox.codat.startSync(company.id, 'commerce-orders');
    expect((await call('GET', `${data}/commerce-orders`)).status).toBe(409);
    expect((await call('GET', `${data}/commerce-customers`)).status).toBe(200);
  });

  it('cancelling on the link page leaves the connection pending', async () => {
    const company = (
      await call('POST', '/companies', { name: 'Cancel Co', platformType: 'square' })
    ).json<Company>();
    const link = company.dataConnections[0]!.linkUrl;
    await fetch(link, { method: 'POST', body: 'decision=cancel' });
    expect(
      (await call('GET', `/companies/${company.id}`)).json<Company>().dataConnections[0]?.status,
    ).toBe('PendingAuth');
  });

  it('queues datasets with data/queue and data/all; a sync of zero duration is complete at once', async () => {
    const company = (await call('POST', '/companies', { name: 'Queue Co' })).json<Company>();
    expect((await call('POST', `/companies/${company.id}/data/queue/commerce-orders`)).status).toBe(
      400,
    );
    const connection = (
      await call('POST', `/companies/${company.id}/connections`, { platformKey: 'stripe' })
    ).json<{ id: string; status: string }>();
    expect(connection.status).toBe('PendingAuth');
    // Only orders are fetched when the connection is linked.
    const settings = await call('POST', `/companies/${company.id}/syncSettings`, {
      companyId: company.id,
      settings: [{ dataType: 'commerce-orders', fetchOnFirstLink: true }],
    });
    expect(settings.status).toBe(200);
    sandbox.codat.authorize(company.id);
    sandbox.codat.completeSync(company.id);
    const data = `/companies/${company.id}/connections/${connection.id}/data`;
    expect((await call('GET', `${data}/commerce-orders?pageSize=1`)).status).toBe(200);
    expect((await call('GET', `${data}/commerce-products`)).json()).toMatchObject({
      statusCode: 409,
      error: 'The data set has not been requested.',
    });

    const op = await call(
      'POST',
      `/companies/${company.id}/data/queue/commerce-products?connectionId=${connection.id}`,
    );
    expect(op.json()).toMatchObject({
      companyId: company.id,
      connectionId: connection.id,
      dataType: 'commerce-products',
      status: 'Queued',
      isCompleted: false,
    });
    expect((await call('POST', `/companies/${company.id}/data/queue/commerce-nope`)).status).toBe(
      400,
    );

    sandbox.codat.setSyncDurationMs(0);
    try {
      const all = (await call('POST', `/companies/${company.id}/data/all`)).json<
        Array<{ dataType: string }>
      >();
      expect(all.map((o) => o.dataType)).toContain('commerce-companyInfo');
      expect((await call('GET', `${data}/commerce-products?pageSize=1`)).status).toBe(200);
      const info = await call('GET', `${data}/commerce-info`);
      expect(info.json()).toMatchObject({ companyName: 'Queue Co' });
    } finally {
      sandbox.codat.setSyncDurationMs(1500);
    }
    const history = (await call('GET', `/companies/${company.id}/data/history`)).json<
      Page<{ dataType: string }>
    >();
    expect(history.totalResults).toBeGreaterThan(8);
  });

  it('reads and overrides profile and company sync settings', async () => {
    const profile = (await call('GET', '/profile/syncSettings')).json<{
      settings: Array<{ dataType: string; fetchOnFirstLink: boolean }>;
    }>();
    expect(profile.settings.map((s) => s.dataType)).toContain('commerce-orders');
    const company = (await call('POST', '/companies', { name: 'Settings Co' })).json<Company>();
    const initial = (await call('GET', `/companies/${company.id}/syncSettings`)).json();
    expect(initial).toMatchObject({ companyId: company.id, overridesDefaults: false });
    expect(
      (
        await call('PUT', `/companies/${company.id}/syncSettings`, {
          settings: [{ dataType: 'commerce-orders' }],
        })
      ).status,
    ).toBe(400);
    await call('PUT', `/companies/${company.id}/syncSettings`, {
      settings: [{ dataType: 'commerce-orders', fetchOnFirstLink: false, syncSchedule: 12 }],
    });
    expect((await call('GET', `/companies/${company.id}/syncSettings`)).json()).toMatchObject({
      overridesDefaults: true,
      settings: [{ dataType: 'commerce-orders', fetchOnFirstLink: false, syncSchedule: 12 }],
    });
  });
});

describe('Codat simulator: commerce lists', () => {
  let data: string;
  beforeAll(async () => {
    data = (await linkedCompany('Paging Co')).data;
  });

  it('pages with the documented envelope and links; every record exactly once across pages', async () => {
    const first = (
      await call('GET', `${data}/commerce-orders?page=1&pageSize=700&orderBy=-createdDate`)
    ).json<Page>();
    expect(first).toMatchObject({ pageNumber: 1, pageSize: 700 });
    expect(first._links.self.href).toBe(data + '/commerce-orders');
    expect(first._links.current.href).toContain('page=1&pageSize=700');
    expect(first._links.next?.href).toContain('page=2');
    expect(first._links.previous).toBeUndefined();
    const seen: string[] = first.results.map((r) => r.id);
    let next = first._links.next?.href;
    let pages = 1;
    while (next) {
      const page = (await call('GET', next)).json<Page>();
      seen.push(...page.results.map((r) => r.id));
      expect(page._links.previous?.href).toContain(`page=${page.pageNumber - 1}`);
      next = page._links.next?.href;
      pages++;
    }
    expect(pages).toBe(Math.ceil(first.totalResults / 700));
    expect(seen.length).toBe(first.totalResults);
    expect(new Set(seen).size).toBe(first.totalResults);
    const whole = (
      await call('GET', `${data}/commerce-orders?pageSize=5000&orderBy=-createdDate`)
    ).json<Page>();
    expect(whole.results.map((r) => r.id)).toEqual(seen);
    const beyond = (
      await call('GET', `${data}/commerce-orders?page=99&pageSize=5000`)
    ).json<Page>();
    expect(beyond.results).toEqual([]);
  });

  it('orders by createdDate and modifiedDate both ways, ties broken by id', async () => {
    const instant = (s: string) => Date.parse(/Z$/.test(s) ? s : `${s}Z`);
    for (const orderBy of ['createdDate', '-createdDate', 'modifiedDate', '-modifiedDate']) {
      const field = orderBy.replace('-', '') as 'createdDate';
      const rows = (
        await call('GET', `${data}/commerce-orders?pageSize=5000&orderBy=${orderBy}`)
      ).json<Page<{ id: string; createdDate: string; modifiedDate: string }>>().results;
      const sign = orderBy.startsWith('-') ? -1 : 1;
      let ties = 0;
      for (let i = 1; i < rows.length; i++) {
        const a = rows[i - 1]!;
        const b = rows[i]!;
        const d = (instant(b[field]) - instant(a[field])) * sign;
        expect(d, orderBy).toBeGreaterThanOrEqual(0);
        if (d === 0) {
          ties++;
          expect((b.id > a.id ? 1 : -1) * sign, orderBy).toBe(1);
        }
      }
      if (field === 'createdDate') expect(ties).toBeGreaterThan(10);
    }
    expect((await call('GET', `${data}/commerce-orders?orderBy=-nope`)).status).toBe(400);
  });

  it('filters with query: id batches, dates, amounts, grouping', async () => {
    const all = (await call('GET', `${data}/commerce-orders?pageSize=5000`)).json<
      Page<{ id: string; createdDate: string; currency: string }>
    >().results;
    const wanted = all.slice(100, 150).map((r) => r.id);
    const batch = (
      await call(
        'GET',
        `${data}/commerce-orders?pageSize=100&query=${q(wanted.map((id) => `id=${id}`).join('||'))}`,
      )
    ).json<Page>();
    expect(batch.totalResults).toBe(50);
    expect(new Set(batch.results.map((r) => r.id))).toEqual(new Set(wanted));
    expect(batch._links.current.href).toContain('query=');

    const inJanuary = all.filter((r) => r.createdDate.startsWith('2025-01'));
    const dated = (
      await call(
        'GET',
        `${data}/commerce-orders?pageSize=5000&query=${q('createdDate>=2025-01-01T00:00:00.000Z&&createdDate<2025-02-01')}`,
      )
    ).json<Page>();
    expect(dated.totalResults).toBe(inJanuary.length);

    const grouped = (
      await call(
        'GET',
        `${data}/commerce-orders?pageSize=5000&query=${q(`{createdDate>=2025-01-01&&createdDate<2025-02-01}||id=${all[0]!.id}`)}`,
      )
    ).json<Page>();
    expect(grouped.totalResults).toBe(
      inJanuary.length + (all[0]!.createdDate.startsWith('2025-01') ? 0 : 1),
    );

    const big = await call(
      'GET',
      `${data}/commerce-orders?query=${q('totalAmount>9007199254740993')}`,
    );
    expect(big.json<Page>().totalResults).toBe(1);
    expect(big.text).toContain('"totalAmount":9007199254740993.01');

    const customerId = (await call('GET', `${data}/commerce-customers?pageSize=1`)).json<Page>()
      .results[0]!.id;
    const byCustomer = (
      await call(
        'GET',
        `${data}/commerce-orders?pageSize=5000&query=${q(`customerRef.id=${customerId}`)}`,
      )
    ).json<Page<{ customerRef: { id: string } }>>();
    expect(byCustomer.results.every((o) => o.customerRef.id === customerId)).toBe(true);
  });

  it('rejects bad paging and queries with 400', async () => {
    for (const params of ['pageSize=5001', 'pageSize=0', 'page=0', 'page=abc', 'pageSize=1.5']) {
      const res = await call('GET', `${data}/commerce-orders?${params}`);
      expect(res.status, params).toBe(400);
      expect(res.json<{ statusCode: number }>().statusCode).toBe(400);
    }
    expect((await call('GET', `${data}/commerce-orders?pageSize=5000`)).status).toBe(200);
    expect(
      (await call('GET', `${data}/commerce-orders?query=${q('id=a||')}`)).json(),
    ).toMatchObject({ statusCode: 400, error: 'Error parsing query - Malformed query.' });
    expect(
      (await call('GET', `${data}/commerce-orders?query=isCompleted=true`)).json(),
    ).toMatchObject({
      error: 'Error parsing query - Could not resolve property isCompleted on Dataset',
    });
  });

  it('serves every dataset, by-id records, and company info with exact amounts', async () => {
    for (const dataset of [
      'customers',
      'disputes',
      'locations',
      'orders',
      'payments',
      'products',
      'transactions',
    ]) {
      const page = (await call('GET', `${data}/commerce-${dataset}?pageSize=3`)).json<Page>();
      expect(page.results.length, dataset).toBeGreaterThan(0);
      const one = await call('GET', `${data}/commerce-${dataset}/${page.results[0]!.id}`);
      expect(one.status, dataset).toBe(200);
      expect(one.json<{ id: string }>().id).toBe(page.results[0]!.id);
    }
    const info = (await call('GET', `${data}/commerce-info`)).json<{
      companyName: string;
      baseCurrency: string;
    }>();
    expect(info).toMatchObject({ companyName: 'Paging Co' });
    expect(info.baseCurrency).toMatch(/^[A-Z]{3}$/);
  });

  it('serves the same data for the same seed and company id', async () => {
    const other = await startSandbox({ seed: 11 });
    try {
      // Company ids come from the seeded id stream, so replaying the same calls gives the same ids.
      const mine = sandbox.codat.companies()[0]!;
      const twin = await fetch(`${other.urls.codat}/companies`, {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/json' },
        body: JSON.stringify({ name: mine.name, platformType: 'shopify' }),
      });
      const twinCompany = (await twin.json()) as Company;
      expect(twinCompany.id).toBe(mine.id);
      other.codat.authorize(twinCompany.id);
      other.codat.completeSync(twinCompany.id);
      sandbox.codat.authorize(mine.id, mine.connections[0]!.id);
      sandbox.codat.completeSync(mine.id);
      const path = `/companies/${mine.id}/connections/${mine.connections[0]!.id}/data/commerce-orders?pageSize=50`;
      const a = await call('GET', path);
      const b = await (
        await fetch(
          `${other.urls.codat}/companies/${twinCompany.id}/connections/${twinCompany.dataConnections[0]!.id}/data/commerce-orders?pageSize=50`,
          { headers: { authorization: auth } },
        )
      ).text();
      expect(a.status).toBe(200);
      expect(b.replace(/"_links".*$/, '')).toBe(a.text.replace(/"_links".*$/, ''));
    } finally {
      await other.close();
    }
  });
});
