import { loadavg } from 'node:os';
import { runLoad, type LoadRequest, type LoadResult } from './load.js';
import { readProcGroupSample, resetPeakRss } from './proc-stats.js';
import type { SandboxControl } from './sandbox-control.js';

/** One measured run: the load figures plus what the server and the upstreams spent on it. */
export interface RunFigures extends LoadResult {
  upstreamRequests: number;
  upstreamPerQuery: number;
  cpuMsPerQuery: number;
  /**
   * A router in front of subgraph processes: its own process tree's share of `cpuMsPerQuery`
   * (the subgraphs' is the rest), read from /proc per process like the sum.
   */
  routerCpuMsPerQuery?: number;
  /** Operations the subgraphs behind a router served per query: the router's subgraph fetches. */
  subgraphFetchesPerQuery?: number;
}

export interface CellFigures {
  runs: RunFigures[];
  /** Median of each figure over the runs, taken figure by figure. */
  median: RunFigures;
  /** Peak RSS of the server process over warm-up and runs (MiB). */
  peakRssMb: number;
  /**
   * The machine's 1-minute load average when the cell ended. Above 2 (two cores) something else
   * was running: requests/s and latency are then not the server's alone; CPU per query still is.
   */
  loadAverage: number;
}

export interface CellPlan {
  request: LoadRequest;
  connections: number;
  warmupSeconds: number;
  runSeconds: number;
  runs: number;
  /**
   * The measured server's pid (for the upstream variant, the sandbox's); a federated variant's
   * router and subgraphs, measured together.
   */
  pids: number[];
  sandbox: SandboxControl;
  /**
   * Queries the server dropped without running them so far (the gateway's waiting operations
   * whose client left: the closed loop's last requests, when the run stops while they wait).
   */
  droppedQueries?: () => Promise<number>;
  /** Operations served so far by the subgraphs behind a router (see operationsServed). */
  subgraphOperations?: () => Promise<number>;
}

/** The gateway's count of waiting operations it dropped because their client left. */
export function gatewayDroppedQueries(origin: string): () => Promise<number> {
  return async () => {
    const text = await (await fetch(`${origin}/metrics`)).text();
    const line = /^graphql_operations_refused_total\{reason="client-closed"\} (\d+)$/m.exec(text);
    return Number(line?.[1] ?? 0);
  };
}

/**
 * Waits until the server has finished work left from the previous cell: a closed-loop client
 * that stops abandons its last requests, but the server still resolves them (a naive N+1 query
 * can keep it busy for seconds), and that work must not land in the next cell's figures.
 */
export async function waitForIdle(
  pids: number[],
  sandbox: SandboxControl,
  maxMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + maxMs;
  let cpu = readProcGroupSample(pids).cpuMs;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    const now = readProcGroupSample(pids).cpuMs;
    // Idle: under 2% of a core over the last half second.
    if (now - cpu <= 10) break;
    cpu = now;
  }
  await sandbox.settledTotal();
}

/**
 * One cell measured a run at a time, so that the cells of the variants of one scenario can take
 * turns (`npm run bench` measures gateway, peer and limit run by run): this machine's speed
 * drifts by up to a third within minutes, and variants measured one after the other for minutes
 * each compared a fast minute with a slow one.
 */
export class CellMeasurement {
  private readonly runs: RunFigures[] = [];

  constructor(private readonly plan: CellPlan) {}

  /** Lets the server settle, starts its peak RSS afresh and warms it up. */
  async warmUp(): Promise<void> {
    const { plan } = this;
    await waitForIdle(plan.pids, plan.sandbox);
    for (const pid of plan.pids) resetPeakRss(pid);
    if (plan.warmupSeconds > 0) await runLoad(plan.request, plan.connections, plan.warmupSeconds);
  }

