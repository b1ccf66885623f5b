import { createClient, type Client } from 'graphql-ws';
import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { landingClaimCode } from '../../../src/sandbox/demo-workspace.js';
import { deliverScenario } from '../../../src/sandbox/shopline/webhook-deliverer.js';
import { seedLikeDemo } from '../../helpers/demo.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { codeBlocks, documentationFiles } from '../../helpers/markdown.js';

/**
 * Every ```graphql block of README.md and docs/*.md, run as written against a sandbox whose
 * workspace was filled like the demo workspace. A block holds one operation (so it can be pasted
 * into GraphiQL and run); ids that only exist once something was created are variables, whose
 * values the reader has from an earlier step and the test takes from the sandbox.
 */

const blocks = documentationFiles().flatMap((file) => codeBlocks(file, 'graphql'));

let t: TestGateway;
let ws: Client;
beforeAll(async () => {
  t = await startTestGateway();
  await seedLikeDemo(t);
  ws = createClient({
    url: t.graphqlUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { 'x-api-key': t.keys.a },
  });
}, 120_000);
afterAll(async () => {
  await ws?.dispose();
  await t?.close();
});

async function firstId(query: string): Promise<string> {
  const res = await t.graphql<Record<string, { nodes: Array<{ id: string }> }>>(query);
  const id = Object.values(res.body.data ?? {})[0]?.nodes[0]?.id;
  if (!id) throw new Error(`no id from ${query}: ${JSON.stringify(res.body)}`);
  return id;
}

/** Where a reader gets each variable the examples use, done the way the docs describe. */
const VARIABLES: Record<string, () => Promise<unknown>> = {
  connectionId: () => firstId('{ connections(first: 1) { nodes { id } } }'),
  triggerId: () => firstId('{ workflowTriggers(entityType: SHIPMENT, first: 1) { nodes { id } } }'),
  workflowId: () => firstId('{ workflows(entityType: SHIPMENT, first: 1) { nodes { id } } }'),
  linkId: async () => {
    const res = await t.graphql<{ commerce: { sources: Array<{ id: string }> } }>(
      '{ commerce { sources { id } } }',
    );
    return res.body.data!.commerce.sources[0]!.id;
  },
  // The code SHOPLINE's landing page shows a merchant who just installed the app.
  code: async () => {
    await deliverScenario({
      gatewayUrl: t.url,
      merchantId: 'docs-merchant',
      appSecret: t.config.shopline.appSecret!,
      simulator: t.sandbox.shopline,
    });
    return landingClaimCode(t.url, 'docs-merchant');
  },
};

async function variablesOf(operation: OperationDefinitionNode): Promise<Record<string, unknown>> {
  const values: Record<string, unknown> = {};
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    const source = VARIABLES[name];
    if (!source) throw new Error(`no known value for $${name}: add it to VARIABLES`);
    values[name] = await source();
  }
  return values;
}

/**
 * A subscription is accepted when a query sent after it on the same socket answers before any
 * error for it: graphql-ws validates and starts a subscription in the order messages arrive.
 */
async function subscriptionAccepted(query: string): Promise<unknown[]> {
  const errors: unknown[] = [];
  const stop = ws.subscribe(
    { query },
    { next: () => {}, error: (e) => errors.push(e), complete: () => {} },
  );
  await new Promise<void>((resolve, reject) =>
    ws.subscribe({ query: '{ __typename }' }, { next: () => {}, error: reject, complete: resolve }),
  );
  stop();
  return errors;
}

describe('examples in README and docs run as written against the sandbox', () => {
  it('finds the examples of every page', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(14);
  });

  for (const block of blocks) {
    it(block.where, { timeout: 90_000 }, async () => {
      const document = parse(block.code);
      const operations = document.definitions.filter(
        (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
      );
      if (operations.length === 0) {
        // Schema text (SDL), e.g. a subgraph extending Order: parsed, not executed.
        expect(document.definitions.every((d) => d.kind !== Kind.FRAGMENT_DEFINITION)).toBe(true);
        return;
      }
      expect(operations, 'one operation per block, so it can be pasted and run').toHaveLength(1);
      const operation = operations[0]!;
      if (operation.operation === 'subscription') {
        expect(await subscriptionAccepted(block.code)).toEqual([]);
        return;
      }
      const res = await t.graphql<Record<string, unknown>>(
        block.code,
        await variablesOf(operation),
      );
      expect(res.status).toBe(200);
      expect(res.body.errors).toBeUndefined();
      if (operation.operation === 'mutation')
        for (const payload of Object.values(res.body.data!))
          expect((payload as { userErrors?: unknown[] }).userErrors ?? []).toEqual([]);
    });
  }
});
