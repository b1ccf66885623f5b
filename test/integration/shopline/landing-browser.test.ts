import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, launchBrowser } from '../../helpers/browser.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { CLAIM } from './helpers.js';

const hasBrowser = browserAvailable();

describe.skipIf(!hasBrowser)('SHOPLINE landing page in a browser', () => {
  let t: TestGateway;
  let browser: Browser;
  beforeAll(async () => {
    t = await startTestGateway();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('sends the admin through SHOPLINE login and back to a claim code that links the merchant', async () => {
    const page = await browser.newPage();
    await page.goto(`${t.url}/shopline/landing`);
    // SHOPLINE's (sandbox) login page: the admin logs in as their merchant.
    expect(page.url()).toContain('/shopline/oauth/authorize');
    await page.fill('input[name="merchant_id"]', 'm-browser');
    await page.click('button[type="submit"]');
    await page.waitForSelector('#claim-code');
    expect(page.url()).toContain(`${t.url}/shopline/landing?`);
    const code = (await page.textContent('#claim-code'))!.trim();
    expect(await page.getAttribute('#claim-code', 'data-merchant-id')).toBe('m-browser');

    const claimed = await t.graphql<{
      claimShoplineMerchant: { merchant: { merchantId: string } | null };
    }>(CLAIM, { code });
    expect(claimed.body.data!.claimShoplineMerchant.merchant?.merchantId).toBe('m-browser');

    // Reloading the callback replays a used authorization code: SHOPLINE refuses it.
    const reload = await page.reload();
    expect(reload?.status()).toBe(400);
    await page.close();
  }, 60_000);
});
