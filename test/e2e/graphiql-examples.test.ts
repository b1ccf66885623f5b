import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { GRAPHIQL_EXAMPLES } from '../../src/server/graphiql-examples.js';
import { browserAvailable, launchBrowser } from '../helpers/browser.js';
import { seedLikeDemo } from '../helpers/demo.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

/**
 * GraphiQL opens with one example tab per domain; a person clicks a tab and runs it as it is
 * against the demo workspace (filled as the sandbox fills it) and gets data, not errors.
 */
const hasBrowser = browserAvailable();
const TITLES = GRAPHIQL_EXAMPLES.map(
  (e) => /(?:query|mutation|subscription) (\w+)/.exec(e.query)![1]!,
);

describe.skipIf(!hasBrowser)('GraphiQL example tabs', () => {
  let t: TestGateway;
  let browser: Browser;
  beforeAll(async () => {
    t = await startTestGateway();
    await seedLikeDemo(t);
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('has a tab per domain, and each query and mutation runs as it is with data in the answer', async () => {
    expect(TITLES).toEqual([
      'Viewer',
      'Orders',
      'LinkStore',
      'Connections',
      'Workflows',
      'ShoplineMerchants',
      'ConnectionUpdates',
    ]);
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(t.graphqlUrl);
    await page.waitForSelector('.graphiql-container', { timeout: 20_000 });
    const tabs = page.locator('.graphiql-tab-button');
    await expect.poll(() => tabs.allInnerTexts()).toEqual(TITLES);

    const result = () => page.locator('.result-window').innerText();
    const activeOperationName = () =>
      page.evaluate(() => {
        // GraphiQL keeps each tab's state, its parsed operation name included, in localStorage.
        const state = JSON.parse(localStorage.getItem('graphiql:tabState') ?? 'null') as {
          activeTabIndex: number;
          tabs: Array<{ operationName: string | null }>;
        } | null;
        return state?.tabs[state.activeTabIndex]?.operationName ?? null;
      });
    const queryEditorText = () =>
      page.evaluate(() => {
        // GraphiQL 3's editors are CodeMirror 5 instances, reachable from their wrapper element.
        const editor = document.querySelector('.graphiql-query-editor .CodeMirror') as
          (Element & { CodeMirror?: { getValue(): string } }) | null;
        return editor?.CodeMirror?.getValue() ?? '';
      });
    for (const [index, example] of GRAPHIQL_EXAMPLES.entries()) {
      if (example.query.includes('subscription ')) continue;
      await tabs.nth(index).click();
      // The editor takes the tab's text, and GraphiQL the operation name it parses from it, a
      // moment after the click; a run before that sends the previous tab's operation name.
      await expect.poll(queryEditorText, { timeout: 10_000 }).toBe(example.query);
      await expect.poll(activeOperationName, { timeout: 10_000 }).toBe(TITLES[index]);
      await page.locator('.graphiql-execute-button').click();
      await expect.poll(result, { timeout: 20_000 }).toMatch(/"data"/);
      const text = await result();
      expect(text, TITLES[index]).not.toMatch(/"errors"|"userErrors": \[\s*\{/);
      if (TITLES[index] === 'Orders') {
        expect(text).toMatch(/"source": "CODAT"/);
        expect(Number(/"totalCount": (\d+)/.exec(text)?.[1])).toBeGreaterThan(1000);
      }
      if (TITLES[index] === 'ShoplineMerchants') expect(text).toContain('"demo-merchant"');
    }
    await context.close();
  });
});
