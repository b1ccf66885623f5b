import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderChart } from './harness/chart.js';
import { createRunDatabase } from './harness/database.js';
import {
  measureCell,
  soak,
  waitForIdle,
  type CellFigures,
  type SoakFigures,
} from './harness/measure.js';
import { loadOptions, type BenchOptions } from './harness/options.js';
import { reexecPinned, stopAll } from './harness/processes.js';
import { writeResults, type CellResult } from './harness/report.js';
import { SandboxControl } from './harness/sandbox-control.js';
import {
  composePeerSupergraph,
  createApiKey,
  ensurePeerInstalled,
  gatewayEnvironment,
  newSecretsKey,
  ROOT,
  startGateway,
  startLimit,
  startPeer,
  startSandbox,
  type Server,
} from './harness/servers.js';
import { prepareFixtures } from './scenarios/fixtures.js';
import { SCENARIOS } from './scenarios/index.js';
import { limitEnvironment, peerEnvironment } from './scenarios/wiring.js';
import { VARIANTS, type Fixtures, type Origins, type VariantId } from './scenarios/types.js';

/**
 * `npm run bench`: every scenario against every variant, on the same sandbox upstreams, with the
 * measured server pinned to one core and this process (the load generator) and the sandbox to the
 * other. See RESULTS.md for the parameters and the figures.
 */

const UPSTREAMS = ['apipanda', 'dispatch', 'codat', 'qard', 'shopline'];

async function main(): Promise<void> {
  const options = loadOptions();
  // The load generator runs in this process: pin it to its core by running again under taskset.
  if (reexecPinned(options.loadCpu)) return;
  const startedAt = new Date();
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const dir = join(ROOT, 'bench/results/tmp', stamp);
  mkdirSync(dir, { recursive: true });
  console.log(`bench: logs and profiles in ${dir}`);
  describeOptions(options);

  const selected = (options.variants ?? [...VARIANTS]) as VariantId[];
  if (selected.includes('peer')) await ensurePeerInstalled();

  const sandbox = await startSandbox(options.loadCpu, dir);
  const control = new SandboxControl(sandbox.origin);
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
  const fixtures = await withGateway(options, dir, gatewayEnv, true, (gw) =>
    prepareFixtures({
      gatewayOrigin: gw.origin,
      sandboxOrigin: sandbox.origin,
      apiKey,
      mergedApiKey,
      sandbox: control,
    }),
  );
  console.log(`bench: fixtures ready (codat company ${fixtures.codat.companyId})`);

  const cells: CellResult[] = [];
  const referenceBodies = new Map<string, string>();
  for (const latencyMs of options.soakOnly ? [] : options.latenciesMs) {
    await control.setLatency(UPSTREAMS, latencyMs);
    for (const variant of selected) {
      const server = await startVariant(variant, options, dir, gatewayEnv, sandbox, fixtures);
      try {
        const origins: Origins = {
          gateway: server.origin,
          peer: server.origin,
          limit: server.origin,
          sandbox: sandbox.origin,
        };
        for (const scenario of SCENARIOS) {
          if (options.scenarios && !options.scenarios.includes(scenario.id)) continue;
          const base = { scenario: scenario.id, variant, latencyMs };
          const connectionCounts = cellConnections(options, scenario.id, latencyMs);
          const request = scenario.request(variant, origins, fixtures);
          if ('notApplicable' in request) {
            for (const connections of options.connections) {
              cells.push({ ...base, connections, notApplicable: request.notApplicable });
            }
            continue;
          }
          await waitForIdle(server.process.pid, control);
          let first: { status: number; body: string };
          try {
            first = await send(request);
          } catch (error) {
            first = { status: 0, body: `request failed: ${(error as Error).message}` };
          }
          const problem = scenario.check(variant, first.status, first.body);
          if (problem) {
            console.log(
              `  ${scenario.id} ${variant} ${latencyMs}ms: wrong answer, not measured: ${problem}`,
            );
            for (const connections of connectionCounts)
              cells.push({ ...base, connections, error: problem });
            continue;
          }
          let expectBody: string | undefined;
          if (scenario.stableBody) {
            const second = await send(request).catch(() => undefined);
            if (second?.body === first.body) expectBody = first.body;
          }
          const referenceKey = `${scenario.id}@${latencyMs}`;
          if (variant === 'gateway') referenceBodies.set(referenceKey, first.body);
          const reference = referenceBodies.get(referenceKey);
          // A mutation's answers differ call by call (toggled state), so only reads are compared.
          const sameJsonAsGateway =
            variant === 'limit' && scenario.stableBody && reference !== undefined
              ? sameJson(reference, first.body)
              : undefined;
          for (const connections of connectionCounts) {
            const figures: CellFigures = await measureCell({
              request: { ...request, expectBody },
              connections,
              warmupSeconds: options.warmupSeconds,
              runSeconds: options.runSeconds,
              runs: options.runs,
              pid: server.process.pid,
              sandbox: control,
            });
            cells.push({ ...base, connections, figures, sameJsonAsGateway });
            printCell(scenario.id, variant, latencyMs, connections, figures);
            // Kept after every cell, so an interrupted run still leaves its figures behind.
            writeFileSync(join(dir, 'cells.json'), JSON.stringify(cells, null, 2));
          }
        }
      } finally {
        if (server !== sandbox) await server.process.stop();
      }
    }
  }

  let soakFigures: SoakFigures | undefined;
  const soakScenario = SCENARIOS.find((s) => s.id === 's2');
  if (options.soakSeconds > 0 && soakScenario && selected.includes('gateway')) {
    await control.setLatency(UPSTREAMS, 0);
    const connections = Math.max(...options.connections);
    console.log(`bench: ${options.soakSeconds} s soak of s2 at ${connections} connections`);
    soakFigures = await withGateway(options, dir, gatewayEnv, true, async (gw) => {
      const request = soakScenario.request(
        'gateway',
        { gateway: gw.origin, peer: '', limit: '', sandbox: sandbox.origin },
        fixtures,
      );
      if ('notApplicable' in request) throw new Error('scenario 2 does not apply to the gateway');
      return soak({
        request,
        connections,
        warmupSeconds: options.warmupSeconds,
        runSeconds: options.runSeconds,
        runs: 1,
        pid: gw.process.pid,
        sandbox: control,
        seconds: options.soakSeconds,
      });
    });
  }

  await sandbox.process.stop();
  await database?.drop();
  const { json, markdown } = await writeResults({
    startedAt,
    options,
    cells,
    soak: soakFigures,
    chart: renderChart,
  });
  console.log(`bench: results in ${json} and ${markdown}`);
}

