import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import {
  CONNECTION_FIELDS,
  INITIATE,
  REFRESH,
  sessionOf,
  START,
  upstreamCalls,
  type ConnectionJson,
  type RefreshResult,
  type StartResult,
} from './fixtures.js';

let t: TestGateway;
beforeAll(async () => {
  // Polling far slower than the test: these tests settle connections with refreshConnection.
  t = await startTestGateway({ env: { APIPANDA_POLL_INTERVAL_MS: '600000' } });
});
afterAll(async () => t?.close());

async function start(input: Record<string, unknown>, apiKey?: string) {
  const res = await t.graphql<StartResult>(START, { input }, apiKey ? { apiKey } : {});
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.startConnection!;
}

async function refresh(id: string, apiKey?: string) {
  const res = await t.graphql<RefreshResult>(REFRESH, { input: { id } }, apiKey ? { apiKey } : {});
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.refreshConnection!;
}

describe('integration catalog', () => {
  it('lists the seed relation between categories and integration types', async () => {
    const res = await t.graphql('{ integrationCatalog { category integrationTypes } }');
    expect(res.body.data).toEqual({
      integrationCatalog: [
        { category: 'MARKETPLACE', integrationTypes: ['SHOPIFY', 'ETSY', 'TIKTOK', 'AMAZON'] },
        { category: 'PRINT_ON_DEMAND', integrationTypes: ['PRINTIFY', 'PRINTFUL'] },
      ],
    });
  });
});

