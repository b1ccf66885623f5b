import type { Config, UpstreamName } from '../config.js';
import { SANDBOX_PUBLIC_TOKEN } from './apipanda/simulator.js';
import { SANDBOX_DISPATCH_TOKEN } from './dispatch/simulator.js';
import { SANDBOX_CODAT_API_KEY } from './codat/simulator.js';
import type { Sandbox } from './index.js';

/**
 * Points every upstream that has no configured base URL at the sandbox, with the sandbox's
 * credentials. Upstreams configured explicitly stay real.
 */
export function withSandboxUpstreams(config: Config, sandbox: Sandbox): Config {
  const upstreams = { ...config.upstreams };
  for (const [name, url] of Object.entries(sandbox.urls) as Array<[UpstreamName, string]>) {
    if (!upstreams[name].baseUrl) upstreams[name] = { ...upstreams[name], baseUrl: url };
  }
  return {
    ...config,
    upstreams,
    apipanda: { publicToken: config.apipanda.publicToken ?? SANDBOX_PUBLIC_TOKEN },
    // Only when Dispatch itself is the sandbox: a real Dispatch never gets the demo token.
    dispatch: {
      serviceToken:
        config.dispatch.serviceToken ?? (config.upstreams.dispatch.baseUrl ? undefined : SANDBOX_DISPATCH_TOKEN),
    },
    // Only when Codat itself is the sandbox: a real Codat never gets the sandbox key.
    codat: {
      ...config.codat,
      apiKey: config.codat.apiKey ?? (config.upstreams.codat.baseUrl ? undefined : SANDBOX_CODAT_API_KEY),
    },
  };
}
