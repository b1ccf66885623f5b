import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { NO_FAULTS } from '../../../src/sandbox/framework.js';
import {
  INITIATE as INITIATE_ROUTE,
  REFRESH,
  sessionOf,
  START,
  upstreamCalls,
  type RefreshResult,
  type StartResult,
} from './fixtures.js';
import { until } from '../../helpers/wait.js';

const ESTABLISHED = '/api/v1/connection/established/:linkToken';

describe('API Panda failures', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({
      env: { UPSTREAM_TIMEOUT_MS: '400', APIPANDA_POLL_INTERVAL_MS: '600000' },
    });
  });
  afterAll(async () => t?.close());
  afterEach(() => t.sandbox.server.setKnobs('apipanda', NO_FAULTS));

  it('maps a 400 on an input property to a userError naming that field', async () => {
    const before = upstreamCalls(t);
    const res = await t.graphql<StartResult>(START, {
      input: { name: 'Shop', slug: 'Not_A_Handle', integrationType: 'SHOPIFY' },
    });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data?.startConnection).toEqual({
      connection: null,
      authenticationUrl: null,
      userErrors: [
        {
          field: ['input', 'slug'],
          code: 'INVALID',
          message: 'Slug must contain only lower-case letters, digits and hyphens',
        },
      ],
    });
    // the request did reach API Panda: link token, then the refused initiate
    expect(upstreamCalls(t) - before).toBe(2);
  });

  it('reports an API Panda 500 as UPSTREAM_ERROR, as for every upstream, on that field only', async () => {
    t.sandbox.server.setKnobs('apipanda', { errorRate: 1 });
    const res = await t.graphql<{ s: unknown; r: RefreshResult['refreshConnection'] }>(
      `mutation {
        s: startConnection(input: { name: "Shop", integrationType: ETSY }) { connection { id } userErrors { code } }
        r: refreshConnection(input: { id: "gid://commerce-graph/Connection/missing" }) { userErrors { field code } }
      }`,
    );
    expect(res.body.data?.s).toBeNull();
    expect(res.body.data?.r).toEqual({
      userErrors: [{ field: ['input', 'id'], code: 'NOT_FOUND' }],
    });
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors?.[0]).toMatchObject({
      path: ['s'],
      extensions: { code: 'UPSTREAM_ERROR', upstream: 'apipanda' },
    });
    expect(JSON.stringify(res.body)).not.toContain('Simulated internal error');
  });

  it('reports an API Panda that does not answer as UPSTREAM_TIMEOUT', async () => {
    t.sandbox.server.setKnobs('apipanda', { timeoutRate: 1 });
    const res = await t.graphql<StartResult>(START, {
      input: { name: 'Shop', integrationType: 'ETSY' },
    });
    expect(res.body.data?.startConnection).toBeNull();
    expect(res.body.errors?.[0]).toMatchObject({
      path: ['startConnection'],
      extensions: { code: 'UPSTREAM_TIMEOUT', upstream: 'apipanda' },
    });
  });

  it('keeps a connection pending when API Panda is down during a refresh, and settles it later', async () => {
    const started = await t.graphql<StartResult>(START, {
      input: { name: 'Later', integrationType: 'AMAZON' },
    });
    const connection = started.body.data!.startConnection!.connection!;
    t.sandbox.apipanda.decide(
      sessionOf(t, started.body.data!.startConnection!.authenticationUrl!).id,
      'approved',
    );

    t.sandbox.server.setKnobs('apipanda', { errorRate: 1 });
    const down = await t.graphql<RefreshResult>(REFRESH, { input: { id: connection.id } });
    expect(down.body.errors?.[0]).toMatchObject({
      path: ['refreshConnection'],
      extensions: { code: 'UPSTREAM_ERROR' },
    });
    const stillPending = await t.graphql<{ connection: { status: string } }>(
      'query($id: ID!) { connection(id: $id) { status } }',
      { id: connection.id },
    );
    expect(stillPending.body.data?.connection.status).toBe('PENDING_AUTH');

    t.sandbox.server.setKnobs('apipanda', NO_FAULTS);
    const up = await t.graphql<RefreshResult>(REFRESH, { input: { id: connection.id } });
    expect(up.body.data?.refreshConnection?.connection?.status).toBe('ESTABLISHED');
  });
});

