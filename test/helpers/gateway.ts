import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { loadConfig, type Config } from '../../src/config.js';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/index.js';
import { sendSandboxWebhooks, withSandboxUpstreams } from '../../src/sandbox/wire.js';
import { startFederatedGateway } from '../../src/server/federated.js';
import { startGateway, type Gateway } from '../../src/server/gateway.js';
import type { SubgraphSource } from '../../src/server/supergraph.js';
import { createLogger } from '../../src/server/logger.js';
import { createTestDatabase, testRedisUrl } from './services.js';

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: {
    data?: T | null;
    errors?: Array<{
      message: string;
      path?: Array<string | number>;
      extensions?: Record<string, unknown>;
    }>;
  };
}

export interface TestGateway {
  url: string;
  graphqlUrl: string;
  gateway: Gateway;
  sandbox: Sandbox;
  config: Config;
  /** Admin and member keys of workspace `ws-a`, and an admin key of workspace `ws-b`. */
  keys: { a: string; aMember: string; b: string };
  /** Every log line the gateway wrote, as text (for redaction checks). */
  logs: string[];
  graphql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    options?: { apiKey?: string | null; headers?: Record<string, string> },
  ): Promise<GraphQLResponse<T>>;
  close(): Promise<void>;
}

export interface TestGatewayOptions {
  /** `postgres` runs against a fresh database on the real server; default is in-memory PGlite. */
  store?: 'pglite' | 'postgres';
  env?: Record<string, string>;
  sandbox?: SandboxOptions;
  /** Reuse a sandbox (e.g. two replicas against one set of upstreams). */
  sharedSandbox?: Sandbox;
  databaseUrl?: string;
  /** The sandbox's Codat sends its webhooks to this gateway, as in sandbox mode. */
  codatWebhooks?: boolean;
  /** Run the local federated mode (Hive Gateway in front of every domain subgraph) instead. */
  federated?: { external?: SubgraphSource[] };
}

/** A gateway on port 0 with the sandbox upstreams, as a client would meet it over HTTP. */
export async function startTestGateway(options: TestGatewayOptions = {}): Promise<TestGateway> {
  const sandbox = options.sharedSandbox ?? (await startSandbox({ seed: 7, ...options.sandbox }));
  const db =
    options.store === 'postgres' && !options.databaseUrl ? await createTestDatabase() : undefined;
  const databaseUrl = options.databaseUrl ?? db?.url;
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const config = withSandboxUpstreams(
    loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'debug',
      SANDBOX: 'true',
      SECRETS_KEY: randomBytes(32).toString('base64'),
      UPSTREAM_TIMEOUT_MS: '2000',
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      ...options.env,
    }),
    sandbox,
  );
  let graphiqlKey = '';
  const gatewayOptions = {
    logger: createLogger(config.logLevel, sink),
    inMemoryStore: true,
    // As in sandbox mode: GraphiQL opens with workspace A's admin key in its headers.
    graphiqlHeaders: () => ({ 'x-api-key': graphiqlKey }),
  };
  const gateway = options.federated
    ? await startFederatedGateway(config, { ...gatewayOptions, ...options.federated })
    : await startGateway(config, gatewayOptions);
  if (options.codatWebhooks) sendSandboxWebhooks(config, sandbox, gateway.url);
  const { workspaces } = gateway.services;
  await workspaces.ensure('ws-a', 'Workspace A');
  await workspaces.ensure('ws-b', 'Workspace B');
  const keys = {
    a: (await workspaces.createApiKey('ws-a', { roles: ['admin'] })).key,
    aMember: (await workspaces.createApiKey('ws-a', { roles: ['member'] })).key,
    b: (await workspaces.createApiKey('ws-b', { roles: ['admin'] })).key,
  };
  graphiqlKey = keys.a;
  const graphqlUrl = `${gateway.url}/graphql`;

  return {
    url: gateway.url,
    graphqlUrl,
    gateway,
    sandbox,
    config,
    keys,
    logs,
    async graphql(query, variables, opts = {}) {
      const apiKey = opts.apiKey === undefined ? keys.a : opts.apiKey;
      const res = await fetch(graphqlUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
          ...(apiKey ? { 'x-api-key': apiKey } : {}),
          ...opts.headers,
        },
        body: JSON.stringify({ query, variables }),
      });
      const text = await res.text();
      return { status: res.status, headers: res.headers, body: JSON.parse(text) };
    },
    async close() {
      await gateway.close();
      if (!options.sharedSandbox) await sandbox.close();
      await db?.drop();
    },
  };
}

export interface TwoReplicas {
  sandbox: Sandbox;
  a: TestGateway;
  b: TestGateway;
  close(): Promise<void>;
}

/**
 * Two gateway replicas on loopback sharing one sandbox, one fresh PostgreSQL database and Redis,
 * as in production (the caller checks that PostgreSQL and Redis are reachable).
 */
export async function startTwoReplicas(
  options: { seed: number; env?: Record<string, string> } = { seed: 3 },
): Promise<TwoReplicas> {
  const sandbox = await startSandbox({ seed: options.seed });
  const db = await createTestDatabase();
  const env = { REDIS_URL: testRedisUrl, ...options.env };
  const a = await startTestGateway({ sharedSandbox: sandbox, databaseUrl: db.url, env });
  const b = await startTestGateway({ sharedSandbox: sandbox, databaseUrl: db.url, env });
  return {
    sandbox,
    a,
    b,
    async close() {
      await a.close();
      await b.close();
      await sandbox.close();
      await db.drop();
    },
  };
}

/** GraphQL subscriptions the gateway delivers events to, from its /metrics (with Redis: confirmed). */
export async function subscriptionsListening(t: Pick<TestGateway, 'url'>): Promise<number> {
  const text = await (await fetch(`${t.url}/metrics`)).text();
  const line = /^graphql_subscriptions_listening (\d+)$/m.exec(text);
  if (!line) throw new Error('/metrics has no graphql_subscriptions_listening');
  return Number(line[1]);
}
