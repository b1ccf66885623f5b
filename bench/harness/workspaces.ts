/**
 * The run's setup, as a user would: the gateway's environment (its own data directory, and a
 * database of the run's own on PostgreSQL), three workspaces with their API keys, the Qard
 * provider, and the stores and workflow the scenarios read (prepareFixtures).
 */
import { join } from 'node:path';
import { createRunDatabase } from './database.js';
import type { BenchOptions } from './options.js';
import type { SandboxControl } from './sandbox-control.js';
import {
  configureQardProvider,
  createApiKey,
  gatewayEnvironment,
  newSecretsKey,
  type Server,
} from './servers.js';
import { withGateway } from './variants.js';
import { prepareFixtures } from '../scenarios/fixtures.js';
import type { Fixtures, VariantId } from '../scenarios/types.js';

/** What the run matrix and the soak share: the options, the sandbox, the gateway's environment. */
export interface RunContext {
  options: BenchOptions;
  /** Logs, profiles and data directories of this run. */
  dir: string;
  selected: VariantId[];
  sandbox: Server;
  control: SandboxControl;
  gatewayEnv: Record<string, string>;
  fixtures: Fixtures;
}

export async function setUpWorkspaces(setup: {
  options: BenchOptions;
  dir: string;
  stamp: string;
  selected: VariantId[];
  sandbox: Server;
  control: SandboxControl;
}): Promise<{ context: RunContext; database: { drop(): Promise<void> } | undefined }> {
  const { options, dir, stamp, sandbox, control } = setup;
  const gatewayEnv = gatewayEnvironment(sandbox.origin, join(dir, 'data'), newSecretsKey());
  const database = options.databaseUrl
    ? await createRunDatabase(
        options.databaseUrl,
        `bench_${stamp.toLowerCase().replace(/-/g, '_')}`,
      )
    : undefined;
  if (database) gatewayEnv['DATABASE_URL'] = database.url;
  // Two workspaces: one with a Codat store (s1, s2, s4, s5), one with a Codat and a Qard store (s3).
  const apiKey = await createApiKey(gatewayEnv, 'bench');
  const mergedApiKey = await createApiKey(gatewayEnv, 'bench-merged');
  // A third with a Codat store and a claimed SHOPLINE merchant (s6): in the first, the merchant's
  // orders would join s1 and s2's, which the peer and the limit do not serve.
  const shoplineApiKey = await createApiKey(gatewayEnv, 'bench-shopline');
  await configureQardProvider(gatewayEnv, dir);
  const fixtures = await withGateway(options, dir, gatewayEnv, true, (gw) =>
    prepareFixtures({
      gatewayOrigin: gw.origin,
      sandboxOrigin: sandbox.origin,
      apiKey,
      mergedApiKey,
      shoplineApiKey,
      sandbox: control,
    }),
  );
  fixtures.sharedStore = database !== undefined;
  console.log(`bench: fixtures ready (codat company ${fixtures.codat.companyId})`);
  return {
    context: { options, dir, selected: setup.selected, sandbox, control, gatewayEnv, fixtures },
    database,
  };
}
