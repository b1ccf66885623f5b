import { ApolloClient, CombinedGraphQLErrors, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { getOperationAST, parse, print, type DocumentNode } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

/**
 * Our own apps send trusted documents by id, as Apollo Client's persisted-queries link does with
 * the hashes graphql-codegen's client preset writes (`persistedDocuments: true`) or as a
 * GraphQL-over-HTTP `documentId`. The manifest in the fixtures was written by the client preset
 * from `app.graphql` beside it.
 */

const MANIFEST_PATH = fileURLToPath(
  new URL('../fixtures/trusted-documents/persisted-documents.json', import.meta.url),
);
const manifest = JSON.parse(readFileSync(MANIFEST_PATH, 'utf8')) as Record<string, string>;
/** Operation name → manifest id: what the client preset embeds in each document's `__meta__`. */
const idByName = new Map(
  Object.entries(manifest).map(([id, text]) => [getOperationAST(parse(text))!.name!.value, id]),
);
const idOf = (name: string) => idByName.get(name)!;

// The app's documents (app.graphql), as the app's own source holds them.
const WORKFLOWS = gql`
  query Workflows($entityType: WorkflowEntityType!) {
    workflows(entityType: $entityType, first: 10, managed: true) {
      nodes {
        id
        name
        isActive
      }
    }
  }
`;
/** Not in the manifest: the same Dispatch list with a field the app never asked for. */
const UNKNOWN_WORKFLOWS = gql`
  query WorkflowsWithTrigger($entityType: WorkflowEntityType!) {
    workflows(entityType: $entityType, first: 10, managed: true) {
      nodes {
        id
        action
      }
    }
  }
`;
const SMALL = '{ viewer { workspace { handle } } }';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

interface Sent {
  body: Record<string, unknown>;
  status: number;
}

/** An Apollo Client whose HTTP requests are recorded, so a test sees what went over the wire. */
function appClient(
  t: TestGateway,
  apiKey: string,
  generateHash: (doc: DocumentNode) => string,
): { client: ApolloClient; sent: Sent[] } {
  const sent: Sent[] = [];
  const recordingFetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    sent.push({
      body: JSON.parse(String(init?.body)) as Record<string, unknown>,
      status: response.status,
    });
    return response;
  };
  const client = new ApolloClient({
    link: new PersistedQueryLink({ generateHash: (doc) => generateHash(doc) }).concat(
      new HttpLink({ uri: t.graphqlUrl, headers: { 'x-api-key': apiKey }, fetch: recordingFetch }),
    ),
    cache: new InMemoryCache(),
  });
  return { client, sent };
}

/** The hash the client preset gave the document, as `__meta__.hash` carries it. */
const manifestHash = (doc: DocumentNode) => idOf(getOperationAST(doc)!.name!.value);
/** Apollo's default for automatic persisted queries: sha256 of the printed document. */
const apqHash = (doc: DocumentNode) => sha256(print(doc));

async function post(
  t: TestGateway,
  body: Record<string, unknown>,
  apiKey: string,
): Promise<{
  status: number;
  body: {
    data?: unknown;
    errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
  };
}> {
  const res = await fetch(t.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as never };
}

/** One operation over graphql-ws (as a subscription socket runs queries too): its first answer. */
async function overSocket(
  t: TestGateway,
  apiKey: string,
  query: string,
): Promise<{ data?: unknown; errors?: ReadonlyArray<{ extensions?: Record<string, unknown> }> }> {
  const client = createClient({
    url: t.graphqlUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { 'x-api-key': apiKey },
    retryAttempts: 0,
  });
  try {
    return await new Promise((resolve) => {
      client.subscribe(
        { query },
        {
          next: (result) => resolve(result as never),
          error: (e) => resolve({ errors: (Array.isArray(e) ? e : [e]) as never }),
          complete: () => undefined,
        },
      );
    });
  } finally {
    await client.dispose();
  }
}

async function refusedCode(query: Promise<unknown>): Promise<unknown> {
  const error = await query.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(CombinedGraphQLErrors.is(error)).toBe(true);
  return (error as CombinedGraphQLErrors).errors[0]?.extensions?.['code'];
}

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ seed: 7 });
});
afterAll(async () => sandbox?.close());
const dispatchCalls = () => sandbox.server.requestCount('dispatch');

