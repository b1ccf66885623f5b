import type { UpstreamName } from '../config.js';
import { createApiPandaSimulator, type ApiPandaSimulator } from './apipanda/simulator.js';
import { createCodatSimulator, type CodatSimulator } from './codat/simulator.js';
import { createDispatchSimulator, type DispatchSimulator } from './dispatch/simulator.js';
import { SandboxServer, type FaultKnobs } from './framework.js';
import { createQardSimulator, type QardSimulator } from './qard/simulator.js';
import { createShoplineSimulator, type ShoplineSimulator } from './shopline/simulator.js';

export interface SandboxOptions {
  port?: number;
  host?: string;
  /** Seed of the data generators and the fault sequence. */
  seed?: number;
  /** Latency and faults applied to every upstream at start (tune per upstream with setKnobs). */
  knobs?: Partial<FaultKnobs>;
}

/** Every simulator, reachable by name for tests and sandbox commands. */
export interface Sandbox {
  server: SandboxServer;
  apipanda: ApiPandaSimulator;
  codat: CodatSimulator;
  qard: QardSimulator;
  dispatch: DispatchSimulator;
  shopline: ShoplineSimulator;
  /** Base URL per upstream, ready to be used as `<NAME>_BASE_URL`. */
  urls: Partial<Record<UpstreamName, string>>;
  close(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const seed = options.seed ?? 1;
  const apipanda = createApiPandaSimulator(seed);
  const codat = createCodatSimulator(seed);
  const qard = createQardSimulator(seed);
  const dispatch = createDispatchSimulator(seed);
  const shopline = createShoplineSimulator(seed);
  const server = new SandboxServer([apipanda, codat, qard, dispatch, shopline], {
    seed,
    knobs: options.knobs ?? {},
  });
  await server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  return {
    server,
    apipanda,
    codat,
    qard,
    dispatch,
    shopline,
    urls: {
      apipanda: server.urlFor('apipanda'),
      codat: server.urlFor('codat'),
      qard: server.urlFor('qard'),
      dispatch: server.urlFor('dispatch'),
      shopline: server.urlFor('shopline'),
    },
    close: async () => {
      await codat.webhooks.close();
      await server.close();
    },
  };
}
