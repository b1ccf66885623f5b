import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderChart } from './harness/chart.js';
import { createRunDatabase } from './harness/database.js';
import {
  CellMeasurement,
  gatewayDroppedQueries,
  soak,
  waitForIdle,
  type CellFigures,
  type SoakFigures,
} from './harness/measure.js';
import { measureMemory } from './harness/memory.js';
import { loadOptions, type BenchOptions } from './harness/options.js';
import { reexecPinned, stopAll } from './harness/processes.js';
import { writeResults, type CellResult } from './harness/report.js';
import { SANDBOX_UPSTREAMS, SandboxControl } from './harness/sandbox-control.js';
import {
  composePeerSupergraph,
  configureQardProvider,
  createApiKey,
  ensurePeerInstalled,
  gatewayEnvironment,
  newSecretsKey,
  ROOT,
  startGateway,
  serverPids,
  startLimit,
  startPeer,
  startSandbox,
  stopServer,
  type Server,
} from './harness/servers.js';
import { describeOptions, printCell } from './harness/console-lines.js';
import { operationsServed, startFederated, startFederatedLocal } from './harness/federated.js';
import { prepareFixtures } from './scenarios/fixtures.js';
import { SCENARIOS } from './scenarios/index.js';
import { limitEnvironment, peerEnvironment } from './scenarios/wiring.js';
import {
  VARIANTS,
  type Fixtures,
  type Origins,
  type Scenario,
  type VariantId,
} from './scenarios/types.js';
import type { LoadRequest } from './harness/load.js';

/**
 * `npm run bench`: every scenario against every variant, on the same sandbox upstreams, with the
 * measured server pinned to one core and this process (the load generator) and the sandbox to the
 * other. See RESULTS.md for the parameters and the figures.
 */

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
  // The peers and the federated variants' router are Hive Gateway, installed in bench/peer.
  if (selected.some((v) => v.startsWith('peer') || v.startsWith('fed-')))
    await ensurePeerInstalled();

  const memory =
    options.memory && !options.soakOnly
      ? await measureMemory({ cpus: options.serverCpu, dir, databaseUrl: options.databaseUrl })
      : undefined;
  for (const m of memory ?? [])
    console.log(
      `bench: npm start (sandbox, ${m.store}) RSS idle ${m.idleRssMb.toFixed(0)} MiB, after the tour ${m.afterTourRssMb.toFixed(0)} MiB`,
    );

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

  const cells: CellResult[] = [];
  const referenceBodies = new Map<string, string>();
  // A peer's composition depends only on the fixtures: made once, served by every peer started.
  const supergraphs = new Map<boolean, Promise<string>>();
  const peerSupergraph = (batched: boolean): Promise<string> => {
    let supergraph = supergraphs.get(batched);
    if (!supergraph) {
      supergraph = composePeerSupergraph(dir, peerEnvironment(fixtures), batched);
      supergraphs.set(batched, supergraph);
    }
    return supergraph;
  };
  for (const latencyMs of options.soakOnly ? [] : options.latenciesMs) {
    await control.setLatency(SANDBOX_UPSTREAMS, latencyMs);
    for (const scenario of SCENARIOS) {
      if (options.scenarios && !options.scenarios.includes(scenario.id)) continue;
      const connectionCounts = cellConnections(options, scenario.id, latencyMs);
      // Every variant that applies is started afresh for each scenario and is up for all of its
      // cells, so their runs can take turns (CellMeasurement). Afresh, because a process keeps
      // what earlier scenarios grew (V8's old space, the allocator's arenas): in one process for
      // every scenario, a light scenario's peak RSS was the heaviest earlier one's.
      const servers = new Map<VariantId, Server>();
      try {
        const measured: MeasuredVariant[] = [];
        for (const variant of selected) {
          const base = { scenario: scenario.id, variant, latencyMs };
          const notApplicable = scenarioNotApplicable(scenario, variant, fixtures);
          if (notApplicable !== undefined) {
            for (const n of options.connections)
              cells.push({ ...base, notApplicable, connections: n });
            continue;
          }
          const server = await startVariant(
            variant,
            options,
            dir,
            gatewayEnv,
            sandbox,
            fixtures,
            peerSupergraph,
          );
          servers.set(variant, server);
          const prepared = await prepareVariant(
            scenario,
            variant,
            server,
            latencyMs,
            sandbox,
            control,
            fixtures,
            referenceBodies,
          );
          if ('cells' in prepared) {
            const connections = prepared.cells.notApplicable
              ? options.connections
              : connectionCounts;
            for (const n of connections) cells.push({ ...prepared.cells, connections: n });
          } else measured.push(prepared);
        }
        for (const connections of connectionCounts) {
          const turns = measured.map(
            (m) =>
              new CellMeasurement({
                request: m.request,
                connections,
                warmupSeconds: options.warmupSeconds,
                runSeconds: options.runSeconds,
                runs: options.runs,
                pids: serverPids(m.server),
                sandbox: control,
                ...droppedQueries(m.base.variant, m.server),
                ...subgraphOperations(m.server),
              }),
          );
          for (const turn of turns) await turn.warmUp();
          for (let run = 0; run < options.runs; run++) {
            for (const turn of turns) await turn.measureRun();
          }
          measured.forEach((m, i) => {
            const figures: CellFigures = turns[i]!.figures();
            cells.push({
              ...m.base,
              connections,
              figures,
              sameJsonAsGateway: m.sameJsonAsGateway,
              sameDataAsPeer: m.sameDataAsPeer,
            });
            printCell(scenario.id, m.base.variant, latencyMs, connections, figures);
          });
          // Kept after every cell, so an interrupted run still leaves its figures behind.
          writeFileSync(join(dir, 'cells.json'), JSON.stringify(cells, null, 2));
        }
      } finally {
        for (const server of servers.values()) if (server !== sandbox) await stopServer(server);
      }
    }
  }

  let soakFigures: SoakFigures | undefined;
  const soakScenario = SCENARIOS.find((s) => s.id === 's2');
  if (options.soakSeconds > 0 && soakScenario && selected.includes('gateway')) {
    await control.setLatency(SANDBOX_UPSTREAMS, 0);
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
        pids: [gw.process.pid],
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
    memory,
    chart: renderChart,
  });
  console.log(`bench: results in ${json} and ${markdown}`);
}