describe('TRUSTED_DOCUMENTS=off', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ sharedSandbox: sandbox });
  });
  afterAll(async () => t?.close());

  it('automatic persisted queries answer with Apollo codes, and Apollo Client registers and reuses', async () => {
    const { client, sent } = appClient(t, t.keys.aMember, apqHash);
    const first = await client.query({ query: WORKFLOWS, variables: { entityType: 'ORDER' } });
    expect(first.data).toBeDefined();
    // The hash alone, PERSISTED_QUERY_NOT_FOUND (not BAD_USER_INPUT), then hash and text.
    expect(sent.map((s) => 'query' in s.body)).toEqual([false, true]);
    const again = appClient(t, t.keys.aMember, apqHash);
    await again.client.query({ query: WORKFLOWS, variables: { entityType: 'ORDER' } });
    expect(again.sent.map((s) => 'query' in s.body)).toEqual([false]);

    const unknown = await post(
      t,
      { extensions: { persistedQuery: { version: 1, sha256Hash: sha256('{ nothing }') } } },
      t.keys.aMember,
    );
    expect(unknown.body.errors?.[0]?.extensions?.['code']).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it('a documentId is PERSISTED_QUERY_NOT_SUPPORTED', async () => {
    const res = await post(t, { documentId: idOf('Viewer') }, t.keys.a);
    expect(res.body.errors?.[0]?.extensions?.['code']).toBe('PERSISTED_QUERY_NOT_SUPPORTED');
  });
});

describe('TRUSTED_DOCUMENTS=allow', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({
      sharedSandbox: sandbox,
      // Fewer tokens than the trusted Workflows document has: it runs only if it is not parsed.
      env: {
        TRUSTED_DOCUMENTS: 'allow',
        TRUSTED_DOCUMENTS_FILE: MANIFEST_PATH,
        MAX_QUERY_TOKENS: '16',
      },
    });
  });
  afterAll(async () => t?.close());

  it('a trusted document runs from its hash in one request, never parsed again', async () => {
    const { client, sent } = appClient(t, t.keys.aMember, manifestHash);
    const calls = dispatchCalls();
    const result = await client.query<{ workflows: { nodes: unknown[] } }>({
      query: WORKFLOWS,
      variables: { entityType: 'ORDER' },
    });
    expect(result.data?.workflows.nodes.length).toBeGreaterThan(0);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.body).not.toHaveProperty('query');
    expect(dispatchCalls()).toBeGreaterThan(calls);
    // The same text sent by someone else is parsed, and refused by the token limit.
    const parsed = await post(
      t,
      { query: print(WORKFLOWS), variables: { entityType: 'ORDER' } },
      t.keys.a,
    );
    expect(parsed.body.errors?.[0]?.message).toMatch(/tokens/);
  });

  it('documentId, by POST and by GET, with the GraphQL-over-HTTP sha256: form refused when unknown', async () => {
    const byPost = await post(t, { documentId: idOf('Viewer') }, t.keys.aMember);
    expect(byPost.body).toEqual({
      data: {
        viewer: {
          principal: { kind: 'API_KEY', roles: ['MEMBER'] },
          workspace: { handle: 'ws-a' },
        },
      },
    });
    const params = new URLSearchParams({
      documentId: idOf('Workflows'),
      variables: JSON.stringify({ entityType: 'ORDER' }),
    });
    const byGet = await fetch(`${t.graphqlUrl}?${params}`, {
      headers: { 'x-api-key': t.keys.aMember, accept: 'application/json' },
    });
    expect(byGet.status).toBe(200);
    expect(
      ((await byGet.json()) as { data: { workflows: { nodes: unknown[] } } }).data.workflows.nodes
        .length,
    ).toBeGreaterThan(0);

    const calls = dispatchCalls();
    const unknown = await post(
      t,
      { documentId: `sha256:${sha256('query X { workflows }')}` },
      t.keys.a,
    );
    expect(unknown.body.errors?.[0]?.extensions?.['code']).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect(dispatchCalls()).toBe(calls);
  });

  it('other documents still run, and automatic persisted queries still register', async () => {
    const plain = await post(t, { query: SMALL }, t.keys.aMember);
    expect(plain.body).toEqual({ data: { viewer: { workspace: { handle: 'ws-a' } } } });
    const doc = gql(SMALL);
    const { client, sent } = appClient(t, t.keys.aMember, apqHash);
    await client.query({ query: doc });
    expect(sent.map((s) => 'query' in s.body)).toEqual([false, true]);
    const again = appClient(t, t.keys.aMember, apqHash);
    await again.client.query({ query: doc });
    expect(again.sent.map((s) => 'query' in s.body)).toEqual([false]);
  });
});

