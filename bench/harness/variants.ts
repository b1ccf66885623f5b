/**
 * Starting the measured servers: one per variant, and the gateway the workspaces' setup and the
 * soak use.
 */
import { join } from 'node:path';
import { startFederated, startFederatedLocal } from './federated.js';
import type { BenchOptions } from './options.js';
import { startGateway, startLimit, startPeer, type Server } from './servers.js';
import { limitEnvironment, peerEnvironment } from '../scenarios/wiring.js';
import type { Fixtures, VariantId } from '../scenarios/types.js';

/** The cached variant's budget: far more than the two workspaces' records the scenarios read. */
const CACHED_VARIANT_MB = '64';

export async function withGateway<T>(
  options: BenchOptions,
  dir: string,
  env: Record<string, string>,
  batching: boolean,
  fn: (gateway: Server) => Promise<T>,
): Promise<T> {
  const gateway = await startGateway({
    cpus: options.serverCpu,
    dir,
    env,
    batching,
    cpuProfileDir: undefined,
  });
  try {
    return await fn(gateway);
  } finally {
    await gateway.process.stop();
  }
}

export async function startVariant(
  variant: VariantId,
  options: BenchOptions,
  dir: string,
  gatewayEnv: Record<string, string>,
  sandbox: Server,
  fixtures: Fixtures,
  peerSupergraph: (batched: boolean) => Promise<string>,
): Promise<Server> {
  switch (variant) {
    case 'gateway':
    case 'naive':
      return startGateway({
        cpus: options.serverCpu,
        dir,
        env: gatewayEnv,
        batching: variant === 'gateway',
        cpuProfileDir: options.cpuProfile ? join(dir, `profile-${variant}`) : undefined,
      });
    case 'cached':
      return startGateway({
        cpus: options.serverCpu,
        dir,
        env: { ...gatewayEnv, COMMERCE_CACHE_MB: CACHED_VARIANT_MB },
        batching: true,
        cpuProfileDir: options.cpuProfile ? join(dir, `profile-${variant}`) : undefined,
        name: 'cached',
      });
    case 'peer':
    case 'peer-batched': {
      const batched = variant === 'peer-batched';
      const supergraph = await peerSupergraph(batched);
      return startPeer(options.serverCpu, dir, supergraph, batched, peerEnvironment(fixtures));
    }
    case 'limit':
      return startLimit(options.serverCpu, dir, limitEnvironment(fixtures));
    case 'fed-whole':
    case 'fed-domains':
    case 'fed-whole-rust':
    case 'fed-domains-rust':
      return startFederated({
        kind: variant.startsWith('fed-whole') ? 'whole' : 'domains',
        runtime: variant.endsWith('-rust') ? 'rust' : 'default',
        cpus: options.serverCpu,
        dir,
        env: gatewayEnv,
        cpuProfileDir: options.cpuProfile ? join(dir, `profile-${variant}`) : undefined,
      });
    case 'fed-local':
      return startFederatedLocal({
        cpus: options.serverCpu,
        dir,
        env: gatewayEnv,
        cpuProfileDir: options.cpuProfile ? join(dir, `profile-${variant}`) : undefined,
      });
    case 'upstream':
      return sandbox;
  }
}
