import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRunDatabase } from './harness/database.js';
import { runLoad, type LoadRequest } from './harness/load.js';
import { loadOptions, type BenchOptions } from './harness/options.js';
import { readProcSample } from './harness/proc-stats.js';
import { reexecPinned, stopAll } from './harness/processes.js';
import { SANDBOX_UPSTREAMS, SandboxControl } from './harness/sandbox-control.js';
import {
  configureQardProvider,
  createApiKey,
  gatewayEnvironment,
  newSecretsKey,
  ROOT,
  startGateway,
  startSandbox,
  type Server,
} from './harness/servers.js';
import { prepareFixtures } from './scenarios/fixtures.js';
import { envAssignments } from '../scripts/start-command.js';
import { SCENARIOS } from './scenarios/index.js';
import type { Scenario } from './scenarios/types.js';

/**
 * `BENCH_AB_BASELINE=dist-baseline npm run bench:ab`: gateway CPU per query of two builds, the
 * baseline (a copy of dist/ built from the code to compare against, kept inside the repository
 * so that it finds node_modules) and dist/ built from the working tree, measured at the same time.
 *
 * Why: on a shared machine one build's CPU per query moves by 20% from one minute to the next, so
 * two builds measured one after the other differ by more than most changes do. Here both run on
 * the server core at once, each loaded alike by its own closed-loop clients, in rounds; whatever
 * slows the machine slows both, and B/A, the ratio of their CPU per query, is steady to about 1%
 * (A against a copy of itself: 0.995–1.009 over three rounds). Absolute figures are not
 * comparable with `npm run bench`'s: the two servers share one core.
 *
 * Scenario and connections are the first of BENCH_SCENARIOS (default s2) and BENCH_CONNECTIONS
 * (default 10); rounds BENCH_RUNS of BENCH_RUN_SECONDS each after BENCH_WARMUP_SECONDS.
 * `BENCH_AB_NODE_FLAGS_B="--max-semi-space-size=4"` runs B with those Node flags in place of
 * `npm start`'s, to compare a V8 setting instead of (or with) a build; baseline and dist may be
 * the same build then. `BENCH_AB_ENV_B="MALLOC_ARENA_MAX=2"` adds environment variables to B's
 * (`BENCH_AB_ENV_A` to A's; `NAME=` leaves NAME out, `npm start`'s own included), and
 * `BENCH_AB_BATCHING_B=false` runs B without DataLoader batching (the naive ablation).
 * `BENCH_LATENCIES=20` sets the sandbox's latency to its first value (0 ms when unset).
 */
async function main(): Promise<void> {
  const options = loadOptions();
  if (reexecPinned(options.loadCpu)) return;
  const baseline = process.env['BENCH_AB_BASELINE'];
  if (!baseline || !existsSync(join(ROOT, baseline, 'main.js'))) {
    throw new Error(
      'set BENCH_AB_BASELINE to a copy of dist/ inside the repository (npm run build, then cp -r dist dist-baseline)',
    );
  }
  const scenarioId = options.scenarios?.[0] ?? 's2';
  const scenario = SCENARIOS.find((s) => s.id === scenarioId);
  if (!scenario) throw new Error(`no scenario ${scenarioId}`);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const dir = join(ROOT, 'bench/results/tmp', `ab-${stamp}`);
  mkdirSync(dir, { recursive: true });

  const sandbox = await startSandbox(options.loadCpu, dir);
  const control = new SandboxControl(sandbox.origin);
  const env = gatewayEnvironment(sandbox.origin, join(dir, 'data'), newSecretsKey());
  const database = options.databaseUrl
    ? await createRunDatabase(options.databaseUrl, `bench_ab_${Date.now()}`)
    : undefined;
  if (database) env['DATABASE_URL'] = database.url;
  try {
    await measure(options, dir, env, sandbox, control, scenario, baseline);
  } finally {
    // Every server off before the database goes.
    await stopAll();
    await database?.drop();
  }
}

