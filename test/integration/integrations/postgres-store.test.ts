import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_PROVIDERS } from '../../../src/sandbox/dispatch/catalogue.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { postgresAvailable } from '../../helpers/services.js';

const available = await postgresAvailable();

/** The integrations records and sealed service tokens on a real PostgreSQL server. */
describe.skipIf(!available)('integrations on PostgreSQL', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ store: 'postgres' });
  });
  afterAll(async () => t?.close());

  it('records, disables and lists an integration and keeps a sealed service token', async () => {
    const configured = await t.graphql<{
      configureIntegration: { integration: { id: string } | null; userErrors: unknown[] };
    }>(
      'mutation($input: ConfigureIntegrationInput!) { configureIntegration(input: $input) { integration { id } userErrors { code } } }',
      {
        input: {
          providerId: SANDBOX_PROVIDERS[0]!.id,
          credentials: {
            apiKey: 'pg-key',
            apiSecret: 'pg-secret',
            storeUrl: 'https://pg.example.com',
          },
        },
      },
    );
    const id = configured.body.data!.configureIntegration.integration!.id;
    await t.graphql(
      'mutation($id: ID!) { disableIntegration(input: { integrationId: $id }) { userErrors { code } } }',
      { id },
    );
    const list = await t.graphql<{
      integrations: { nodes: Array<{ id: string; status: string }> };
    }>('{ integrations { nodes { id status } } }');
    expect(list.body.data?.integrations.nodes).toEqual([{ id, status: 'DISABLED' }]);

    const set = await t.graphql(
      'mutation { setDispatchServiceToken(input: { token: "dsp_sandbox_pg" }) { serviceTokenConfigured } }',
    );
    expect(set.body.data).toEqual({ setDispatchServiceToken: { serviceTokenConfigured: true } });
    await t.graphql('{ workflowTriggers(entityType: ORDER) { totalCount } }');
    expect(t.sandbox.dispatch.receivedTokens().at(-1)).toBe('dsp_sandbox_pg');
  });
});