describe('TRUSTED_DOCUMENTS=only', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({
      sharedSandbox: sandbox,
      env: { TRUSTED_DOCUMENTS: 'only', TRUSTED_DOCUMENTS_FILE: MANIFEST_PATH },
    });
  });
  afterAll(async () => t?.close());

  it("a member's app runs its trusted documents", async () => {
    const { client, sent } = appClient(t, t.keys.aMember, manifestHash);
    const result = await client.query<{ workflows: { nodes: unknown[] } }>({
      query: WORKFLOWS,
      variables: { entityType: 'ORDER' },
    });
    expect(result.data?.workflows.nodes.length).toBeGreaterThan(0);
    expect(sent).toHaveLength(1);
    const byId = await post(t, { documentId: idOf('Viewer') }, t.keys.aMember);
    expect(byId.body.data).toBeDefined();
    // The exact text of a trusted document is that document.
    const byText = await post(t, { query: manifest[idOf('Viewer')] }, t.keys.aMember);
    expect(byText.body.data).toBeDefined();
  });

  it('anything else a member sends is refused with PERSISTED_QUERY_NOT_FOUND before it runs', async () => {
    const calls = dispatchCalls();
    const { client, sent } = appClient(t, t.keys.aMember, apqHash);
    const code = await refusedCode(
      client.query({ query: UNKNOWN_WORKFLOWS, variables: { entityType: 'ORDER' } }),
    );
    expect(code).toBe('PERSISTED_QUERY_NOT_FOUND');
    // The link tried the hash, then registration with the text: both refused.
    expect(sent.map((s) => 'query' in s.body)).toEqual([false, true]);

    const freeform = await post(
      t,
      { query: print(UNKNOWN_WORKFLOWS), variables: { entityType: 'ORDER' } },
      t.keys.aMember,
    );
    expect(freeform.status).toBe(400);
    expect(freeform.body.errors?.[0]?.extensions?.['code']).toBe('PERSISTED_QUERY_NOT_FOUND');
    const unknownId = await post(t, { documentId: 'f'.repeat(40) }, t.keys.aMember);
    expect(unknownId.body.errors?.[0]?.extensions?.['code']).toBe('PERSISTED_QUERY_NOT_FOUND');
    const introspection = await post(
      t,
      { query: '{ __schema { queryType { name } } }' },
      t.keys.aMember,
    );
    expect(introspection.body.errors?.[0]?.extensions?.['code']).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect(introspection.body).not.toHaveProperty('data');
    expect(dispatchCalls()).toBe(calls);
  });

  it('holds on subscription sockets too', async () => {
    const trusted = await overSocket(t, t.keys.aMember, manifest[idOf('Viewer')]!);
    expect(trusted.data).toBeDefined();
    const calls = dispatchCalls();
    const other = await overSocket(
      t,
      t.keys.aMember,
      '{ workflows(entityType: ORDER, managed: true) { nodes { id action } } }',
    );
    expect(other.errors?.[0]?.extensions?.['code']).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect(dispatchCalls()).toBe(calls);
    const asAdmin = await overSocket(t, t.keys.a, '{ __schema { queryType { name } } }');
    expect(asAdmin.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });

  it('admins keep GraphiQL and introspection', async () => {
    const introspection = await post(t, { query: '{ __schema { queryType { name } } }' }, t.keys.a);
    expect(introspection.body).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
    const { client } = appClient(t, t.keys.a, apqHash);
    const result = await client.query<{ workflows: { nodes: unknown[] } }>({
      query: UNKNOWN_WORKFLOWS,
      variables: { entityType: 'ORDER' },
    });
    expect(result.data?.workflows.nodes.length).toBeGreaterThan(0);
  });
});

describe('a manifest the gateway cannot use', () => {
  it('stops start-up naming the document', async () => {
    const file = fileURLToPath(
      new URL('../fixtures/trusted-documents/invalid-manifest.json', import.meta.url),
    );
    await expect(
      startTestGateway({
        sharedSandbox: sandbox,
        env: { TRUSTED_DOCUMENTS: 'allow', TRUSTED_DOCUMENTS_FILE: file },
      }),
    ).rejects.toThrow(/document abc is not valid against the schema/);
  });
});
