/**
 * CPU per query of bench scenario s2 (50 orders with their customers and line-item products)
 * served by the single process (`npm start`) and by `npm start -- --federated` (Hive Gateway in
 * front of the four domain subgraphs, all in one process), against the sandbox upstreams in a
 * process of their own. CPU is the gateway process's own (utime + stime from /proc), so router
 * and subgraphs are both counted and the load generator and upstreams are not. A quick check,
 * not the benchmark: queries run 4 at a time, on whatever else the machine is doing.
 *
 *   node --import tsx scripts/federation-cpu.ts [queries per mode, default 200]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readProcTreeSample } from '../bench/harness/proc-stats.js';
import { spawnPinned, stopAll, waitForHttp } from '../bench/harness/processes.js';
import { SandboxControl } from '../bench/harness/sandbox-control.js';
import {
  ROOT,
  configureQardProvider,
  createApiKey,
  freePort,
  gatewayEnvironment,
  newSecretsKey,
  startSandbox,
} from '../bench/harness/servers.js';
import { prepareFixtures } from '../bench/scenarios/fixtures.js';

const S2 = `query Orders50 { commerce { orders(first: 50) { nodes { orderNumber customer { name }
  lineItems { product { name } } } } } }`;
const QUERIES = Number(process.argv[2] ?? 200);
const CONCURRENCY = 4;
const WARMUP = 40;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'federation-cpu-'));
  const sandbox = await startSandbox('0-1', dir);
  const env = gatewayEnvironment(sandbox.origin, join(dir, 'data'), newSecretsKey());
  const apiKey = await createApiKey(env, 'bench');
  const mergedApiKey = await createApiKey(env, 'bench-merged');
  await configureQardProvider(env, dir);
  let prepared = false;
  const results: Array<{ mode: string; cpuMsPerQuery: number; queries: number }> = [];
  for (const mode of ['single', 'federated'] as const) {
    const port = await freePort();
    const logFile = join(dir, `${mode}.log`);
    const proc = spawnPinned({
      name: mode,
      cpus: '0-1',
      command: process.execPath,
      args: [join(ROOT, 'dist/main.js'), 'start', ...(mode === 'federated' ? ['--federated'] : [])],
      env: { ...env, PORT: String(port) },
      cwd: ROOT,
      logFile,
    });
    const origin = `http://127.0.0.1:${port}`;
    await waitForHttp(`${origin}/healthz`, proc, logFile);
    if (!prepared) {
      await prepareFixtures({
        gatewayOrigin: origin,
        sandboxOrigin: sandbox.origin,
        apiKey,
        mergedApiKey,
        sandbox: new SandboxControl(sandbox.origin),
      });
      prepared = true;
    }
    const query = async () => {
      const res = await fetch(`${origin}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
        body: JSON.stringify({ query: S2 }),
      });
      const body = (await res.json()) as {
        data?: { commerce: { orders: { nodes: unknown[] } } };
        errors?: unknown[];
      };
      if (res.status !== 200 || body.errors || body.data?.commerce.orders.nodes.length !== 50)
        throw new Error(
          `${mode}: unexpected answer ${res.status} ${JSON.stringify(body).slice(0, 300)}`,
        );
    };
    const run = async (count: number) => {
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next++ < count) await query();
        }),
      );
    };
    // `node` is served by the whole gateway only: its absence proves the router answered.
    const probe = await fetch(`${origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: JSON.stringify({ query: '{ node(id: "x") { id } }' }),
    });
    const servedNode = !(await probe.text()).includes('Cannot query field');
    if (servedNode !== (mode === 'single')) throw new Error(`${mode}: not the expected mode`);
    await run(WARMUP);
    const before = readProcTreeSample(proc.pid).cpuMs;
    await run(QUERIES);
    const cpuMs = readProcTreeSample(proc.pid).cpuMs - before;
    results.push({
      mode,
      cpuMsPerQuery: Math.round((cpuMs / QUERIES) * 10) / 10,
      queries: QUERIES,
    });
    await proc.stop();
  }
  console.table(results);
  await stopAll();
}

main().catch(async (error: unknown) => {
  console.error(error);
  await stopAll();
  process.exit(1);
});
