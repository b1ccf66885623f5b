import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_PROVIDERS } from '../../../src/sandbox/dispatch/catalogue.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';

/**
 * Workspaces A and B hold no Dispatch token of their own, so both reach the deployment's shared
 * Dispatch account (the sandbox's demo token). Neither may see, change or take over what the
 * other configured there.
 */

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway();
});
afterAll(async () => t?.close());

interface UserError {
  field: string[] | null;
  code: string;
}
type Payload = Record<string, unknown> & { userErrors: UserError[] };

const dispatchCalls = () => t.sandbox.server.requestCount('dispatch');

async function mutate(
  name: string,
  input: Record<string, unknown>,
  selection: string,
  apiKey: string,
) {
  const inputType = `${name.charAt(0).toUpperCase()}${name.slice(1)}Input`;
  const res = await t.graphql<Record<string, Payload>>(
    `mutation($input: ${inputType}!) { ${name}(input: $input) { ${selection} userErrors { field code } } }`,
    { input },
    { apiKey },
  );
  expect(res.body.errors).toBeUndefined();
  return res.body.data![name]!;
}

async function workflowIds(apiKey: string, managed = false): Promise<string[]> {
  const res = await t.graphql<{ workflows: { nodes: Array<{ id: string }> } }>(
    'query($m: Boolean) { workflows(entityType: SHIPMENT, managed: $m, first: 250) { nodes { id } } }',
    { m: managed },
    { apiKey },
  );
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.workflows.nodes.map((n) => n.id);
}

async function triggerId(): Promise<string> {
  const res = await t.graphql<{ workflowTriggers: { nodes: Array<{ id: string }> } }>(
    '{ workflowTriggers(entityType: SHIPMENT) { nodes { id } } }',
  );
  return res.body.data!.workflowTriggers.nodes[0]!.id;
}

/** Configures a SHIPMENT workflow that emails the customer. */
async function configureWorkflow(name: string, apiKey: string) {
  const input = {
    name,
    entityType: 'SHIPMENT',
    triggerId: await triggerId(),
    action: { type: 'SEND_EMAIL', recipient: 'customer', template: 'delivered' },
  };
  return mutate('configureWorkflow', input, 'workflow { id }', apiKey);
}

describe("workflows on the deployment's shared Dispatch account", () => {
  let ownId: string;

  it('lists only the workflows a workspace configured, plus managed presets when asked', async () => {
    const seeded = await workflowIds(t.keys.a);
    expect(seeded).toEqual([]);
    const configured = await configureWorkflow('Tenancy A', t.keys.a);
    ownId = (configured['workflow'] as { id: string }).id;
    expect(await workflowIds(t.keys.a)).toEqual([ownId]);
    expect(await workflowIds(t.keys.aMember)).toEqual([ownId]);
    expect(await workflowIds(t.keys.b)).toEqual([]);
    const managedForB = await workflowIds(t.keys.b, true);
    expect(managedForB.length).toBeGreaterThan(0);
    expect(managedForB).not.toContain(ownId);
    const node = await t.graphql<{ node: unknown }>(
      'query($id: ID!) { node(id: $id) { id } }',
      { id: ownId },
      { apiKey: t.keys.b },
    );
    expect(node.body.data?.node).toBeNull();
  });

  it("refuses another workspace's workflow to toggle, resume and delete without calling Dispatch", async () => {
    const before = dispatchCalls();
    const input = { workflowId: ownId };
    const toggled = await mutate('toggleWorkflow', input, 'workflowId', t.keys.b);
    const resumed = await mutate('resumeWorkflowExecution', input, 'workflowId', t.keys.b);
    const deleted = await mutate('deleteWorkflow', input, 'deletedWorkflowId', t.keys.b);
    for (const payload of [toggled, resumed, deleted])
      expect(payload.userErrors).toEqual([{ field: ['input', 'workflowId'], code: 'NOT_FOUND' }]);
    expect(dispatchCalls()).toBe(before);
    expect(await workflowIds(t.keys.a)).toEqual([ownId]);
  });

  it('refuses a workflow name another workspace configured, instead of overwriting it', async () => {
    const trigger = await triggerId();
    const before = dispatchCalls();
    const taken = await mutate(
      'configureWorkflow',
      {
        name: ' Tenancy A ',
        entityType: 'SHIPMENT',
        triggerId: trigger,
        action: { type: 'WEBHOOK', url: 'https://b.example.com/hook' },
      },
      'workflow { id }',
      t.keys.b,
    );
    expect(taken).toEqual({
      workflow: null,
      userErrors: [{ field: ['input', 'name'], code: 'CONFLICT' }],
    });
    expect(dispatchCalls()).toBe(before);
  });

  it('lets the owner toggle and delete its workflow, after which the name is free again', async () => {
    const toggled = await mutate(
      'toggleWorkflow',
      { workflowId: ownId },
      'isActive',
      t.keys.aMember,
    );
    expect(toggled).toEqual({ isActive: false, userErrors: [] });
    const deleted = await mutate(
      'deleteWorkflow',
      { workflowId: ownId },
      'deletedWorkflowId',
      t.keys.a,
    );
    expect(deleted).toEqual({ deletedWorkflowId: ownId, userErrors: [] });
    expect(await workflowIds(t.keys.a)).toEqual([]);
    const reused = await configureWorkflow('Tenancy A', t.keys.b);
    expect(reused.userErrors).toEqual([]);
    expect(await workflowIds(t.keys.b)).toEqual([(reused['workflow'] as { id: string }).id]);
  });

  it('leaves a workspace with its own token an account of its own, where it sees everything', async () => {
    await mutate(
      'setDispatchServiceToken',
      { token: 'dsp_sandbox_tenancy_own' },
      'serviceTokenConfigured',
      t.keys.a,
    );
    t.sandbox.dispatch.addWorkflows('dsp_sandbox_tenancy_own', 'Shipment', 2);
    expect((await workflowIds(t.keys.a)).length).toBeGreaterThanOrEqual(3);
    await mutate('setDispatchServiceToken', { token: null }, 'serviceTokenConfigured', t.keys.a);
  });
});

