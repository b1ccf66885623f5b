import { createHmac } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { SANDBOX_CODAT_WEBHOOK_SECRET } from '../../../src/sandbox/codat/webhook-sender.js';
import { subscriptionsListening, type TestGateway } from '../../helpers/gateway.js';
import { until } from '../../helpers/wait.js';

/** commerceLinkSynced over graphql-ws, and Codat's signed webhooks, as the tests drive them. */

export const SYNCED = `subscription ($linkId: ID) { commerceLinkSynced(linkId: $linkId) {
  link { id name source } outcome signal datasets { dataType state upstreamStatus dataAsOf }
} }`;
export const ORDERS =
  '{ commerce { orders(first: 20) { nodes { sourceId orderNumber } totalCount } } }';

export interface Synced {
  link: { id: string; name: string; source: string };
  outcome: string;
  signal: string;
  datasets: Array<{
    dataType: string;
    state: string;
    upstreamStatus: string | null;
    dataAsOf: string | null;
  }>;
}

const clients: Client[] = [];

/**
 * A graphql-ws client of the gateway, subscribed to commerceLinkSynced; resolves once the
 * gateway listens for its events (its /metrics gauge counts it: with Redis, once Redis confirmed
 * the subscription), so a sync triggered next cannot be announced before it.
 */
export async function subscribe(t: TestGateway, apiKey: string, linkId?: string) {
  const before = await subscriptionsListening(t);
  const client = createClient({
    url: t.graphqlUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { 'x-api-key': apiKey },
    lazy: false,
    retryAttempts: 0,
    // Disposing the client at the end closes the socket: not an error here.
    onNonLazyError: () => undefined,
  });
  clients.push(client);
  await new Promise<void>((resolve) => client.on('connected', () => resolve()));
  const events: Synced[] = [];
  const errors: unknown[] = [];
  client.subscribe<{ commerceLinkSynced: Synced }>(
    { query: SYNCED, variables: linkId ? { linkId } : {} },
    {
      next: (m) => (m.data ? events.push(m.data.commerceLinkSynced) : errors.push(m.errors)),
      error: (e) => errors.push(e),
      complete: () => undefined,
    },
  );
  await until(
    async () => (await subscriptionsListening(t)) > before,
    'the gateway listening for the subscription’s events',
  );
  return { events, errors, client };
}

/** Codat data calls (list pages and lookups) a step made. */
export async function codatDataCalls<T>(t: TestGateway, step: () => Promise<T>) {
  t.sandbox.server.resetStats();
  const result = await step();
  const calls = t.sandbox.server
    .requests('codat')
    .filter((r) => r.path.includes('/data/commerce-'));
  return { result, calls: calls.length };
}

/** Signs a body as Svix does for Codat: v1,base64(HMAC-SHA256(key, `${id}.${ts}.${body}`)). */
export function svixHeaders(
  body: string,
  secret: string,
  id = 'msg_test',
  ts = Math.floor(Date.now() / 1000),
) {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const signature = createHmac('sha256', key).update(`${id}.${ts}.${body}`).digest('base64');
  return {
    'content-type': 'application/json',
    'svix-id': id,
    'svix-timestamp': String(ts),
    'svix-signature': `v1,${signature}`,
  };
}

/** Delivers a Codat event signed with the sandbox's secret; returns the gateway's outcome. */
export async function deliver(t: TestGateway, body: string, id: string): Promise<string> {
  const res = await fetch(`${t.url}/webhooks/codat`, {
    method: 'POST',
    headers: svixHeaders(body, SANDBOX_CODAT_WEBHOOK_SECRET, id),
    body,
  });
  return ((await res.json()) as { outcome: string }).outcome;
}

export function readCompleted(
  companyId: string,
  connectionId: string,
  dataType = 'commerce-orders',
) {
  return JSON.stringify({
    id: '743ec94a-8aa4-44bb-8bd4-e1855ee0e74b',
    eventType: 'read.completed',
    generatedDate: new Date().toISOString(),
    payload: {
      referenceCompany: { id: companyId, name: 'Forged' },
      dataTypes: [
        { connectionId, dataType, recordsModified: true, status: 'Complete', issues: [] },
      ],
    },
  });
}

/** Closes every client `subscribe` opened (each test file's afterAll). */
export async function disposeClients(): Promise<void> {
  for (const c of clients.splice(0)) await c.dispose();
}
