import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { createCommerceClient } from '../../examples/clients/apollo.js';
import { linkStore } from '../../examples/clients/idempotent-mutation.js';
import { loadDashboard } from '../../examples/clients/partial-results.js';
import { watchConnections } from '../../examples/clients/subscriptions.js';
import { createUrqlClient, workspaceHandle } from '../../examples/clients/urql.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { codeBlocks, ROOT } from '../helpers/markdown.js';
import { authorizeCodat, linkSource } from '../integration/commerce/helpers.js';

/** docs/clients.md shows the files of examples/clients verbatim, and each one runs. */
const EXAMPLES = join(ROOT, 'examples/clients');

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway();
  await linkSource(t, 'CODAT', 'Client store');
  authorizeCodat(t);
});
afterAll(async () => t?.close());

describe('docs/clients.md', () => {
  it('shows every file of examples/clients verbatim, and no other TypeScript', () => {
    const shown = codeBlocks(join(ROOT, 'docs/clients.md'), 'ts').map((b) => b.code.trimEnd());
    const files = readdirSync(EXAMPLES)
      .sort()
      .map((f) => readFileSync(join(EXAMPLES, f), 'utf8').trimEnd());
    expect(shown.sort()).toEqual(files.sort());
  });

  it('Apollo: a retried mutation with one idempotency key links one store', async () => {
    const client = createCommerceClient(t.graphqlUrl, t.keys.a);
    const key = 'client-docs-retry-1';
    const codat = () => t.sandbox.server.requestCount('codat');
    const before = codat();
    const first = await linkStore(client, 'Retried store', key);
    const afterFirst = codat();
    const retry = await linkStore(client, 'Retried store', key);
    expect(retry).toEqual(first);
    expect(afterFirst).toBeGreaterThan(before);
    expect(codat()).toBe(afterFirst);
  });

  it("Apollo: errorPolicy 'all' keeps the fields that answered when Codat fails", async () => {
    const client = createCommerceClient(t.graphqlUrl, t.keys.a);
    const healthy = await loadDashboard(client);
    expect(healthy).toMatchObject({ workspace: 'ws-a', failed: [] });
    expect(healthy.orders?.totalCount).toBeGreaterThan(0);
    t.sandbox.server.setKnobs('codat', { errorRate: 1 });
    try {
      const partial = await loadDashboard(client);
      expect(partial.workspace).toBe('ws-a');
      expect(partial.failed).toContainEqual({
        path: 'commerce.orders',
        code: expect.stringMatching(/^UPSTREAM_/),
      });
    } finally {
      t.sandbox.server.setKnobs('codat', { errorRate: 0 });
    }
  });

  it('graphql-ws: a started connection arrives on connectionUpdated', async () => {
    const seen: Array<{ id: string; status: string }> = [];
    const stop = watchConnections(t.graphqlUrl, t.keys.a, (c) => seen.push(c), WebSocket);
    try {
      // The subscription starts asynchronously: start connections until one is announced (the
      // first may race the subscription's start).
      await vi.waitFor(
        async () => {
          await t.graphql(
            'mutation { startConnection(input: { name: "Docs store", integrationType: ETSY }) { connection { id } } }',
          );
          expect(seen.length).toBeGreaterThan(0);
        },
        { timeout: 20_000, interval: 500 },
      );
      expect(seen[0]).toMatchObject({ status: 'PENDING_AUTH' });
    } finally {
      await stop();
    }
  });

  it('urql: queries with the key in its headers', async () => {
    expect(await workspaceHandle(createUrqlClient(t.graphqlUrl, t.keys.a))).toBe('ws-a');
  });
});