describe("integrations on the deployment's shared Dispatch account", () => {
  const provider = SANDBOX_PROVIDERS[3]!.id;
  const input = {
    providerId: provider,
    credentials: { apiKey: 'k-tenancy', apiSecret: 's-tenancy', storeUrl: 'https://t.example.com' },
  };

  it('refuses a provider another workspace configured there, even once it is disabled', async () => {
    const a = await mutate('configureIntegration', input, 'integration { id }', t.keys.a);
    expect(a.userErrors).toEqual([]);
    const integrationId = (a['integration'] as { id: string }).id;
    const disabled = await mutate(
      'disableIntegration',
      { integrationId },
      'integration { status }',
      t.keys.a,
    );
    expect(disabled).toEqual({ integration: { status: 'DISABLED' }, userErrors: [] });
    const before = dispatchCalls();
    // Dispatch would re-activate A's integration with B's credentials.
    const b = await mutate('configureIntegration', input, 'integration { id }', t.keys.b);
    expect(b).toEqual({
      integration: null,
      userErrors: [{ field: ['input', 'providerId'], code: 'CONFLICT' }],
    });
    expect(dispatchCalls()).toBe(before);
    const removed = await mutate(
      'removeIntegration',
      { integrationId },
      'removedIntegrationId',
      t.keys.a,
    );
    expect(removed.userErrors).toEqual([]);
    const afterRemoval = await mutate(
      'configureIntegration',
      input,
      'integration { id }',
      t.keys.b,
    );
    expect(afterRemoval.userErrors).toEqual([]);
  });
});

describe('idempotency records belong to the caller', () => {
  it("does not replay a member's refusal to an admin retrying with the same key", async () => {
    const configured = await configureWorkflow('Tenancy replay', t.keys.a);
    const workflowId = (configured['workflow'] as { id: string }).id;
    const input = { workflowId, idempotencyKey: 'tenancy-delete-1' };
    const member = await mutate('deleteWorkflow', input, 'deletedWorkflowId', t.keys.aMember);
    expect(member).toEqual({
      deletedWorkflowId: null,
      userErrors: [{ field: null, code: 'FORBIDDEN' }],
    });
    const before = dispatchCalls();
    const admin = await mutate('deleteWorkflow', input, 'deletedWorkflowId', t.keys.a);
    expect(admin).toEqual({ deletedWorkflowId: workflowId, userErrors: [] });
    expect(dispatchCalls()).toBe(before + 1);
  });

  it('does not keep a refusal that came from Dispatch: a retry with the key asks again', async () => {
    const configured = await configureWorkflow('Tenancy retry', t.keys.a);
    const input = {
      workflowId: (configured['workflow'] as { id: string }).id,
      idempotencyKey: 'tenancy-toggle-1',
    };
    t.sandbox.dispatch.misbehave('http-200-not-found');
    const refused = await mutate('toggleWorkflow', input, 'isActive', t.keys.a);
    expect(refused.userErrors).toMatchObject([{ code: 'NOT_FOUND' }]);
    const retried = await mutate('toggleWorkflow', input, 'isActive', t.keys.a);
    expect(retried).toEqual({ isActive: false, userErrors: [] });
    // The same key from another caller is that caller's own request.
    const before = dispatchCalls();
    const member = await mutate('toggleWorkflow', input, 'isActive', t.keys.aMember);
    expect(member).toEqual({ isActive: true, userErrors: [] });
    expect(dispatchCalls()).toBe(before + 1);
  });
});
