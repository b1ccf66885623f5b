import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { authorise } from '../scenarios/fixtures.js';
import { createRunDatabase } from './database.js';
import { readProcTreeSample } from './proc-stats.js';
import { newSecretsKey, startGateway } from './servers.js';

/**
 * The embedded default's memory: `npm start` out of the box (in-process sandbox, PGlite store)
 * idle, then after the client flows of the README's five-minute tour (viewer, link a Codat store
 * and authorise it, read its orders with customers once synced), beside the same with a
 * PostgreSQL store. RSS is the kernel's (VmRSS), read once the process is idle.
 */

export interface MemoryFigures {
  store: 'PGlite' | 'PostgreSQL';
  idleRssMb: number;
  afterTourRssMb: number;
  peakRssMb: number;
}

const TOUR_ORDERS = `{ commerce { orders(first: 10) { totalCount nodes { id createdAt totalAmount { amount currencyCode } customer { name } } } } }`;

export async function measureMemory(options: {
  cpus: string;
  dir: string;
  databaseUrl: string | undefined;
}): Promise<MemoryFigures[]> {
  const figures = [await measureStore('PGlite', options, undefined)];
  if (options.databaseUrl) {
    const database = await createRunDatabase(options.databaseUrl, `bench_memory_${Date.now()}`);
    try {
      figures.push(await measureStore('PostgreSQL', options, database.url));
    } finally {
      await database.drop();
    }
  }
  return figures;
}

async function measureStore(
  store: MemoryFigures['store'],
  options: { cpus: string; dir: string },
  databaseUrl: string | undefined,
): Promise<MemoryFigures> {
  const dataDir = join(options.dir, `memory-${store.toLowerCase()}`);
  const gateway = await startGateway({
    cpus: options.cpus,
    dir: options.dir,
    // No upstream URL: the sandbox runs in-process, as `npm start` does out of the box.
    env: {
      DATA_DIR: dataDir,
      SECRETS_KEY: newSecretsKey(),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    },
    batching: true,
    cpuProfileDir: undefined,
    name: `memory-${store.toLowerCase()}`,
  });
  try {
    const pid = gateway.process.pid;
    await settle(pid);
    const idleRssMb = readProcTreeSample(pid).rssMb;
    const key = readFileSync(join(dataDir, 'sandbox-api-key'), 'utf8').trim();
    await tour(gateway.origin, key);
    await settle(pid);
    const after = readProcTreeSample(pid);
    return { store, idleRssMb, afterTourRssMb: after.rssMb, peakRssMb: after.peakRssMb };
  } finally {
    await gateway.process.stop();
  }
}

/** Waits until the process uses under 2% of a core for 2 s (start-up and syncs finished). */
async function settle(pid: number): Promise<void> {
  let quiet = 0;
  let cpu = readProcTreeSample(pid).cpuMs;
  for (let i = 0; i < 120 && quiet < 4; i++) {
    await sleep(500);
    const now = readProcTreeSample(pid).cpuMs;
    quiet = now - cpu <= 10 ? quiet + 1 : 0;
    cpu = now;
  }
}

async function tour(origin: string, key: string): Promise<void> {
  const gql = async (query: string) => {
    const res = await fetch(`${origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify({ query }),
    });
    return (await res.json()) as {
      data?: Record<string, unknown> | null;
      errors?: Array<{ message: string; extensions?: { code?: string } }>;
    };
  };
  await gql(`{ viewer { workspace { handle } principal { kind roles } } }`);
  const linked = await gql(
    `mutation { linkCommerceSource(input: { source: CODAT, platform: "shopify", name: "Demo store" }) { link { id authorizationUrl } userErrors { field message } } }`,
  );
  const url = (
    linked.data?.['linkCommerceSource'] as { link?: { authorizationUrl?: string } } | undefined
  )?.link?.authorizationUrl;
  if (!url) throw new Error(`tour: linkCommerceSource answered ${JSON.stringify(linked)}`);
  await authorise(url);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const answer = await gql(TOUR_ORDERS);
    if (!answer.errors?.length && answer.data) break;
    if (Date.now() > deadline)
      throw new Error(`tour: orders not ready in 60 s: ${JSON.stringify(answer.errors)}`);
    await sleep(500);
  }
  // A user looking around: the orders page a few more times.
  for (let i = 0; i < 20; i++) await gql(TOUR_ORDERS);
}
