import { describe, expect, it } from 'vitest';
import { SANDBOX_CODAT_API_KEY } from '../../../src/sandbox/codat/simulator.js';
import { type Company, type Page, useCodatSimulator } from './codat-simulator-client.js';

/**
 * The Codat simulator over real HTTP, as the gateway's Codat client meets it: auth, errors,
 * companies, the link page and syncs (its lists: codat-simulator-lists.test.ts).
 */

const sim = useCodatSimulator();

describe('Codat simulator: auth and errors', () => {
  it('answers 401 with a Codat error body unless the Basic key is right, with rate-limit headers', async () => {
    for (const headers of [
      {},
      { authorization: 'Basic d3Jvbmc=' },
      { authorization: SANDBOX_CODAT_API_KEY },
    ] as Array<Record<string, string>>) {
      const res = await sim.call('GET', '/companies', undefined, headers);
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
    const ok = await sim.call('GET', '/companies');
    expect(ok.status).toBe(200);
    expect(Number(ok.headers.get('x-rate-limit-remaining'))).toBeLessThan(
      Number(ok.headers.get('x-rate-limit-limit')),
    );
    expect(Date.parse(ok.headers.get('x-rate-limit-reset') ?? '')).toBeGreaterThan(Date.now());
  });

  it('answers 404 for unknown companies, connections and records', async () => {
    expect((await sim.call('GET', '/companies/nope')).json()).toMatchObject({
      statusCode: 404,
      error: 'No company was found with ID nope',
    });
    const { company, data } = await sim.linkedCompany('Missing Things');
    expect((await sim.call('GET', `/companies/${company.id}/connections/nope`)).status).toBe(404);
    expect(
      (await sim.call('GET', `/companies/${company.id}/connections/nope/data/commerce-orders`))
        .status,
    ).toBe(404);
    expect((await sim.call('GET', `${data}/commerce-orders/nope`)).status).toBe(404);
  });

  it('validates company creation', async () => {
    expect((await sim.call('POST', '/companies', {})).status).toBe(400);
    expect((await sim.call('POST', '/companies', { name: 'Shop <script>' })).status).toBe(400);
    const bad = await sim.call('POST', '/companies', { name: 'Shop', platformType: 'nope' });
    expect(bad.status).toBe(400);
    expect(
      bad.json<{ validation: { errors: Array<{ itemId: string }> } }>().validation.errors[0]
        ?.itemId,
    ).toBe('platformType');
  });
});

describe('Codat simulator: companies, link page and syncs', () => {
  it('creates a company with its data connection, links it through the page, syncs, then serves data', async () => {
    const created = await sim.call('POST', '/companies', {
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
    expect(connection.linkUrl).toBe(`${sim.base}/link/${company.id}/${connection.id}`);
    const data = `/companies/${company.id}/connections/${connection.id}/data`;

    const before = await sim.call('GET', `${data}/commerce-orders`);
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
      (await sim.call('GET', `/companies/${company.id}/connections/${connection.id}`)).json(),
    ).toMatchObject({ status: 'Linked' });

    const status = (await sim.call('GET', `/companies/${company.id}/dataStatus`)).json<
      Record<string, { currentStatus: string; dataType: string }>
    >();
    expect(status['commerce-orders']).toMatchObject({ dataType: 'commerce-orders' });
    expect(['Queued', 'Fetching']).toContain(status['commerce-orders']?.currentStatus);
    expect(Object.keys(status)).toContain('commerce-companyInfo');
    expect((await sim.call('GET', `${data}/commerce-orders`)).status).toBe(409);

    sim.sandbox.codat.completeSync(company.id);
    const done = (await sim.call('GET', `/companies/${company.id}/dataStatus`)).json<
      Record<string, { currentStatus: string; lastSuccessfulSync?: string }>
    >();
    expect(done['commerce-orders']?.currentStatus).toBe('Complete');
    expect(done['commerce-orders']?.lastSuccessfulSync).toBeDefined();
    const orders = await sim.call('GET', `${data}/commerce-orders`);
    expect(orders.status).toBe(200);
    expect(orders.json<Page>().totalResults).toBeGreaterThanOrEqual(2000);

    sim.sandbox.codat.startSync(company.id, 'commerce-orders');
    expect((await sim.call('GET', `${data}/commerce-orders`)).status).toBe(409);
    expect((await sim.call('GET', `${data}/commerce-customers`)).status).toBe(200);
  });

  it('cancelling on the link page leaves the connection pending', async () => {
    const company = (
      await sim.call('POST', '/companies', { name: 'Cancel Co', platformType: 'square' })
    ).json<Company>();
    const link = company.dataConnections[0]!.linkUrl;
    await fetch(link, { method: 'POST', body: 'decision=cancel' });
    expect(
      (await sim.call('GET', `/companies/${company.id}`)).json<Company>().dataConnections[0]
        ?.status,
    ).toBe('PendingAuth');
  });

  it('queues datasets with data/queue and data/all; a sync of zero duration is complete at once', async () => {
    const company = (await sim.call('POST', '/companies', { name: 'Queue Co' })).json<Company>();
    expect(
      (await sim.call('POST', `/companies/${company.id}/data/queue/commerce-orders`)).status,
    ).toBe(400);
    const connection = (
      await sim.call('POST', `/companies/${company.id}/connections`, { platformKey: 'stripe' })
    ).json<{ id: string; status: string }>();
    expect(connection.status).toBe('PendingAuth');
    // Only orders are fetched when the connection is linked.
    const settings = await sim.call('POST', `/companies/${company.id}/syncSettings`, {
      companyId: company.id,
      settings: [{ dataType: 'commerce-orders', fetchOnFirstLink: true }],
    });
    expect(settings.status).toBe(200);
    sim.sandbox.codat.authorize(company.id);
    sim.sandbox.codat.completeSync(company.id);
    const data = `/companies/${company.id}/connections/${connection.id}/data`;
    expect((await sim.call('GET', `${data}/commerce-orders?pageSize=1`)).status).toBe(200);
    expect((await sim.call('GET', `${data}/commerce-products`)).json()).toMatchObject({
      statusCode: 409,
      error: 'The data set has not been requested.',
    });

    const op = await sim.call(
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
    expect(
      (await sim.call('POST', `/companies/${company.id}/data/queue/commerce-nope`)).status,
    ).toBe(400);

    sim.sandbox.codat.setSyncDurationMs(0);
    try {
      const all = (await sim.call('POST', `/companies/${company.id}/data/all`)).json<
        Array<{ dataType: string }>
      >();
      expect(all.map((o) => o.dataType)).toContain('commerce-companyInfo');
      expect((await sim.call('GET', `${data}/commerce-products?pageSize=1`)).status).toBe(200);
      const info = await sim.call('GET', `${data}/commerce-info`);
      expect(info.json()).toMatchObject({ companyName: 'Queue Co' });
    } finally {
      sim.sandbox.codat.setSyncDurationMs(1500);
    }
    const history = (await sim.call('GET', `/companies/${company.id}/data/history`)).json<
      Page<{ dataType: string }>
    >();
    expect(history.totalResults).toBeGreaterThan(8);
  });

  it('reads and overrides profile and company sync settings', async () => {
    const profile = (await sim.call('GET', '/profile/syncSettings')).json<{
      settings: Array<{ dataType: string; fetchOnFirstLink: boolean }>;
    }>();
    expect(profile.settings.map((s) => s.dataType)).toContain('commerce-orders');
    const company = (await sim.call('POST', '/companies', { name: 'Settings Co' })).json<Company>();
    const initial = (await sim.call('GET', `/companies/${company.id}/syncSettings`)).json();
    expect(initial).toMatchObject({ companyId: company.id, overridesDefaults: false });
    expect(
      (
        await sim.call('PUT', `/companies/${company.id}/syncSettings`, {
          settings: [{ dataType: 'commerce-orders' }],
        })
      ).status,
    ).toBe(400);
    await sim.call('PUT', `/companies/${company.id}/syncSettings`, {
      settings: [{ dataType: 'commerce-orders', fetchOnFirstLink: false, syncSchedule: 12 }],
    });
    expect((await sim.call('GET', `/companies/${company.id}/syncSettings`)).json()).toMatchObject({
      overridesDefaults: true,
      settings: [{ dataType: 'commerce-orders', fetchOnFirstLink: false, syncSchedule: 12 }],
    });
  });
});
