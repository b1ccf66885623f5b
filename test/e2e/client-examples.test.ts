import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from '@graphql-codegen/cli';
import { createOperationDescriptor, getRequest } from 'relay-runtime';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { createCommerceClient } from '../../examples/clients/apollo.js';
import codegenConfig from '../../examples/clients/codegen.js';
import { linkStore } from '../../examples/clients/idempotent-mutation.js';
import { loadDashboard } from '../../examples/clients/partial-results.js';
import {
  RecentOrders,
  createRelayEnvironment,
  recentOrderIds,
  refetchOrder,
} from '../../examples/clients/relay.js';
import { watchConnections } from '../../examples/clients/subscriptions.js';
import { recentOrders } from '../../examples/clients/typed-operations.js';
import { createUrqlClient, workspaceHandle } from '../../examples/clients/urql.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { codeBlocks, ROOT } from '../helpers/markdown.js';
import { authorizeCodat, linkSource } from '../integration/commerce/helpers.js';

/**
 * docs/clients.md shows the files of examples/clients verbatim (TypeScript and the Relay
 * compiler's JSON config; generated/ and __generated__/ are codegen's output), and each one runs.
 */
const EXAMPLES = join(ROOT, 'examples/clients');

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway();
  await linkSource(t, 'CODAT', 'Client store');
  authorizeCodat(t);
});
afterAll(async () => t?.close());

describe('docs/clients.md', () => {
  it('shows every file of examples/clients verbatim, and no other TypeScript or JSON', () => {
    const page = join(ROOT, 'docs/clients.md');
    const shown = [...codeBlocks(page, 'ts'), ...codeBlocks(page, 'json')].map((b) =>
      b.code.trimEnd(),
    );
    const files = readdirSync(EXAMPLES)
      .filter((f) => /\.(ts|json)$/.test(f))
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

  it('codegen: the checked-in typed documents are what the client preset makes of schema.graphql', async () => {
    const outputs = (await generate({ ...codegenConfig, cwd: ROOT }, false)) as Array<{
      filename: string;
      content: string;
    }>;
    expect(outputs.map((o) => o.filename).sort()).toEqual([
      'examples/clients/generated/gql.ts',
      'examples/clients/generated/graphql.ts',
      'examples/clients/generated/index.ts',
    ]);
    for (const output of outputs)
      expect(readFileSync(join(ROOT, output.filename), 'utf8'), output.filename).toBe(
        output.content,
      );
  });

  it('codegen: a typed operation runs through Apollo Client with `data` typed by its selection', async () => {
    const orders = await recentOrders(createCommerceClient(t.graphqlUrl, t.keys.a), 2);
    expect(orders).toHaveLength(2);
    expect(orders[0]).toMatchObject({
      id: expect.any(String),
      totalAmount: { amount: expect.stringMatching(/^-?\d/), currencyCode: expect.any(String) },
    });
    // @ts-expect-error: `customer` is not in the selection, so reading it does not compile.
    expect(orders[0]?.customer).toBeUndefined();
  });

  it('Relay: fetchQuery normalizes orders by global id; node(id:) refetches into the same record', async () => {
    const environment = createRelayEnvironment(t.graphqlUrl, t.keys.a);
    const ids = await recentOrderIds(environment, 3);
    expect(ids).toHaveLength(3);
    const records = environment.getStore().getSource();
    for (const id of ids) expect(records.get(id)).toMatchObject({ __id: id, __typename: 'Order' });
    // The @connection is read back from the store, without the network.
    const operation = createOperationDescriptor(getRequest(RecentOrders), { first: 3 });
    const snapshot = environment.lookup(operation.fragment);
    expect(snapshot.isMissingData).toBe(false);
    const data = snapshot.data as {
      commerce: { orders: { edges: Array<{ node: { id: string } }> } };
    };
    expect(data.commerce.orders.edges.map((e) => e.node.id)).toEqual(ids);

    const order = await refetchOrder(environment, ids[0]!);
    expect(order).toMatchObject({ id: ids[0], totalAmount: { currencyCode: expect.any(String) } });
    expect(records.get(ids[0]!)).toHaveProperty('totalAmount');
  });

  it('Relay: the checked-in artifacts are what relay-compiler makes of schema.graphql', () => {
    const compiler = join(ROOT, 'node_modules/.bin/relay-compiler');
    const run = spawnSync(compiler, ['--validate', '--output', 'quiet-with-errors'], {
      cwd: EXAMPLES,
      encoding: 'utf8',
    });
    expect(run.stderr + run.stdout).toBe('');
    expect(run.status).toBe(0);
  });

  it('Relay: a partial answer is kept, as with errorPolicy all', async () => {
    const environment = createRelayEnvironment(t.graphqlUrl, t.keys.a);
    t.sandbox.server.setKnobs('codat', { errorRate: 1 });
    try {
      expect(await recentOrderIds(environment, 1)).toEqual([]);
      expect(environment.getStore().getSource().get('client:root:commerce')).toHaveProperty(
        'orders(first:1)',
        null,
      );
    } finally {
      t.sandbox.server.setKnobs('codat', { errorRate: 0 });
    }
  });

  it('Relay: an answer without data (a wrong key) fails the fetch with its error', async () => {
    const environment = createRelayEnvironment(t.graphqlUrl, 'not-a-key');
    await expect(recentOrderIds(environment, 1)).rejects.toThrow(/API key is not valid/);
  });
});
