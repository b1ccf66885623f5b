import { createClient, type Client } from 'graphql-ws';
import { expect } from 'vitest';
import WebSocket from 'ws';
import type { TestGateway } from '../../helpers/gateway.js';
import {
  sessionOf,
  START,
  REFRESH,
  type RefreshResult,
  type StartResult,
} from '../connections/fixtures.js';

/**
 * Subscribes to `connectionUpdated` through a router's graphql-ws endpoint with workspace A's
 * key, then starts connections until the subscriber sees one (one started before the
 * subscription reached the subgraph is not reported), settles it, and expects ESTABLISHED.
 */
export async function expectConnectionUpdatedThrough(
  t: TestGateway,
  wsUrl: string,
  clients: Client[],
): Promise<void> {
  const client = createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: { 'x-api-key': t.keys.a },
    lazy: false,
  });
  clients.push(client);
  const received: Array<{ id: string; status: string }> = [];
  let failure: unknown;
  client.subscribe<{ connectionUpdated: { id: string; status: string } }>(
    { query: 'subscription { connectionUpdated { id status } }' },
    {
      next: (m) => m.data && received.push(m.data.connectionUpdated),
      error: (e) => (failure = e),
      complete: () => undefined,
    },
  );
  await expect
    .poll(
      async () => {
        if (received.length === 0 && !failure)
          await t.graphql<StartResult>(START, {
            input: { name: 'Through the router', integrationType: 'ETSY' },
          });
        return failure ?? received.length;
      },
      { timeout: 10_000, interval: 200 },
    )
    .toBeGreaterThan(0);
  const { id } = received[0]!;
  const read = await t.graphql<{ connection: { authenticationUrl: string } }>(
    'query ($id: ID!) { connection(id: $id) { authenticationUrl } }',
    { id },
  );
  t.sandbox.apipanda.decide(
    sessionOf(t, read.body.data!.connection.authenticationUrl).id,
    'approved',
  );
  const refreshed = await t.graphql<RefreshResult>(REFRESH, { input: { id } });
  expect(refreshed.body.data?.refreshConnection?.connection?.status).toBe('ESTABLISHED');
  await expect
    .poll(() => failure ?? received.find((u) => u.status === 'ESTABLISHED'), { timeout: 10_000 })
    .toEqual({ id, status: 'ESTABLISHED' });
}
