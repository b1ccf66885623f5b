import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { browserAvailable, launchBrowser } from '../helpers/browser.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

/**
 * A person opening /graphql in a browser gets a working GraphiQL, loaded entirely from the
 * gateway: every request the page makes is checked to stay on the gateway's own origin.
 */
const hasBrowser = browserAvailable();

describe.skipIf(!hasBrowser)('GraphiQL in a browser', () => {
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

  it('loads offline, with the key already in its headers, and runs a query', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const foreign: string[] = [];
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (
        url.startsWith(t.url) ||
        url.startsWith(t.url.replace('http', 'ws')) ||
        url.startsWith('data:')
      )
        return route.continue();
      foreign.push(url);
      return route.abort();
    });
    await page.goto(`${t.graphqlUrl}`);
    await page.waitForSelector('.graphiql-container', { timeout: 20_000 });
    await expect.poll(() => page.locator('.graphiql-editor-tool').innerText()).toContain(t.keys.a);
    await page.locator('.graphiql-execute-button').click();
    await expect
      .poll(async () => (await page.locator('.result-window').innerText()).replace(/\s+/g, ' '), {
        timeout: 15_000,
      })
      .toContain('"handle": "ws-a"');
    expect(foreign).toEqual([]);
    await context.close();
  });
});
