import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startTestGateway,
  startTwoReplicas,
  type TestGateway,
  type TwoReplicas,
} from '../../helpers/gateway.js';
import { postgresAvailable, redisAvailable } from '../../helpers/services.js';

/**
 * A client on a flaky network sends one mutation again and again with one idempotency key while
 * the first send is still running. Every send gets the first send's result, and Dispatch is
 * written once; a retry that has waited IDEMPOTENCY_WAIT_MS is told to come back.
 */

const TOGGLE = `mutation($input: ToggleWorkflowInput!) {
  toggleWorkflow(input: $input) {
    workflow { id isActive }
    userErrors { field message code retryAfter }
  }
}`;
const TOGGLE_ROUTE = '/api/workflows/configured/:guid/toggle';

interface ToggleBody {
  data?: {
    toggleWorkflow: {
      workflow: { id: string; isActive: boolean } | null;
      userErrors: Array<{ code: string; retryAfter: number | null }>;
    };
  };
}

/** Gives workspace A a Dispatch account of its own and returns the id of one of its workflows. */
async function ownWorkflow(t: TestGateway, token: string): Promise<string> {
  await t.graphql(
    'mutation($t: String) { setDispatchServiceToken(input: { token: $t }) { userErrors { code } } }',
    { t: token },
  );
  const res = await t.graphql<{ workflows: { nodes: Array<{ id: string }> } }>(
    '{ workflows(entityType: ORDER) { nodes { id } } }',
  );
  return res.body.data!.workflows.nodes[0]!.id;
}

const toggleCalls = (t: { sandbox: TestGateway['sandbox'] }) =>
  t.sandbox.server.requests('dispatch').filter((r) => r.route === TOGGLE_ROUTE).length;

/** Five sends of one toggle with one key, all at once, spread over the given gateways. */
function fiveSends(gateways: TestGateway[], apiKey: string, workflowId: string, key: string) {
  return Promise.all(
    [0, 1, 2, 3, 4].map(async (i) => {
      const res = await gateways[i % gateways.length]!.graphql(
        TOGGLE,
        { input: { workflowId, idempotencyKey: key } },
        { apiKey },
      );
      return res.body as ToggleBody;
    }),
  );
}

describe('concurrent retries with one idempotency key', () => {
  let t: TestGateway;
  let workflowId: string;

  beforeAll(async () => {
    t = await startTestGateway({ env: { IDEMPOTENCY_WAIT_MS: '30000' } });
    workflowId = await ownWorkflow(t, 'dsp_sandbox_concurrent');
  });
  afterAll(async () => t?.close());

  it('answers five concurrent sends with the first one’s result and writes Dispatch once', async () => {
    // A slow Dispatch keeps the first send running while the other four arrive.
    t.sandbox.server.setKnobs('dispatch', { latencyMs: 500 });
    try {
      const before = toggleCalls(t);
      const bodies = await fiveSends([t], t.keys.a, workflowId, 'flaky-1');
      expect(toggleCalls(t)).toBe(before + 1);
      expect(bodies[0]!.data!.toggleWorkflow.userErrors).toEqual([]);
      expect(bodies[0]!.data!.toggleWorkflow.workflow).toMatchObject({ id: workflowId });
      for (const body of bodies) expect(body).toEqual(bodies[0]);
    } finally {
      t.sandbox.server.setKnobs('dispatch', { latencyMs: 0 });
    }
  });
});

describe('a first send slower than IDEMPOTENCY_WAIT_MS', () => {
  let t: TestGateway;
  let workflowId: string;

  beforeAll(async () => {
    t = await startTestGateway({
      env: { IDEMPOTENCY_WAIT_MS: '200', UPSTREAM_TIMEOUT_MS: '10000' },
    });
    workflowId = await ownWorkflow(t, 'dsp_sandbox_slow_first');
  });
  afterAll(async () => t?.close());

  it('tells the retries the key is in progress and when to come back; a later retry gets the result', async () => {
    t.sandbox.server.setKnobs('dispatch', { latencyMs: 4000 });
    let bodies: ToggleBody[];
    try {
      bodies = await fiveSends([t], t.keys.a, workflowId, 'slow-1');
    } finally {
      t.sandbox.server.setKnobs('dispatch', { latencyMs: 0 });
    }
    const done = bodies.filter((b) => b.data!.toggleWorkflow.workflow !== null);
    const waiting = bodies.filter((b) => b.data!.toggleWorkflow.workflow === null);
    expect(done).toHaveLength(1);
    expect(waiting).toHaveLength(4);
    for (const body of waiting)
      expect(body.data!.toggleWorkflow.userErrors).toEqual([
        {
          field: ['input', 'idempotencyKey'],
          message: expect.stringMatching(/in progress/),
          code: 'IDEMPOTENCY_KEY_IN_PROGRESS',
          retryAfter: 1,
        },
      ]);
    const before = toggleCalls(t);
    const retry = await t.graphql(TOGGLE, { input: { workflowId, idempotencyKey: 'slow-1' } });
    expect(retry.body).toEqual(done[0]);
    expect(toggleCalls(t)).toBe(before);
  });
});

const up = (await postgresAvailable()) && (await redisAvailable());

describe.skipIf(!up)('concurrent retries across two replicas (PostgreSQL + Redis)', () => {
  let replicas: TwoReplicas;

  beforeAll(async () => {
    replicas = await startTwoReplicas({ seed: 4, env: { IDEMPOTENCY_WAIT_MS: '30000' } });
  });
  afterAll(() => replicas?.close());

  it('answers sends spread over both replicas with one result and one Dispatch write', async () => {
    const { a, b } = replicas;
    const workflowId = await ownWorkflow(a, 'dsp_sandbox_replicas_retry');
    replicas.sandbox.server.setKnobs('dispatch', { latencyMs: 500 });
    try {
      const before = toggleCalls(replicas);
      // One caller (A's admin key, valid on both replicas) sending to either replica.
      const bodies = await fiveSends([a, b], a.keys.a, workflowId, 'replicas-1');
      expect(toggleCalls(replicas)).toBe(before + 1);
      expect(bodies[0]!.data!.toggleWorkflow.userErrors).toEqual([]);
      for (const body of bodies) expect(body).toEqual(bodies[0]);
    } finally {
      replicas.sandbox.server.setKnobs('dispatch', { latencyMs: 0 });
    }
  });
});
