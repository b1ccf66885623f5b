/**
 * Parameters of a benchmark run. The defaults are the full run the figures in RESULTS.md are
 * meant to come from (10 s warm-up, 3 measured runs of 20 s, median); `BENCH_QUICK=1` is a smoke
 * run of a few seconds per cell that checks the harness end to end and gives rough figures.
 */
export interface BenchOptions {
  quick: boolean;
  warmupSeconds: number;
  runSeconds: number;
  runs: number;
  connections: number[];
  latenciesMs: number[];
  /**
   * Extra connection counts measured for scenario 2 when the upstream latency is above 0: one
   * connection shows the latency a single client meets (the two dependent hops plus the
   * gateway's own time) without the queueing that 10 or 50 closed-loop connections add.
   */
  latencyConnections: number[];
  /** Scenario ids to run (all when unset). */
  scenarios: string[] | undefined;
  /** Variant ids to run (all when unset). */
  variants: string[] | undefined;
  /** Length of the RSS soak of scenario 2 at the highest connection count; 0 skips it. */
  soakSeconds: number;
  /** Only the soak, without the scenario × variant matrix (`BENCH_SOAK_ONLY=1`). */
  soakOnly: boolean;
  /**
   * Measures `npm start`'s RSS (sandbox, PGlite; and PostgreSQL with BENCH_DATABASE_URL) idle and
   * after the README tour's client flows (`BENCH_MEMORY=0` skips it; quick runs skip it unless 1).
   */
  memory: boolean;
  /** Writes a V8 CPU profile of the gateway (`--cpu-prof`) into the run's folder. */
  cpuProfile: boolean;
  /**
   * PostgreSQL server URL (an admin database on it) for the gateway's store; each run creates its
   * own database there. Unset: the embedded PGlite store `npm start` uses out of the box.
   */
  databaseUrl: string | undefined;
  /** Core of the gateway (and every other measured server). */
  serverCpu: string;
  /** Core of the load generator and the upstream sandbox. */
  loadCpu: string;
}

function list(value: string | undefined): string[] | undefined {
  const items = value
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return items && items.length > 0 ? items : undefined;
}

function number(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`expected a non-negative number, got ${value}`);
  return n;
}

export function loadOptions(env: Record<string, string | undefined> = process.env): BenchOptions {
  const quick = env['BENCH_QUICK'] === '1' || env['BENCH_QUICK'] === 'true';
  return {
    quick,
    warmupSeconds: number(env['BENCH_WARMUP_SECONDS'], quick ? 2 : 10),
    runSeconds: number(env['BENCH_RUN_SECONDS'], quick ? 3 : 20),
    runs: number(env['BENCH_RUNS'], 3),
    connections: (list(env['BENCH_CONNECTIONS']) ?? ['10', '50']).map(Number),
    latenciesMs: (list(env['BENCH_LATENCIES']) ?? ['0', '20']).map(Number),
    latencyConnections: (list(env['BENCH_LATENCY_CONNECTIONS']) ?? ['1']).map(Number),
    scenarios: list(env['BENCH_SCENARIOS']),
    variants: list(env['BENCH_VARIANTS']),
    soakSeconds: number(env['BENCH_SOAK_SECONDS'], quick ? 0 : 300),
    soakOnly: env['BENCH_SOAK_ONLY'] === '1',
    cpuProfile: env['BENCH_CPU_PROFILE'] === '1',
    memory: quick ? env['BENCH_MEMORY'] === '1' : env['BENCH_MEMORY'] !== '0',
    databaseUrl: env['BENCH_DATABASE_URL'] || undefined,
    serverCpu: env['BENCH_SERVER_CPU'] ?? '1',
    loadCpu: env['BENCH_LOAD_CPU'] ?? '0',
  };
}