  async measureRun(): Promise<void> {
    const { plan } = this;
    await waitForIdle(plan.pids, plan.sandbox);
    const upstreamBefore = await plan.sandbox.settledTotal();
    const droppedBefore = (await plan.droppedQueries?.()) ?? 0;
    const fetchesBefore = await plan.subgraphOperations?.();
    const cpuBefore = readProcGroupSample(plan.pids).cpuMs;
    const routerBefore = readProcGroupSample(plan.pids.slice(0, 1)).cpuMs;
    const load = await runLoad(plan.request, plan.connections, plan.runSeconds);
    // In a closed loop each connection has exactly one query in flight when the run stops; the
    // server still finishes those, so the run's work is that of completed + connections queries,
    // all of it counted once the server is idle again; less those the server dropped unrun
    // because they were still waiting for a slot when their connection closed.
    await waitForIdle(plan.pids, plan.sandbox);
    const cpuAfter = readProcGroupSample(plan.pids).cpuMs;
    const routerAfter = readProcGroupSample(plan.pids.slice(0, 1)).cpuMs;
    const fetchesAfter = await plan.subgraphOperations?.();
    const upstreamRequests = (await plan.sandbox.settledTotal()) - upstreamBefore;
    const dropped = ((await plan.droppedQueries?.()) ?? 0) - droppedBefore;
    const started = load.requests + plan.connections - dropped;
    this.runs.push({
      ...load,
      upstreamRequests,
      upstreamPerQuery: upstreamRequests / started,
      cpuMsPerQuery: (cpuAfter - cpuBefore) / started,
      ...(plan.pids.length > 1
        ? { routerCpuMsPerQuery: (routerAfter - routerBefore) / started }
        : {}),
      ...(fetchesBefore !== undefined && fetchesAfter !== undefined
        ? { subgraphFetchesPerQuery: (fetchesAfter - fetchesBefore) / started }
        : {}),
    });
  }

  figures(): CellFigures {
    return {
      runs: this.runs,
      median: medianOf(this.runs),
      peakRssMb: readProcGroupSample(this.plan.pids).peakRssMb,
      loadAverage: loadavg()[0] ?? 0,
    };
  }
}

/** The median of `values` (the mean of the middle two for an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? 0)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function medianOf(runs: RunFigures[]): RunFigures {
  const keys = Object.keys(runs[0] ?? {}) as Array<keyof RunFigures>;
  return Object.fromEntries(
    keys.map((k) => [k, median(runs.map((r) => r[k] ?? 0))]),
  ) as unknown as RunFigures;
}

export interface SoakFigures {
  seconds: number;
  connections: number;
  requests: number;
  /**
   * RSS 10 s into the soak (MiB): between the warm-up and the soak the server drains and its RSS
   * dips, so the sample at 0 s would count the ramp back to load as growth.
   */
  startRssMb: number;
  endRssMb: number;
  peakRssMb: number;
  /** Last sample against the start one; the target is judged on soak-growth.ts's window means. */
  growthPercent: number;
  samples: Array<{ atSeconds: number; rssMb: number }>;
}

/** A long run at constant load, sampling RSS every 10 s, to see whether memory keeps growing. */
export async function soak(plan: CellPlan & { seconds: number }): Promise<SoakFigures> {
  await runLoad(plan.request, plan.connections, Math.max(plan.warmupSeconds, 5));
  for (const pid of plan.pids) resetPeakRss(pid);
  const samples: SoakFigures['samples'] = [
    { atSeconds: 0, rssMb: readProcGroupSample(plan.pids).rssMb },
  ];
  const started = Date.now();
  const timer = setInterval(() => {
    samples.push({
      atSeconds: Math.round((Date.now() - started) / 1000),
      rssMb: readProcGroupSample(plan.pids).rssMb,
    });
  }, 10_000);
  const load = await runLoad(plan.request, plan.connections, plan.seconds);
  clearInterval(timer);
  const end = readProcGroupSample(plan.pids);
  samples.push({ atSeconds: Math.round((Date.now() - started) / 1000), rssMb: end.rssMb });
  const startRssMb = (samples.find((s) => s.atSeconds >= 10) ?? samples[0])?.rssMb ?? end.rssMb;
  return {
    seconds: plan.seconds,
    connections: plan.connections,
    requests: load.requests,
    startRssMb,
    endRssMb: end.rssMb,
    peakRssMb: end.peakRssMb,
    growthPercent: ((end.rssMb - startRssMb) / startRssMb) * 100,
    samples,
  };
}
