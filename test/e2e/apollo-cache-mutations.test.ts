import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { createECDH, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

/**
 * A web or mobile app on Apollo Client's normalized InMemoryCache: after a mutation, the objects
 * already on screen show the change from the mutation's payload alone (no refetch, no `update`).
 */

const TOKEN = 'dsp_sandbox_apollo_cache';
let t: TestGateway;
let client: ApolloClient;

beforeAll(async () => {
  t = await startTestGateway();
  client = new ApolloClient({
    link: new HttpLink({ uri: t.graphqlUrl, headers: { 'x-api-key': t.keys.a } }),
    cache: new InMemoryCache(),
  });
});
afterAll(async () => t?.close());

const WORKFLOWS = gql`
  query Workflows($entityType: WorkflowEntityType!) {
    workflows(entityType: $entityType, first: 50) {
      nodes {
        id
        name
        isActive
      }
    }
  }
`;
const WORKSPACE = gql`
  query Workspace {
    viewer {
      workspace {
        id
        dispatchServiceTokenConfigured
      }
    }
  }
`;

interface WorkflowsData {
  workflows: { nodes: Array<{ id: string; name: string; isActive: boolean }> };
}

const dispatchCalls = () => t.sandbox.server.requestCount('dispatch');

describe('mutations update the Apollo cache from their payload', () => {
  it('setDispatchServiceToken: the workspace on screen shows the token', async () => {
    const before = await client.query<{
      viewer: { workspace: { dispatchServiceTokenConfigured: boolean } };
    }>({ query: WORKSPACE });
    expect(before.data?.viewer.workspace.dispatchServiceTokenConfigured).toBe(false);
    await client.mutate({
      mutation: gql`
        mutation SetToken($token: String) {
          setDispatchServiceToken(input: { token: $token }) {
            workspace {
              id
              dispatchServiceTokenConfigured
            }
            userErrors {
              code
            }
          }
        }
      `,
      variables: { token: TOKEN },
    });
    const cached = client.readQuery<{
      viewer: { workspace: { dispatchServiceTokenConfigured: boolean } };
    }>({ query: WORKSPACE });
    expect(cached?.viewer.workspace.dispatchServiceTokenConfigured).toBe(true);
  });

  it('toggleWorkflow: the cached list item flips, with one Dispatch call', async () => {
    const listed = await client.query<WorkflowsData>({
      query: WORKFLOWS,
      variables: { entityType: 'ORDER' },
    });
    const target = listed.data!.workflows.nodes[0]!;
    const calls = dispatchCalls();
    const result = await client.mutate<{
      toggleWorkflow: { workflow: { id: string; isActive: boolean } };
    }>({
      mutation: gql`
        mutation Toggle($id: ID!) {
          toggleWorkflow(input: { workflowId: $id }) {
            workflow {
              id
              isActive
            }
            userErrors {
              code
            }
          }
        }
      `,
      variables: { id: target.id },
    });
    expect(result.data?.toggleWorkflow.workflow).toEqual({
      __typename: 'Workflow',
      id: target.id,
      isActive: !target.isActive,
    });
    expect(dispatchCalls()).toBe(calls + 1);
    const cached = client.readQuery<WorkflowsData>({
      query: WORKFLOWS,
      variables: { entityType: 'ORDER' },
    });
    expect(cached!.workflows.nodes.find((w) => w.id === target.id)).toMatchObject({
      name: target.name,
      isActive: !target.isActive,
    });
  });

  it('resumeWorkflowExecution: returns the workflow, read whole from Dispatch when selected', async () => {
    const listed = await client.query<WorkflowsData>({
      query: WORKFLOWS,
      variables: { entityType: 'PRODUCT' },
    });
    const paused = listed.data!.workflows.nodes.find((w) => w.name === 'Low stock alert')!;
    const calls = dispatchCalls();
    const result = await client.mutate<{
      resumeWorkflowExecution: { workflow: { id: string; name: string; isActive: boolean } };
    }>({
      mutation: gql`
        mutation Resume($id: ID!) {
          resumeWorkflowExecution(input: { workflowId: $id }) {
            workflow {
              id
              name
              isActive
            }
            userErrors {
              code
            }
          }
        }
      `,
      variables: { id: paused.id },
    });
    expect(result.data?.resumeWorkflowExecution.workflow).toMatchObject({
      id: paused.id,
      name: 'Low stock alert',
      isActive: paused.isActive,
    });
    // The resume, then the entity type's list for the fields Dispatch's answer lacks.
    expect(dispatchCalls()).toBe(calls + 2);
  });

  it('savePushSubscription: the subscription is a normalized object with a stable id', async () => {
    const SAVE = gql`
      mutation Save($input: SavePushSubscriptionInput!) {
        savePushSubscription(input: $input) {
          pushSubscription {
            id
            endpoint
          }
          userErrors {
            code
          }
        }
      }
    `;
    const keys = () => ({
      p256dh: createECDH('prime256v1').generateKeys().toString('base64url'),
      auth: randomBytes(16).toString('base64url'),
    });
    const endpoint = 'https://push.example.com/apollo-device';
    const first = await client.mutate<{
      savePushSubscription: { pushSubscription: { id: string; endpoint: string } };
    }>({ mutation: SAVE, variables: { input: { endpoint, keys: keys() } } });
    const again = await client.mutate<{
      savePushSubscription: { pushSubscription: { id: string; endpoint: string } };
    }>({ mutation: SAVE, variables: { input: { endpoint, keys: keys() } } });
    const id = first.data!.savePushSubscription.pushSubscription.id;
    expect(again.data!.savePushSubscription.pushSubscription.id).toBe(id);
    const normalized = client.cache.extract() as Record<string, unknown>;
    expect(normalized[`PushSubscription:${id}`]).toMatchObject({ endpoint });
  });
});