async function measure(
  options: BenchOptions,
  dir: string,
  env: Record<string, string>,
  sandbox: Server,
  control: SandboxControl,
  scenario: Scenario,
  baseline: string,
): Promise<void> {
  const connections = options.connections[0] ?? 10;
  const apiKey = await createApiKey(env, 'bench');
  const mergedApiKey = await createApiKey(env, 'bench-merged');
  await configureQardProvider(env, dir);
  const flagsB = process.env['BENCH_AB_NODE_FLAGS_B']?.split(/\s+/).filter(Boolean);
  const envOf = (name: string) => envAssignments(process.env[name] ?? '');
  const envA = envOf('BENCH_AB_ENV_A');
  const envB = envOf('BENCH_AB_ENV_B');
  const batchingB = process.env['BENCH_AB_BATCHING_B'] !== 'false';
  const start = (
    name: string,
    main?: string,
    nodeFlags?: string[],
    extraEnv: Record<string, string> = {},
    batching = true,
  ) =>
    startGateway({
      cpus: options.serverCpu,
      dir,
      env: { ...env, ...extraEnv },
      batching,
      cpuProfileDir: undefined,
      name,
      ...(main ? { main } : {}),
      ...(nodeFlags ? { nodeFlags } : {}),
    });
  const setup = await start('setup');
  const fixtures = await prepareFixtures({
    gatewayOrigin: setup.origin,
    sandboxOrigin: sandbox.origin,
    apiKey,
    mergedApiKey,
    sandbox: control,
  });
  await setup.process.stop();
  // Only an explicit BENCH_LATENCIES moves the sandbox off 0 ms: the options' default, made for
  // `npm run bench`, lists 0 and 20.
  const latencyMs = process.env['BENCH_LATENCIES'] ? (options.latenciesMs[0] ?? 0) : 0;
  if (latencyMs > 0) await control.setLatency(SANDBOX_UPSTREAMS, latencyMs);

  const servers = [
    await start('a', join(baseline, 'main.js'), undefined, envA),
    await start('b', undefined, flagsB, envB, batchingB),
  ];
  const requests = servers.map((server): LoadRequest => {
    const request = scenario.request(
      'gateway',
      { gateway: server.origin, peer: '', limit: '', sandbox: sandbox.origin },
      fixtures,
    );
    if ('notApplicable' in request) throw new Error(request.notApplicable);
    return request;
  });
  const loadBoth = (seconds: number) =>
    Promise.all(requests.map((r) => runLoad(r, connections, seconds)));
  console.log(
    `bench:ab: ${scenario.id} at ${connections} connections each, A = ${baseline}, B = dist` +
      (flagsB ? ` with node ${flagsB.join(' ')}` : '') +
      (Object.keys(envA).length > 0 ? `, A with ${process.env['BENCH_AB_ENV_A']}` : '') +
      (Object.keys(envB).length > 0 ? `, B with ${process.env['BENCH_AB_ENV_B']}` : '') +
      (batchingB ? '' : ' without batching') +
      (latencyMs > 0 ? `; upstream latency ${latencyMs} ms` : '') +
      '; ' +
      `warm-up ${options.warmupSeconds} s, ${options.runs} × ${options.runSeconds} s`,
  );
  await loadBoth(options.warmupSeconds);
  const rounds: Array<{ a: number; b: number; ratio: number }> = [];
  for (let round = 0; round < options.runs; round += 1) {
    const before = servers.map((s: Server) => readProcSample(s.process.pid).cpuMs);
    const loads = await loadBoth(options.runSeconds);
    const [a, b] = servers.map(
      (s, i) => (readProcSample(s.process.pid).cpuMs - before[i]!) / loads[i]!.requests,
    ) as [number, number];
    const failed = loads.map((l) => l.non2xx + l.errors);
    rounds.push({ a, b, ratio: b / a });
    console.log(
      `  round ${round + 1}: A ${a.toFixed(3)} B ${b.toFixed(3)} ms/query, B/A ${(b / a).toFixed(3)}` +
        `; req/s A ${loads[0]!.requestsPerSecond.toFixed(0)} B ${loads[1]!.requestsPerSecond.toFixed(0)}` +
        `, p50 A ${loads[0]!.p50Ms} B ${loads[1]!.p50Ms} ms` +
        (failed.some((n) => n > 0) ? ` (failed: A ${failed[0]}, B ${failed[1]})` : ''),
    );
  }
  const ratios = rounds.map((r) => r.ratio).sort((x, y) => x - y);
  const median = ratios[Math.floor(ratios.length / 2)]!;
  const peaks = servers.map((s) => readProcSample(s.process.pid).peakRssMb.toFixed(0));
  console.log(
    `bench:ab: B/A median ${median.toFixed(3)} (range ${ratios[0]!.toFixed(3)}–${ratios.at(-1)!.toFixed(3)}); ` +
      `peak RSS A ${peaks[0]} MiB, B ${peaks[1]} MiB`,
  );
  writeFileSync(
    join(dir, 'ab.json'),
    JSON.stringify({ scenario: scenario.id, connections, baseline, rounds, median }, null, 2),
  );
}

const interrupt = () => void stopAll().then(() => process.exit(130));
process.on('SIGINT', interrupt);
process.on('SIGTERM', interrupt);
main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => stopAll());
