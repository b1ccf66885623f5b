import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from 'graphql-ws';
import type { Browser } from 'playwright-core';
import WebSocket from 'ws';
import { browserAvailable, launchBrowser } from '../helpers/browser.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

/**
 * The whole onboarding as a frontend and a merchant live it: the app subscribes, starts a
 * connection, the merchant approves (or denies) on API Panda's OAuth page in a real browser,
 * and the app sees the new status arrive on its subscription without calling refreshConnection.
 */
const hasBrowser = browserAvailable();

interface Update {
  id: string;
  name: string;
  status: string;
  integrationType: string;
  authenticationUrl: string | null;
}

const SUBSCRIPTION = `subscription($id: ID) {
  connectionUpdated(id: $id) { id name status integrationType authenticationUrl }
}`;

const START = `mutation($input: StartConnectionInput!) {
  startConnection(input: $input) { connection { id status } authenticationUrl userErrors { field message } }
}`;

describe.skipIf(!hasBrowser)('connecting an account through the OAuth page', () => {
  let t: TestGateway;
  let browser: Browser;
  const clients: Client[] = [];

  beforeAll(async () => {
    t = await startTestGateway({
      env: { APIPANDA_POLL_INTERVAL_MS: '50', APIPANDA_POLL_TIMEOUT_MS: '60000' },
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    for (const c of clients) await c.dispose();
    await browser?.close();
    await t?.close();
  });

  /** A graphql-ws subscriber collecting every update it receives. */
  async function subscribe(apiKey: string, variables: Record<string, unknown> = {}) {
    const client = createClient({
      url: t.graphqlUrl.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { 'x-api-key': apiKey },
      lazy: false,
    });
    clients.push(client);
    const received: Update[] = [];
    const errors: unknown[] = [];
    await new Promise<void>((resolve) => client.on('connected', () => resolve()));
    client.subscribe<{ connectionUpdated: Update }>(
      { query: SUBSCRIPTION, variables },
      {
        next: (msg) => {
          if (msg.data) received.push(msg.data.connectionUpdated);
          if (msg.errors) errors.push(...msg.errors);
        },
        error: (e) => errors.push(e),
        complete: () => undefined,
      },
    );
    return { received, errors };
  }

  async function startConnection(name: string, integrationType: string) {
    const res = await t.graphql<{
      startConnection: { connection: { id: string; status: string }; authenticationUrl: string };
    }>(START, { input: { name, integrationType } });
    expect(res.body.errors).toBeUndefined();
    return res.body.data!.startConnection;
  }

  async function answerInBrowser(authenticationUrl: string, button: '#approve' | '#deny') {
    const page = await browser.newPage();
    try {
      await page.goto(authenticationUrl);
      await page.locator(button).click();
      await page.waitForSelector('#result');
      return await page.locator('#result').innerText();
    } finally {
      await page.close();
    }
  }

  it('shows ESTABLISHED to the subscriber once the owner approves, and nothing to other workspaces', async () => {
    const own = await subscribe(t.keys.a);
    const other = await subscribe(t.keys.b);
    const refreshesBefore = t.sandbox.server.requests('apipanda').length;

    const started = await startConnection('Browser store', 'SHOPIFY');
    expect(started.connection.status).toBe('PENDING_AUTH');
    expect(await answerInBrowser(started.authenticationUrl, '#approve')).toContain('approved');

    await expect
      .poll(
        () =>
          own.received.find((u) => u.id === started.connection.id && u.status === 'ESTABLISHED'),
        {
          timeout: 15_000,
        },
      )
      .toEqual({
        id: started.connection.id,
        name: 'Browser store',
        status: 'ESTABLISHED',
        integrationType: 'SHOPIFY',
        authenticationUrl: null,
      });
    expect(own.errors).toEqual([]);
    // the gateway asked API Panda itself; the client never called refreshConnection
    const calls = t.sandbox.server
      .requests('apipanda')
      .slice(refreshesBefore)
      .map((r) => r.route);
    expect(calls).toContain('/api/v1/connection/established/:linkToken');
    expect(calls).toContain('/api/v1/connection/access-token/:publicToken');
    expect(other.received).toEqual([]);
    expect(other.errors).toEqual([]);
  });

  it('shows DENIED to a subscriber of that one connection when the owner refuses', async () => {
    const started = await startConnection('Refused store', 'PRINTFUL');
    const watcher = await subscribe(t.keys.a, { id: started.connection.id });
    const unrelated = await startConnection('Unrelated store', 'ETSY');
    expect(await answerInBrowser(started.authenticationUrl, '#deny')).toContain('denied');

    await expect
      .poll(() => watcher.received.find((u) => u.status === 'DENIED')?.id, { timeout: 15_000 })
      .toBe(started.connection.id);
    expect(watcher.received.every((u) => u.id === started.connection.id)).toBe(true);
    expect(watcher.received.some((u) => u.id === unrelated.connection.id)).toBe(false);
  });

  it('refuses a subscription without credentials', async () => {
    const client = createClient({
      url: t.graphqlUrl.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
    });
    clients.push(client);
    const outcome = await new Promise<string>((resolve) => {
      client.subscribe(
        { query: SUBSCRIPTION },
        {
          next: () => resolve('data'),
          error: () => resolve('error'),
          complete: () => resolve('complete'),
        },
      );
    });
    expect(outcome).toBe('error');
  });
});