describe('connecting an account', () => {
  let started: ConnectionJson;
  let authenticationUrl: string;

  it('starts a connection: PENDING_AUTH with the OAuth URL, category from API Panda', async () => {
    const before = upstreamCalls(t);
    const payload = await start({
      name: 'Main store',
      slug: 'main-store',
      integrationType: 'SHOPIFY',
    });
    expect(payload.userErrors).toEqual([]);
    started = payload.connection!;
    authenticationUrl = payload.authenticationUrl!;
    expect(started).toMatchObject({
      name: 'Main store',
      slug: 'main-store',
      category: 'MARKETPLACE',
      integrationType: 'SHOPIFY',
      status: 'PENDING_AUTH',
      authenticationUrl,
      establishedAt: null,
    });
    expect(started.id).toMatch(/^gid:\/\/commerce-graph\/Connection\//);
    expect(authenticationUrl).toMatch(/\/apipanda\/oauth\/authorize\/sess_/);
    // link token + initiate, nothing else
    expect(upstreamCalls(t) - before).toBe(2);
    const session = sessionOf(t, authenticationUrl);
    expect(session).toMatchObject({
      name: 'Main store',
      slug: 'main-store',
      integrationType: 'Shopify',
    });
  });

  it('stays PENDING_AUTH while the owner has not answered', async () => {
    const payload = await refresh(started.id);
    expect(payload.connection).toMatchObject({
      id: started.id,
      status: 'PENDING_AUTH',
      authenticationUrl,
    });
  });

  it('becomes ESTABLISHED after approval and keeps the access token sealed in the store', async () => {
    const session = sessionOf(t, authenticationUrl);
    t.sandbox.apipanda.decide(session.id, 'approved');
    const exchangesBefore = upstreamCalls(t, '/api/v1/connection/access-token/:publicToken');
    const payload = await refresh(started.id);
    expect(payload.connection).toMatchObject({
      id: started.id,
      status: 'ESTABLISHED',
      authenticationUrl: null,
    });
    expect(Date.parse(payload.connection!.establishedAt!)).not.toBeNaN();
    expect(upstreamCalls(t, '/api/v1/connection/access-token/:publicToken') - exchangesBefore).toBe(
      1,
    );

    const rows = (await t.gateway.services.store.db.execute(
      // Raw SQL on purpose: what is at rest, not what the repository exposes.
      `SELECT id, access_token_sealed, public_token_sealed, link_token_sealed FROM connections`,
    )) as unknown as { rows: Array<Record<string, string>> };
    const row = rows.rows.find((r) => started.id.endsWith(r['id']!))!;
    expect(row['access_token_sealed']).not.toContain(session.accessToken);
    expect(row['link_token_sealed']).not.toContain(session.linkToken);
    expect(
      t.gateway.services.secretBox.open(
        row['access_token_sealed']!,
        `connection:${row['id']}:access`,
      ),
    ).toBe(session.accessToken);
  });

  it('does not call API Panda again for a settled connection', async () => {
    const before = upstreamCalls(t);
    const payload = await refresh(started.id);
    expect(payload.connection?.status).toBe('ESTABLISHED');
    expect(upstreamCalls(t)).toBe(before);
  });

  it('reads the connection by id and through Query.node', async () => {
    const res = await t.graphql<{
      connection: ConnectionJson;
      node: { id: string; status: string };
    }>(
      `query($id: ID!) { connection(id: $id) { ${CONNECTION_FIELDS} } node(id: $id) { id ... on Connection { status } } }`,
      { id: started.id },
    );
    expect(res.body.data?.connection).toMatchObject({
      id: started.id,
      status: 'ESTABLISHED',
      name: 'Main store',
    });
    expect(res.body.data?.node).toEqual({ id: started.id, status: 'ESTABLISHED' });
  });

  it('marks a connection DENIED when the owner refuses', async () => {
    const payload = await start({ name: 'Print shop', integrationType: 'PRINTFUL' });
    expect(payload.connection).toMatchObject({ category: 'PRINT_ON_DEMAND', slug: null });
    t.sandbox.apipanda.decide(sessionOf(t, payload.authenticationUrl!).id, 'denied');
    const refreshed = await refresh(payload.connection!.id);
    expect(refreshed.connection).toMatchObject({
      status: 'DENIED',
      authenticationUrl: null,
      establishedAt: null,
    });
  });

  it('never returns or logs a link, public or access token', async () => {
    const tokens = t.sandbox.apipanda
      .sessions()
      .flatMap((s) => [s.linkToken, s.connectionPublicToken, s.accessToken]);
    expect(tokens.length).toBeGreaterThan(0);
    const res = await t.graphql(`{ connections(first: 50) { nodes { ${CONNECTION_FIELDS} } } }`);
    const everything = JSON.stringify(res.body) + t.logs.join('\n');
    for (const token of [...tokens, t.config.apipanda.publicToken!])
      expect(everything).not.toContain(token);
    // the log did record the upstream calls, by operation label
    expect(t.logs.join('\n')).toContain('POST /connection/initiate');
  });
});

describe('listing connections', () => {
  it('pages newest first with signed cursors and filters', async () => {
    for (const [i, integrationType] of ['ETSY', 'PRINTIFY', 'AMAZON', 'TIKTOK'].entries()) {
      const payload = await start({ name: `Listed ${i}`, integrationType });
      expect(payload.userErrors).toEqual([]);
    }
    const query = `query($first: Int, $after: String, $last: Int, $before: String, $filter: ConnectionFilter) {
      connections(first: $first, after: $after, last: $last, before: $before, filter: $filter) {
        totalCount nodes { name category status } edges { cursor node { id } }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      } }`;
    type Page = {
      connections: {
        totalCount: number;
        nodes: Array<{ name: string; category: string; status: string }>;
        edges: Array<{ cursor: string; node: { id: string } }>;
        pageInfo: {
          hasNextPage: boolean;
          hasPreviousPage: boolean;
          startCursor: string;
          endCursor: string;
        };
      };
    };
    const all = await t.graphql<Page>(query, { first: 250 });
    const names = all.body.data!.connections.nodes.map((n) => n.name);
    expect(names.slice(0, 4)).toEqual(['Listed 3', 'Listed 2', 'Listed 1', 'Listed 0']);
    expect(all.body.data!.connections.totalCount).toBe(names.length);

    const first = await t.graphql<Page>(query, { first: 2 });
    expect(first.body.data!.connections.nodes.map((n) => n.name)).toEqual(['Listed 3', 'Listed 2']);
    expect(first.body.data!.connections.pageInfo.hasNextPage).toBe(true);
    const second = await t.graphql<Page>(query, {
      first: 2,
      after: first.body.data!.connections.pageInfo.endCursor,
    });
    expect(second.body.data!.connections.nodes.map((n) => n.name)).toEqual([
      'Listed 1',
      'Listed 0',
    ]);
    expect(second.body.data!.connections.pageInfo.hasPreviousPage).toBe(true);
    const back = await t.graphql<Page>(query, {
      last: 2,
      before: second.body.data!.connections.pageInfo.startCursor,
    });
    expect(back.body.data!.connections.nodes.map((n) => n.name)).toEqual(['Listed 3', 'Listed 2']);

    const pod = await t.graphql<Page>(query, { filter: { category: 'PRINT_ON_DEMAND' } });
    expect(pod.body.data!.connections.nodes.map((n) => n.name)).toEqual(['Listed 1', 'Print shop']);
    const denied = await t.graphql<Page>(query, { filter: { status: 'DENIED' } });
    expect(denied.body.data!.connections.nodes.map((n) => n.name)).toEqual(['Print shop']);
    const shopifyEstablished = await t.graphql<Page>(query, {
      filter: { integrationType: 'SHOPIFY', status: 'ESTABLISHED' },
    });
    expect(shopifyEstablished.body.data!.connections.nodes.map((n) => n.name)).toEqual([
      'Main store',
    ]);

    // a cursor of one filter does not page another
    const cross = await t.graphql<Page>(query, {
      first: 2,
      after: first.body.data!.connections.pageInfo.endCursor,
      filter: { status: 'DENIED' },
    });
    expect(cross.body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
  });

  it('refuses page sizes outside 0..250', async () => {
    for (const first of [-1, 251, 10000]) {
      const res = await t.graphql(
        `query($first: Int) { connections(first: $first) { totalCount } }`,
        { first },
      );
      expect(res.body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    }
  });
});

describe('idempotent replay', () => {
  it('returns the same connection and initiates once', async () => {
    const input = { name: 'Retry store', integrationType: 'ETSY', idempotencyKey: 'retry-1' };
    const initiatesBefore = upstreamCalls(t, INITIATE);
    const firstTry = await start(input);
    const replay = await start(input);
    expect(firstTry.connection?.id).toBeDefined();
    expect(replay).toEqual(firstTry);
    expect(upstreamCalls(t, INITIATE) - initiatesBefore).toBe(1);
  });

  it('refuses the same key with different input, without an upstream call', async () => {
    const before = upstreamCalls(t);
    const payload = await start({
      name: 'Other store',
      integrationType: 'ETSY',
      idempotencyKey: 'retry-1',
    });
    expect(payload.connection).toBeNull();
    expect(payload.userErrors).toEqual([
      expect.objectContaining({
        field: ['input', 'idempotencyKey'],
        code: 'IDEMPOTENCY_KEY_REUSED',
      }),
    ]);
    expect(upstreamCalls(t)).toBe(before);
  });

  it('lets a corrected retry reuse the key after a validation error', async () => {
    const bad = await start({ name: ' ', integrationType: 'ETSY', idempotencyKey: 'fix-me' });
    expect(bad.userErrors[0]?.field).toEqual(['input', 'name']);
    const good = await start({ name: 'Fixed', integrationType: 'ETSY', idempotencyKey: 'fix-me' });
    // a different input under the same key is accepted because the failed one was not kept
    expect(good.userErrors).toEqual([]);
    expect(good.connection?.name).toBe('Fixed');
  });
});

describe('bad input never reaches API Panda', () => {
  const cases: Array<[string, Record<string, unknown>, string[], string]> = [
    ['an empty name', { name: '   ', integrationType: 'SHOPIFY' }, ['input', 'name'], 'INVALID'],
    [
      'a name too long',
      { name: 'x'.repeat(201), integrationType: 'SHOPIFY' },
      ['input', 'name'],
      'INVALID',
    ],
    [
      'an UNKNOWN integration type',
      { name: 'A', integrationType: 'UNKNOWN' },
      ['input', 'integrationType'],
      'INVALID',
    ],
    [
      'an integration type outside the category',
      { name: 'A', integrationType: 'PRINTIFY', category: 'MARKETPLACE' },
      ['input', 'category'],
      'INVALID',
    ],
    [
      'the UNKNOWN category',
      { name: 'A', integrationType: 'ETSY', category: 'UNKNOWN' },
      ['input', 'category'],
      'INVALID',
    ],
    [
      'a slug with spaces',
      { name: 'A', slug: 'my shop', integrationType: 'ETSY' },
      ['input', 'slug'],
      'INVALID',
    ],
    [
      'a malformed idempotency key',
      { name: 'A', integrationType: 'ETSY', idempotencyKey: 'has space' },
      ['input', 'idempotencyKey'],
      'INVALID',
    ],
  ];
  for (const [label, input, field, code] of cases) {
    it(`startConnection with ${label}`, async () => {
      const before = upstreamCalls(t);
      const payload = await start(input);
      expect(payload.connection).toBeNull();
      expect(payload.userErrors).toEqual([expect.objectContaining({ field, code })]);
      expect(upstreamCalls(t)).toBe(before);
    });
  }

  it('startConnection with an integration type that is not in the enum is a validation error', async () => {
    const before = upstreamCalls(t);
    const res = await t.graphql(START, { input: { name: 'A', integrationType: 'EBAY' } });
    expect(res.body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(upstreamCalls(t)).toBe(before);
  });

  it('startConnection by a member is refused', async () => {
    const before = upstreamCalls(t);
    const payload = await start({ name: 'A', integrationType: 'ETSY' }, t.keys.aMember);
    expect(payload.userErrors).toEqual([
      expect.objectContaining({ field: null, code: 'FORBIDDEN' }),
    ]);
    expect(upstreamCalls(t)).toBe(before);
  });

  for (const id of [
    'gid://commerce-graph/Connection/00000000-0000-0000-0000-000000000000',
    'gid://commerce-graph/Workspace/ws-a',
    'nope',
  ]) {
    it(`refreshConnection with unknown id ${id}`, async () => {
      const before = upstreamCalls(t);
      const payload = await refresh(id);
      expect(payload.connection).toBeNull();
      expect(payload.userErrors).toEqual([expect.objectContaining({ field: ['input', 'id'] })]);
      expect(upstreamCalls(t)).toBe(before);
    });
  }
});

describe('tenant isolation', () => {
  it('another workspace cannot see, list or refresh the connection', async () => {
    const payload = await start({ name: 'Private store', integrationType: 'AMAZON' });
    const id = payload.connection!.id;
    const read = await t.graphql<{ connection: unknown; node: unknown; nodes: unknown[] }>(
      `query($id: ID!) { connection(id: $id) { id } node(id: $id) { id } nodes(ids: [$id]) { id } }`,
      { id },
      { apiKey: t.keys.b },
    );
    expect(read.body.errors).toBeUndefined();
    expect(read.body.data).toEqual({ connection: null, node: null, nodes: [null] });

    const list = await t.graphql<{ connections: { totalCount: number; nodes: unknown[] } }>(
      '{ connections { totalCount nodes { id } } }',
      undefined,
      { apiKey: t.keys.b },
    );
    expect(list.body.data?.connections).toEqual({ totalCount: 0, nodes: [] });

    const before = upstreamCalls(t);
    const refreshed = await refresh(id, t.keys.b);
    expect(refreshed.connection).toBeNull();
    expect(refreshed.userErrors).toEqual([
      expect.objectContaining({ field: ['input', 'id'], code: 'NOT_FOUND' }),
    ]);
    expect(upstreamCalls(t)).toBe(before);

    // and the owner still sees it
    const own = await t.graphql<{ connection: { id: string } | null }>(
      `query($id: ID!) { connection(id: $id) { id } }`,
      { id },
    );
    expect(own.body.data?.connection?.id).toBe(id);
  });
});