/** The connection counts of one cell row: scenario 2 under latency adds the single-client probe. */
function cellConnections(options: BenchOptions, scenario: string, latencyMs: number): number[] {
  const extra = scenario === 's2' && latencyMs > 0 ? options.latencyConnections : [];
  return [...new Set([...extra, ...options.connections])].sort((a, b) => a - b);
}

async function withGateway<T>(
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

async function startVariant(
  variant: VariantId,
  options: BenchOptions,
  dir: string,
  gatewayEnv: Record<string, string>,
  sandbox: Server,
  fixtures: Fixtures,
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
    case 'peer': {
      const supergraph = await composePeerSupergraph(dir, peerEnvironment(fixtures));
      return startPeer(options.serverCpu, dir, supergraph);
    }
    case 'limit':
      return startLimit(options.serverCpu, dir, limitEnvironment(fixtures));
    case 'upstream':
      return sandbox;
  }
}

async function send(request: {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}) {
  const res = await fetch(request.url, {
    method: request.method,
    headers: request.headers,
    body: request.body,
    signal: AbortSignal.timeout(60_000),
  });
  return { status: res.status, body: await res.text() };
}

function sameJson(a: string, b: string): boolean {
  try {
    return JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b));
  } catch {
    return false;
  }
}

function describeOptions(o: BenchOptions): void {
  console.log(
    `bench: ${o.quick ? 'QUICK smoke run' : 'full run'}: warm-up ${o.warmupSeconds} s, ${o.runs} × ${o.runSeconds} s, ` +
      `connections ${o.connections.join('/')}, latency ${o.latenciesMs.join('/')} ms, soak ${o.soakSeconds} s; ` +
      `server on core ${o.serverCpu}, load + sandbox on core ${o.loadCpu}`,
  );
}

function printCell(
  scenario: string,
  variant: string,
  latencyMs: number,
  connections: number,
  f: CellFigures,
): void {
  const m = f.median;
  console.log(
    `  ${scenario} ${variant.padEnd(8)} ${String(latencyMs).padStart(2)}ms c${String(connections).padEnd(3)} ` +
      `${m.requestsPerSecond.toFixed(0).padStart(6)} req/s  p50 ${m.p50Ms} ms  p99 ${m.p99Ms} ms  ` +
      `non2xx ${m.non2xx}  mismatch ${m.mismatches}  upstream/q ${m.upstreamPerQuery.toFixed(2)}  ` +
      `cpu ${m.cpuMsPerQuery.toFixed(3)} ms/q  peak ${f.peakRssMb.toFixed(0)} MiB  load ${f.loadAverage.toFixed(1)}`,
  );
}

const interrupt = () => void stopAll().then(() => process.exit(130));
process.on('SIGINT', interrupt);
process.on('SIGTERM', interrupt);

main().catch(async (error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  await stopAll();
  process.exit(1);
});
