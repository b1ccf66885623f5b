import { createECDH, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_PROVIDERS } from '../../../src/sandbox/dispatch/catalogue.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';

/**
 * Every Dispatch mutation replayed with the same idempotencyKey: the replay returns the first
 * payload and Dispatch is not called again.
 */

const TOKEN = 'dsp_sandbox_replays';

let t: TestGateway;
let workflowIds: string[];
let triggerId: string;
let integrationIds: string[];

beforeAll(async () => {
  t = await startTestGateway();
  // A Dispatch account of its own, so the other test files' state does not matter.
  await t.graphql(
    'mutation($t: String) { setDispatchServiceToken(input: { token: $t }) { serviceTokenConfigured } }',
    { t: TOKEN },
  );
  t.sandbox.dispatch.addWorkflows(TOKEN, 'Shipment', 3);
  const res = await t.graphql<{
    workflows: { nodes: Array<{ id: string; dispatchId: string }> };
    workflowTriggers: { nodes: Array<{ id: string }> };
  }>(
    '{ workflows(entityType: SHIPMENT) { nodes { id dispatchId } } workflowTriggers(entityType: SHIPMENT) { nodes { id } } }',
  );
  workflowIds = res.body.data!.workflows.nodes.map((n) => n.id);
  triggerId = res.body.data!.workflowTriggers.nodes[0]!.id;
  const ids: string[] = [];
  for (const provider of SANDBOX_PROVIDERS.slice(0, 2)) {
    const configured = await t.graphql<{
      configureIntegration: { integration: { id: string } };
    }>(
      'mutation($input: ConfigureIntegrationInput!) { configureIntegration(input: $input) { integration { id } } }',
      {
        input: {
          providerId: provider.id,
          credentials: {
            apiKey: 'k-replay',
            apiSecret: 's-replay',
            storeUrl: 'https://replay.example.com',
          },
        },
      },
    );
    ids.push(configured.body.data!.configureIntegration.integration.id);
  }
  integrationIds = ids;
  // One workflow with a paused execution to resume.
  t.sandbox.dispatch.pauseExecution(TOKEN, res.body.data!.workflows.nodes[2]!.dispatchId);
});
afterAll(async () => t?.close());

interface Case {
  name: string;
  mutation: string;
  input: () => Record<string, unknown>;
}

const cases: Case[] = [
  {
    name: 'configureIntegration',
    mutation:
      'configureIntegration(input: $input) { integration { id status } userErrors { field message code } }',
    input: () => ({
      providerId: SANDBOX_PROVIDERS[2]!.id,
      credentials: { apiKey: 'k', apiSecret: 's', storeUrl: 'https://s.example.com' },
    }),
  },
  {
    name: 'disableIntegration',
    mutation: 'disableIntegration(input: $input) { integration { id status } userErrors { code } }',
    input: () => ({ integrationId: integrationIds[0] }),
  },
  {
    name: 'removeIntegration',
    mutation: 'removeIntegration(input: $input) { removedIntegrationId userErrors { code } }',
    input: () => ({ integrationId: integrationIds[1] }),
  },
  {
    name: 'savePushSubscription',
    mutation: 'savePushSubscription(input: $input) { endpoint userErrors { code } }',
    input: () => ({
      endpoint: 'https://push.example.com/replay',
      keys: {
        p256dh: createECDH('prime256v1').generateKeys().toString('base64url'),
        auth: randomBytes(16).toString('base64url'),
      },
    }),
  },
  {
    name: 'configureWorkflow',
    mutation: 'configureWorkflow(input: $input) { workflow { id isActive } userErrors { code } }',
    input: () => ({
      name: 'Replay workflow',
      entityType: 'SHIPMENT',
      triggerId,
      action: { type: 'SEND_PUSH', recipient: 'customer' },
    }),
  },
  {
    name: 'toggleWorkflow',
    mutation: 'toggleWorkflow(input: $input) { workflowId isActive userErrors { code } }',
    input: () => ({ workflowId: workflowIds[0] }),
  },
  {
    name: 'deleteWorkflow',
    mutation: 'deleteWorkflow(input: $input) { deletedWorkflowId userErrors { code } }',
    input: () => ({ workflowId: workflowIds[1] }),
  },
  {
    name: 'resumeWorkflowExecution',
    mutation: 'resumeWorkflowExecution(input: $input) { workflowId resumed userErrors { code } }',
    input: () => ({ workflowId: workflowIds[2] }),
  },
];

describe('idempotent replays', () => {
  it.each(cases.map((c) => [c.name, c] as const))(
    '%s: a replay returns the first payload without calling Dispatch',
    async (name, c) => {
      const inputType = `${name.charAt(0).toUpperCase()}${name.slice(1)}Input`;
      const query = `mutation($input: ${inputType}!) { ${c.mutation} }`;
      const input = { ...c.input(), idempotencyKey: `replay-${name}` };
      const before = t.sandbox.server.requestCount('dispatch');
      const first = await t.graphql<Record<string, { userErrors: unknown[] }>>(query, { input });
      expect(first.body.errors).toBeUndefined();
      expect(first.body.data![name]!.userErrors).toEqual([]);
      const calls = t.sandbox.server.requestCount('dispatch');
      expect(calls).toBeGreaterThan(before);
      const replay = await t.graphql(query, { input });
      expect(replay.body).toEqual(first.body);
      expect(t.sandbox.server.requestCount('dispatch')).toBe(calls);
    },
  );
});