/**
 * Queries a gateway process dropped unrun (see CellPlan.droppedQueries): this gateway's variants
 * and the subgraphs behind a federated variant's router, whose own count is not kept.
 */
function droppedQueries(
  variant: VariantId,
  server: Server,
): { droppedQueries?: () => Promise<number> } {
  if (variant === 'gateway' || variant === 'naive' || variant === 'cached')
    return { droppedQueries: gatewayDroppedQueries(server.origin) };
  if (variant !== 'fed-whole' && variant !== 'fed-domains') return {};
  const counts = (server.members ?? []).map((m) => gatewayDroppedQueries(m.origin));
  return {
    droppedQueries: async () =>
      (await Promise.all(counts.map((c) => c()))).reduce((a, b) => a + b, 0),
  };
}

/** The subgraph fetches behind a router whose subgraphs are processes of their own. */
function subgraphOperations(server: Server): { subgraphOperations?: () => Promise<number> } {
  const members = server.members ?? [];
  if (members.length === 0) return {};
  return {
    subgraphOperations: async () =>
      (await Promise.all(members.map((m) => operationsServed(m.origin)))).reduce(
        (a, b) => a + b,
        0,
      ),
  };
}

/** The cached variant's budget: far more than the two workspaces' records the scenarios read. */
const CACHED_VARIANT_MB = '64';

interface MeasuredVariant {
  base: { scenario: string; variant: VariantId; latencyMs: number };
  server: Server;
  request: LoadRequest;
  sameJsonAsGateway: boolean | undefined;
  sameDataAsPeer: boolean | undefined;
}

/**
 * Why a variant does not apply to a scenario (the peer composes only Codat, …), known without a
 * server: a scenario decides from the variant alone, so no process is started for it.
 */
function scenarioNotApplicable(
  scenario: Scenario,
  variant: VariantId,
  fixtures: Fixtures,
): string | undefined {
  const nowhere: Origins = { gateway: '', peer: '', limit: '', sandbox: '' };
  const request = scenario.request(variant, nowhere, fixtures);
  return 'notApplicable' in request ? request.notApplicable : undefined;
}

/**
 * A variant's request for a scenario, checked once before it is measured: a variant that does
 * not apply or answers wrongly is reported as such (`cells`, without connections) and not loaded.
 */
async function prepareVariant(
  scenario: Scenario,
  variant: VariantId,
  server: Server,
  latencyMs: number,
  sandbox: Server,
  control: SandboxControl,
  fixtures: Fixtures,
  referenceBodies: Map<string, string>,
): Promise<MeasuredVariant | { cells: Omit<CellResult, 'connections'> }> {
  const base = { scenario: scenario.id, variant, latencyMs };
  const origins: Origins = {
    gateway: server.origin,
    peer: server.origin,
    limit: server.origin,
    sandbox: sandbox.origin,
  };
  const request = scenario.request(variant, origins, fixtures);
  if ('notApplicable' in request) {
    return { cells: { ...base, notApplicable: request.notApplicable } };
  }
  await waitForIdle(serverPids(server), control);
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
    return { cells: { ...base, error: problem } };
  }
  let expectBody: string | undefined;
  if (scenario.stableBody) {
    const second = await send(request).catch(() => undefined);
    if (second?.body === first.body) expectBody = first.body;
  }
  const referenceKey = `${scenario.id}@${latencyMs}`;
  if (variant === 'gateway' || variant === 'peer')
    referenceBodies.set(`${referenceKey}#${variant}`, first.body);
  // A mutation's answers differ call by call (toggled state), so only reads are compared.
  const compared = (of: VariantId, same: (a: string, b: string) => boolean) => {
    const reference = referenceBodies.get(`${referenceKey}#${of}`);
    return scenario.stableBody && reference !== undefined ? same(reference, first.body) : undefined;
  };
  return {
    base,
    server,
    request: { ...request, expectBody },
    sameJsonAsGateway:
      variant === 'limit' || variant.startsWith('fed-') ? compared('gateway', sameJson) : undefined,
    // The batched peer answers the same query as the peer: its data must be the peer's.
    sameDataAsPeer: variant === 'peer-batched' ? compared('peer', sameData) : undefined,
  };
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
      return startFederated({
        kind: variant === 'fed-whole' ? 'whole' : 'domains',
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

/** Whether two GraphQL answers hold the same `data` (their errors may differ). */
function sameData(a: string, b: string): boolean {
  try {
    const data = (body: string) => JSON.stringify((JSON.parse(body) as { data?: unknown }).data);
    return data(a) === data(b);
  } catch {
    return false;
  }
}

function sameJson(a: string, b: string): boolean {
  try {
    return JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b));
  } catch {
    return false;
  }
}

const interrupt = () => void stopAll().then(() => process.exit(130));
process.on('SIGINT', interrupt);
process.on('SIGTERM', interrupt);

main().catch(async (error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  await stopAll();
  process.exit(1);
});
