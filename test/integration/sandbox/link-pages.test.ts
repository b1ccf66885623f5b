import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_CODAT_API_KEY } from '../../../src/sandbox/codat/simulator.js';
import { startSandbox, type Sandbox } from '../../../src/sandbox/index.js';
import { SANDBOX_QARD_API_KEY } from '../../../src/sandbox/qard/simulator.js';
import { browserAvailable, launchBrowser } from '../../helpers/browser.js';

/** A business owner authorises (or cancels) on the Codat and Qard sandbox pages in a real browser. */
const hasBrowser = browserAvailable();

describe.skipIf(!hasBrowser)('link and consent pages in a browser', () => {
  let sandbox: Sandbox;
  let browser: Browser;
  const codat = {
    authorization: `Basic ${Buffer.from(SANDBOX_CODAT_API_KEY).toString('base64')}`,
    'content-type': 'application/json',
  };
  const qard = { 'x-api-key': SANDBOX_QARD_API_KEY, 'content-type': 'application/json' };

  beforeAll(async () => {
    sandbox = await startSandbox({ seed: 9 });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await sandbox?.close();
  });

  async function clickOn(url: string, button: '#authorise' | '#cancel'): Promise<string> {
    const page = await browser.newPage();
    try {
      await page.goto(url);
      await Promise.all([page.waitForLoadState('load'), page.click(button)]);
      await page.waitForSelector('#result');
      return (await page.textContent('#result')) ?? '';
    } finally {
      await page.close();
    }
  }

  it('Codat: Authorise links the connection and starts the commerce syncs; Cancel leaves it pending', async () => {
    const create = async (name: string) =>
      (await (
        await fetch(`${sandbox.urls.codat}/companies`, {
          method: 'POST',
          headers: codat,
          body: JSON.stringify({ name, platformType: 'shopify' }),
        })
      ).json()) as {
        id: string;
        dataConnections: Array<{ id: string; linkUrl: string }>;
      };
    const company = await create('Browser Co');
    expect(await clickOn(company.dataConnections[0]!.linkUrl, '#authorise')).toContain('Linked');
    const connection = (await (
      await fetch(
        `${sandbox.urls.codat}/companies/${company.id}/connections/${company.dataConnections[0]!.id}`,
        { headers: codat },
      )
    ).json()) as { status: string };
    expect(connection.status).toBe('Linked');
    const status = (await (
      await fetch(`${sandbox.urls.codat}/companies/${company.id}/dataStatus`, { headers: codat })
    ).json()) as Record<string, { currentStatus: string }>;
    expect(['Queued', 'Fetching', 'Complete']).toContain(status['commerce-orders']?.currentStatus);

    const other = await create('Browser Cancel Co');
    expect(await clickOn(other.dataConnections[0]!.linkUrl, '#cancel')).toContain('did not share');
    expect(sandbox.codat.companies().find((c) => c.id === other.id)?.connections[0]?.status).toBe(
      'PendingAuth',
    );
  });

  it('Qard: Authorise connects the data connection', async () => {
    sandbox.qard.enableProvider('shopify');
    const user = (await (
      await fetch(`${sandbox.urls.qard}/api/v6/users`, {
        method: 'POST',
        headers: qard,
        body: JSON.stringify({ name: 'Browser' }),
      })
    ).json()) as { id: string };
    const connection = (await (
      await fetch(`${sandbox.urls.qard}/api/v6/users/${user.id}/data-connections`, {
        method: 'POST',
        headers: qard,
        body: JSON.stringify({
          provider_name: 'shopify',
          requested_data_types: ['COMMERCE_ORDER'],
        }),
      })
    ).json()) as { id: string; redirect_url: string };
    expect(await clickOn(connection.redirect_url, '#authorise')).toContain('CONNECTED');
    const after = (await (
      await fetch(
        `${sandbox.urls.qard}/api/v6/users/${user.id}/data-connections/${connection.id}`,
        { headers: qard },
      )
    ).json()) as { status: string };
    expect(after.status).toBe('CONNECTED');
  });
});