describe('API Panda refusing the gateway token', () => {
  it('maps a revoked public token (4101) to a typed top-level error', async () => {
    const t = await startTestGateway({ env: { APIPANDA_PUBLIC_TOKEN: 'pk_sandbox_revoked_1' } });
    try {
      const res = await t.graphql<StartResult>(START, {
        input: { name: 'Shop', integrationType: 'ETSY' },
      });
      expect(res.body.data?.startConnection).toBeNull();
      expect(res.body.errors?.[0]).toMatchObject({
        path: ['startConnection'],
        extensions: {
          code: 'UPSTREAM_ERROR',
          upstream: 'apipanda',
          reason: 'APIPANDA_TOKEN_REVOKED',
          upstreamCode: 4101,
        },
      });
      expect(JSON.stringify(res.body) + t.logs.join('\n')).not.toContain('pk_sandbox_revoked_1');
      expect(upstreamCalls(t, INITIATE_ROUTE)).toBe(0);
    } finally {
      await t.close();
    }
  });

  it('maps a refusal of a non-input property to an UPSTREAM_REJECTED userError without a field', async () => {
    const t = await startTestGateway({ env: { APIPANDA_PUBLIC_TOKEN: 'pk_live_unknown' } });
    try {
      const res = await t.graphql<StartResult>(START, {
        input: { name: 'Shop', integrationType: 'ETSY' },
      });
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data?.startConnection?.userErrors).toEqual([
        {
          field: null,
          code: 'UPSTREAM_REJECTED',
          message: 'API Panda refused the request (code 4001)',
        },
      ]);
      expect(JSON.stringify(res.body) + t.logs.join('\n')).not.toContain('pk_live_unknown');
    } finally {
      await t.close();
    }
  });
});

describe('the gateway watching a pending connection', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({
      env: { APIPANDA_POLL_INTERVAL_MS: '40', APIPANDA_POLL_TIMEOUT_MS: '60000' },
    });
  });
  afterAll(async () => t?.close());

  async function statusOf(id: string) {
    const res = await t.graphql<{ connection: { status: string } }>(
      'query($id: ID!) { connection(id: $id) { status } }',
      {
        id,
      },
    );
    return res.body.data!.connection.status;
  }

  it('settles the connection without refreshConnection, riding out an API Panda outage', async () => {
    const started = await t.graphql<StartResult>(START, {
      input: { name: 'Watched', integrationType: 'PRINTIFY' },
    });
    const { connection, authenticationUrl } = started.body.data!.startConnection!;
    // the watcher checks while the owner has not answered yet
    await until(() => upstreamCalls(t, ESTABLISHED) >= 2, 'two pending checks');
    expect(await statusOf(connection!.id)).toBe('PENDING_AUTH');

    t.sandbox.server.setKnobs('apipanda', { errorRate: 1 });
    const failedBefore = t.sandbox.server
      .requests('apipanda')
      .filter((r) => r.status === 500).length;
    await until(
      () =>
        t.sandbox.server.requests('apipanda').filter((r) => r.status === 500).length >=
        failedBefore + 3,
      'a failed check',
    );
    t.sandbox.apipanda.decide(sessionOf(t, authenticationUrl!).id, 'approved');
    t.sandbox.server.setKnobs('apipanda', NO_FAULTS);

    await until(async () => (await statusOf(connection!.id)) === 'ESTABLISHED', 'ESTABLISHED');
    // settled: the watcher lets go of it
    await until(() => t.gateway.services.connections.watching === 0, 'the watcher to stop');
  });

  it('stops watching a denied connection', async () => {
    const started = await t.graphql<StartResult>(START, {
      input: { name: 'Refused', integrationType: 'TIKTOK' },
    });
    const { connection, authenticationUrl } = started.body.data!.startConnection!;
    t.sandbox.apipanda.decide(sessionOf(t, authenticationUrl!).id, 'denied');
    await until(async () => (await statusOf(connection!.id)) === 'DENIED', 'DENIED');
    await until(() => t.gateway.services.connections.watching === 0, 'the watcher to stop');
  });
});
