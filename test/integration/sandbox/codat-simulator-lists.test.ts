import { beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../../src/sandbox/index.js';
import { auth, type Company, type Page, q, useCodatSimulator } from './codat-simulator-client.js';
import { COMMERCE_DATASETS } from '../../../src/modules/commerce/model.js';

/**
 * The Codat simulator's commerce lists over real HTTP: paging, ordering, queries, every dataset,
 * and the same data for the same seed.
 */

const sim = useCodatSimulator();

describe('Codat simulator: commerce lists', () => {
  let data: string;
  beforeAll(async () => {
    data = (await sim.linkedCompany('Paging Co')).data;
  });

  it('pages with the documented envelope and links; every record exactly once across pages', async () => {
    const first = (
      await sim.call('GET', `${data}/commerce-orders?page=1&pageSize=700&orderBy=-createdDate`)
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
      const page = (await sim.call('GET', next)).json<Page>();
      seen.push(...page.results.map((r) => r.id));
      expect(page._links.previous?.href).toContain(`page=${page.pageNumber - 1}`);
      next = page._links.next?.href;
      pages++;
    }
    expect(pages).toBe(Math.ceil(first.totalResults / 700));
    expect(seen.length).toBe(first.totalResults);
    expect(new Set(seen).size).toBe(first.totalResults);
    const whole = (
      await sim.call('GET', `${data}/commerce-orders?pageSize=5000&orderBy=-createdDate`)
    ).json<Page>();
    expect(whole.results.map((r) => r.id)).toEqual(seen);
    const beyond = (
      await sim.call('GET', `${data}/commerce-orders?page=99&pageSize=5000`)
    ).json<Page>();
    expect(beyond.results).toEqual([]);
  });

  it('orders by createdDate and modifiedDate both ways, ties broken by id', async () => {
    const instant = (s: string) => Date.parse(/Z$/.test(s) ? s : `${s}Z`);
    for (const orderBy of ['createdDate', '-createdDate', 'modifiedDate', '-modifiedDate']) {
      const field = orderBy.replace('-', '') as 'createdDate';
      const rows = (
        await sim.call('GET', `${data}/commerce-orders?pageSize=5000&orderBy=${orderBy}`)
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
    expect((await sim.call('GET', `${data}/commerce-orders?orderBy=-nope`)).status).toBe(400);
  });

  it('filters with query: id batches, dates, amounts, grouping', async () => {
    const all = (await sim.call('GET', `${data}/commerce-orders?pageSize=5000`)).json<
      Page<{ id: string; createdDate: string; currency: string }>
    >().results;
    const wanted = all.slice(100, 150).map((r) => r.id);
    const batch = (
      await sim.call(
        'GET',
        `${data}/commerce-orders?pageSize=100&query=${q(wanted.map((id) => `id=${id}`).join('||'))}`,
      )
    ).json<Page>();
    expect(batch.totalResults).toBe(50);
    expect(new Set(batch.results.map((r) => r.id))).toEqual(new Set(wanted));
    expect(batch._links.current.href).toContain('query=');

    const inJanuary = all.filter((r) => r.createdDate.startsWith('2025-01'));
    const dated = (
      await sim.call(
        'GET',
        `${data}/commerce-orders?pageSize=5000&query=${q('createdDate>=2025-01-01T00:00:00.000Z&&createdDate<2025-02-01')}`,
      )
    ).json<Page>();
    expect(dated.totalResults).toBe(inJanuary.length);

    const grouped = (
      await sim.call(
        'GET',
        `${data}/commerce-orders?pageSize=5000&query=${q(`{createdDate>=2025-01-01&&createdDate<2025-02-01}||id=${all[0]!.id}`)}`,
      )
    ).json<Page>();
    expect(grouped.totalResults).toBe(
      inJanuary.length + (all[0]!.createdDate.startsWith('2025-01') ? 0 : 1),
    );

    const big = await sim.call(
      'GET',
      `${data}/commerce-orders?query=${q('totalAmount>9007199254740993')}`,
    );
    expect(big.json<Page>().totalResults).toBe(1);
    expect(big.text).toContain('"totalAmount":9007199254740993.01');

    const customerId = (await sim.call('GET', `${data}/commerce-customers?pageSize=1`)).json<Page>()
      .results[0]!.id;
    const byCustomer = (
      await sim.call(
        'GET',
        `${data}/commerce-orders?pageSize=5000&query=${q(`customerRef.id=${customerId}`)}`,
      )
    ).json<Page<{ customerRef: { id: string } }>>();
    expect(byCustomer.results.every((o) => o.customerRef.id === customerId)).toBe(true);
  });

  it('rejects bad paging and queries with 400', async () => {
    for (const params of ['pageSize=5001', 'pageSize=0', 'page=0', 'page=abc', 'pageSize=1.5']) {
      const res = await sim.call('GET', `${data}/commerce-orders?${params}`);
      expect(res.status, params).toBe(400);
      expect(res.json<{ statusCode: number }>().statusCode).toBe(400);
    }
    expect((await sim.call('GET', `${data}/commerce-orders?pageSize=5000`)).status).toBe(200);
    expect(
      (await sim.call('GET', `${data}/commerce-orders?query=${q('id=a||')}`)).json(),
    ).toMatchObject({ statusCode: 400, error: 'Error parsing query - Malformed query.' });
    expect(
      (await sim.call('GET', `${data}/commerce-orders?query=isCompleted=true`)).json(),
    ).toMatchObject({
      error: 'Error parsing query - Could not resolve property isCompleted on Dataset',
    });
  });

  it('serves every dataset, by-id records, and company info with exact amounts', async () => {
    for (const dataset of COMMERCE_DATASETS) {
      const page = (await sim.call('GET', `${data}/commerce-${dataset}?pageSize=3`)).json<Page>();
      expect(page.results.length, dataset).toBeGreaterThan(0);
      const one = await sim.call('GET', `${data}/commerce-${dataset}/${page.results[0]!.id}`);
      expect(one.status, dataset).toBe(200);
      expect(one.json<{ id: string }>().id).toBe(page.results[0]!.id);
    }
    const info = (await sim.call('GET', `${data}/commerce-info`)).json<{
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
      const mine = sim.sandbox.codat.companies()[0]!;
      const twin = await fetch(`${other.urls.codat}/companies`, {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/json' },
        body: JSON.stringify({ name: mine.name, platformType: 'shopify' }),
      });
      const twinCompany = (await twin.json()) as Company;
      expect(twinCompany.id).toBe(mine.id);
      other.codat.authorize(twinCompany.id);
      other.codat.completeSync(twinCompany.id);
      sim.sandbox.codat.authorize(mine.id, mine.connections[0]!.id);
      sim.sandbox.codat.completeSync(mine.id);
      const path = `/companies/${mine.id}/connections/${mine.connections[0]!.id}/data/commerce-orders?pageSize=50`;
      const a = await sim.call('GET', path);
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
