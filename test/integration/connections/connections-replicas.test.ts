import { randomBytes } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startSandbox, type Sandbox } from '../../../src/sandbox/index.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import {
  createTestDatabase,
  postgresAvailable,
  redisAvailable,
  testRedisUrl,
} from '../../helpers/services.js';
import { REFRESH, sessionOf, START, type RefreshResult, type StartResult } from './fixtures.js';

/**
 * Two gateway replicas on one PostgreSQL and one Redis: a connection settled through one replica
 * reaches a subscriber of the other, and a replica started later resumes watching connections
 * another one started.
 */
const ready = (await postgresAvailable()) && (await redisAvailable());

describe.skipIf(!ready)('connections across replicas', () => {
  let sandbox: Sandbox;
  let db: { url: string; drop: () => Promise<void> };
  const replicas: TestGateway[] = [];
  const clients: Client[] = [];
  const env = {
    REDIS_URL: testRedisUrl,
    // Replicas share the key that seals tokens, as they would in production.
    SECRETS_KEY: randomBytes(32).toString('base64'),
  };

  async function replica(pollIntervalMs: string): Promise<TestGateway> {
    const t = await startTestGateway({
      sharedSandbox: sandbox,
      databaseUrl: db.url,
      env: { ...env, APIPANDA_POLL_INTERVAL_MS: pollIntervalMs },
    });
    replicas.push(t);
    return t;
  }

  beforeAll(async () => {
    sandbox = await startSandbox({ seed: 11 });
    db = await createTestDatabase();
  });
  afterAll(async () => {
    for (const c of clients) await c.dispose();
    for (const r of replicas) await r.close();
    await sandbox?.close();
    await db?.drop();
  });

  it('delivers a status change made on one replica to a subscriber of another', async () => {
    const a = await replica('600000');
    const b = await replica('600000');
    const client = createClient({
      url: b.graphqlUrl.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { 'x-api-key': b.keys.a },
      lazy: false,
    });
    clients.push(client);
    await new Promise<void>((resolve) => client.on('connected', () => resolve()));
    const received: Array<{ id: string; status: string; establishedAt: string | null }> = [];
    client.subscribe<{
      connectionUpdated: { id: string; status: string; establishedAt: string | null };
    }>(
      { query: 'subscription { connectionUpdated { id status establishedAt } }' },
      {
        next: (m) => m.data && received.push(m.data.connectionUpdated),
        error: () => undefined,
        complete: () => undefined,
      },
    );

    const started = await a.graphql<StartResult>(START, {
      input: { name: 'Shared', integrationType: 'ETSY' },
    });
    const { connection, authenticationUrl } = started.body.data!.startConnection!;
    sandbox.apipanda.decide(sessionOf(a, authenticationUrl!).id, 'approved');
    const refreshed = await a.graphql<RefreshResult>(REFRESH, { input: { id: connection!.id } });
    expect(refreshed.body.data?.refreshConnection?.connection?.status).toBe('ESTABLISHED');

    await expect
      .poll(() => received.find((u) => u.id === connection!.id && u.status === 'ESTABLISHED'), {
        timeout: 10_000,
      })
      .toMatchObject({ id: connection!.id, status: 'ESTABLISHED' });
    // the other replica reads the same store
    const read = await b.graphql<{ connection: { status: string } }>(
      'query($id: ID!) { connection(id: $id) { status } }',
      {
        id: connection!.id,
      },
    );
    expect(read.body.data?.connection.status).toBe('ESTABLISHED');
  });

  it('resumes watching a pending connection after the replica that started it is gone', async () => {
    const first = await replica('600000');
    const started = await first.graphql<StartResult>(START, {
      input: { name: 'Orphan', integrationType: 'PRINTIFY' },
    });
    const { connection, authenticationUrl } = started.body.data!.startConnection!;
    await first.close();
    replicas.splice(replicas.indexOf(first), 1);

    sandbox.apipanda.decide(authenticationUrl!.split('/').at(-1)!, 'approved');
    const later = await replica('50');
    await expect
      .poll(
        async () => {
          const res = await later.graphql<{ connection: { status: string } }>(
            'query($id: ID!) { connection(id: $id) { status } }',
            { id: connection!.id },
          );
          return res.body.data?.connection.status;
        },
        { timeout: 10_000 },
      )
      .toBe('ESTABLISHED');
  });
});
