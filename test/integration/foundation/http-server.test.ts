import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway();
});
afterAll(async () => t?.close());

async function post(body: string, headers: Record<string, string> = {}) {
  const res = await fetch(t.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': t.keys.a, ...headers },
    body,
  });
  const text = await res.text();
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    text,
    json: safeJson(text),
  };
}

function safeJson(text: string): {
  data?: unknown;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
} {
  try {
    return JSON.parse(text);
  } catch {
    return {};
  }
}

describe('GraphQL over HTTP', () => {
  it('answers the viewer with the principal and its workspace', async () => {
    const res = await t.graphql<{
      viewer: {
        workspace: { id: string; handle: string };
        principal: { kind: string; roles: string[] };
      };
    }>('{ viewer { workspace { id handle } principal { kind roles } } }');
    expect(res.status).toBe(200);
    expect(res.body.data?.viewer).toEqual({
      workspace: { id: 'gid://commerce-graph/Workspace/ws-a', handle: 'ws-a' },
      principal: { kind: 'API_KEY', roles: ['ADMIN'] },
    });
  });

  it('serves GET queries and refuses mutations over GET', async () => {
    const q = encodeURIComponent('{ viewer { workspace { handle } } }');
    const res = await fetch(`${t.graphqlUrl}?query=${q}`, { headers: { 'x-api-key': t.keys.a } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { viewer: { workspace: { handle: 'ws-a' } } } });
  });

  it('answers in the media type the Accept header prefers, 406 when it accepts neither', async () => {
    const query = JSON.stringify({ query: '{ viewer { workspace { handle } } }' });
    const cases: Array<[string, number, string]> = [
      ['application/json', 200, 'application/json; charset=utf-8'],
      ['*/*', 200, 'application/json; charset=utf-8'],
      [
        'application/graphql-response+json',
        200,
        'application/graphql-response+json; charset=utf-8',
      ],
      [
        'application/graphql-response+json, application/json;q=0.9',
        200,
        'application/graphql-response+json; charset=utf-8',
      ],
      [
        'application/json;q=0.5, application/graphql-response+json',
        200,
        'application/graphql-response+json; charset=utf-8',
      ],
      ['text/html', 406, 'application/json; charset=utf-8'],
    ];
    for (const [accept, status, type] of cases) {
      const res = await post(query, { accept });
      expect([accept, res.status, res.type]).toEqual([accept, status, type]);
      if (status === 200)
        expect(res.json.data).toEqual({ viewer: { workspace: { handle: 'ws-a' } } });
    }
    // An invalid query with a plain JSON Accept: the same 400 and media type as without one.
    const invalid = await post(JSON.stringify({ query: '{ nope }' }), {
      accept: 'application/json',
    });
    expect([invalid.status, invalid.type]).toEqual([400, 'application/json; charset=utf-8']);
    expect(invalid.json.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('rejects a request without credentials with 401 UNAUTHENTICATED', async () => {
    const res = await t.graphql('{ viewer { workspace { id } } }', undefined, { apiKey: null });
    expect(res.status).toBe(401);
    expect(res.body.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
  });

  it('rejects an unknown API key', async () => {
    const res = await t.graphql('{ viewer { workspace { id } } }', undefined, {
      apiKey: 'cg_nope_nope',
    });
    expect(res.status).toBe(401);
    expect(res.body.errors?.[0]?.message).toMatch(/API key is not valid/);
  });

  it('never resolves another workspace by node id', async () => {
    const own = await t.graphql('{ node(id: "gid://commerce-graph/Workspace/ws-a") { id } }');
    expect(own.body.data).toEqual({ node: { id: 'gid://commerce-graph/Workspace/ws-a' } });
    const other = await t.graphql('{ node(id: "gid://commerce-graph/Workspace/ws-b") { id } }');
    expect(other.body.data).toEqual({ node: null });
  });

  it('rejects a malformed global id as BAD_USER_INPUT', async () => {
    const res = await t.graphql('{ node(id: "not-a-gid") { id } }');
    expect(res.body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
  });
});

describe('bad input gets a clear GraphQL-over-HTTP error, never a crash', () => {
  it('malformed JSON → 400', async () => {
    const res = await post('{"query": "{ viewer ');
    expect(res.status).toBe(400);
    expect(res.json.errors?.[0]?.message).toBe('Request body is not valid JSON');
    expect(res.text).not.toMatch(/at .*\.ts:\d+/);
  });

  it('a body that is not a GraphQL request → 400', async () => {
    const res = await post(JSON.stringify({ hello: 'world' }));
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/query/i);
  });

  it('an unsupported content type → 4xx naming the expected type', async () => {
    const res = await post('query { viewer { workspace { id } } }', {
      'content-type': 'text/plain',
    });
    expect([400, 415]).toContain(res.status);
    expect(res.json.errors?.[0]?.message).toMatch(/application\/json|content-type/i);
  });

  it('an unknown operation name → 400', async () => {
    const res = await post(
      JSON.stringify({ query: 'query A { viewer { principal { id } } }', operationName: 'B' }),
    );
    expect(res.status).toBe(400);
    expect(res.json.errors?.[0]?.message).toMatch(/Unknown operation named "B"/);
    expect(res.json.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('a 10 MB body → 413', async () => {
    const huge = JSON.stringify({
      query: '{ viewer { principal { id } } }',
      variables: { pad: 'x'.repeat(10 * 1024 * 1024) },
    });
    const res = await post(huge);
    expect(res.status).toBe(413);
    expect(res.json.errors?.[0]?.message).toMatch(/larger than/);
  });

  it('a query 200 levels deep → 400 before any resolver runs', async () => {
    const deep = `{ __schema { queryType { fields { type { ${'ofType { '.repeat(200)}name${' }'.repeat(200)} } } } } }`;
    const res = await post(JSON.stringify({ query: deep }));
    expect(res.status).toBe(400);
    expect(res.json.errors?.[0]?.message).toMatch(/nested more than 30 levels deep/);
    expect(res.json.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('a fragment fan-out that doubles per fragment is validated in one pass and answered', async () => {
    // Each fragment spreads the next twice: expanded, 200 fragments are 2^200 selections.
    const n = 200;
    const fragments = Array.from(
      { length: n },
      (_, i) =>
        `fragment F${i} on Query { ${i + 1 < n ? `...F${i + 1} ...F${i + 1}` : '__typename'} }`,
    );
    const res = await post(JSON.stringify({ query: ['{ ...F0 }', ...fragments].join('\n') }));
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ data: { __typename: 'Query' } });
  });

  it('a syntax error → 400 with the location', async () => {
    const res = await post(JSON.stringify({ query: '{ viewer { ' }));
    expect(res.status).toBe(400);
    expect(res.json.errors?.[0]?.message).toMatch(/Syntax Error/);
  });
});

describe('operational endpoints', () => {
  it('healthz and readyz answer JSON', async () => {
    const health = await fetch(`${t.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    const ready = await fetch(`${t.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', store: 'pglite', migrations: 'applied' });
  });

  it('echoes a request id and logs it on the request line', async () => {
    const res = await fetch(`${t.url}/healthz`, { headers: { 'x-request-id': 'trace-123' } });
    expect(res.headers.get('x-request-id')).toBe('trace-123');
    // The request line is written once the response is sent, possibly after fetch resolved.
    await expect.poll(() => t.logs.some((l) => l.includes('"requestId":"trace-123"'))).toBe(true);
  });

  it('logs upstream calls with the id of the request that made them', async () => {
    const res = await t.graphql(
      '{ workflowTriggers(entityType: ORDER) { nodes { code } } }',
      undefined,
      {
        headers: { 'x-request-id': 'trace-upstream-1' },
      },
    );
    expect(res.body.errors).toBeUndefined();
    const lines = t.logs.filter((l) => l.includes('"msg":"upstream call"'));
    expect(
      lines.some(
        (l) => l.includes('"requestId":"trace-upstream-1"') && l.includes('"upstream":"dispatch"'),
      ),
    ).toBe(true);
  });

  it('at info level, ties an upstream failure to its request in one warning', async () => {
    const quiet = await startTestGateway({ env: { LOG_LEVEL: 'info' } });
    try {
      quiet.sandbox.server.setKnobs('dispatch', { errorRate: 1 });
      const res = await quiet.graphql(
        '{ workflowTriggers(entityType: ORDER) { nodes { code } } }',
        undefined,
        { headers: { 'x-request-id': 'trace-upstream-2' } },
      );
      expect(res.body.errors?.[0]?.extensions?.['upstream']).toBe('dispatch');
      // No per-call lines at info level, but the answer's warning names the upstream and path.
      expect(quiet.logs.some((l) => l.includes('"msg":"upstream call"'))).toBe(false);
      const warning = quiet.logs
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .find((l) => l['msg'] === 'answered with upstream errors');
      expect(warning).toMatchObject({
        requestId: 'trace-upstream-2',
        failures: [{ upstream: 'dispatch', path: 'workflowTriggers' }],
      });
    } finally {
      await quiet.close();
    }
  });

  it('never logs the API key', () => {
    expect(t.logs.join('\n')).not.toContain(t.keys.a);
  });
});
