/**
 * The gateway and the limit handler loaded at the same time on the server core, for the targets
 * that compare their CPU per query.
 *
 * Why: measured in turns, one run of a variant meets a fast minute of this shared machine and the
 * next a slow one. In the run of 2026-12-07 the gateway's three s1 runs at 10 connections gave
 * 0.724, 0.927 and 1.230 ms per query, so a ratio of two medians moved by more than the targets'
 * margins. Loaded together, whatever slows the machine slows both, as `npm run bench:ab` does for
 * two builds: the ratio of each round is steady to a few percent. The absolute figures are not
 * the turns' (two servers share one core; each round's clients keep both busy).
 */
import { runLoad, type LoadRequest } from './load.js';
import { median, waitForIdle } from './measure.js';
import { readProcGroupSample } from './proc-stats.js';
import type { SandboxControl } from './sandbox-control.js';

export interface PairedSide {
  request: LoadRequest;
  pids: number[];
  /** Queries this server dropped unrun so far (see CellPlan.droppedQueries). */
  droppedQueries?: () => Promise<number>;
}

export interface PairedRound {
  gatewayCpuMsPerQuery: number;
  limitCpuMsPerQuery: number;
  /** The gateway's CPU per query ÷ the limit handler's, in this round. */
  ratio: number;
  gatewayRequestsPerSecond: number;
  limitRequestsPerSecond: number;
  /** Non-2xx answers, transport errors and mismatched bodies of both, which void a round. */
  failures: number;
}

export interface PairedFigures {
  connections: number;
  rounds: PairedRound[];
  /** The median of the rounds' ratios. */
  medianRatio: number;
}

export interface PairedPlan {
  gateway: PairedSide;
  limit: PairedSide;
  /** Each side's clients: both servers get as many. */
  connections: number;
  warmupSeconds: number;
  runSeconds: number;
  rounds: number;
  sandbox: SandboxControl;
}

export async function measurePaired(plan: PairedPlan): Promise<PairedFigures> {
  const sides = [plan.gateway, plan.limit] as const;
  const pids = sides.flatMap((s) => s.pids);
  const loadBoth = (seconds: number) =>
    Promise.all(sides.map((s) => runLoad(s.request, plan.connections, seconds)));
  await waitForIdle(pids, plan.sandbox);
  // Both were warmed up by their turns; this settles them into sharing the core.
  if (plan.warmupSeconds > 0) await loadBoth(plan.warmupSeconds);
  const rounds: PairedRound[] = [];
  for (let round = 0; round < plan.rounds; round += 1) {
    await waitForIdle(pids, plan.sandbox);
    const cpuBefore = sides.map((s) => readProcGroupSample(s.pids).cpuMs);
    const droppedBefore = await Promise.all(sides.map((s) => s.droppedQueries?.() ?? 0));
    const loads = await loadBoth(plan.runSeconds);
    // As in CellMeasurement: idle to idle, over the queries started (each connection's last one
    // is finished by the server after the run stops), less those dropped unrun.
    await waitForIdle(pids, plan.sandbox);
    const perQuery = await Promise.all(
      sides.map(async (s, i) => {
        const dropped = ((await s.droppedQueries?.()) ?? 0) - droppedBefore[i]!;
        const started = loads[i]!.requests + plan.connections - dropped;
        return (readProcGroupSample(s.pids).cpuMs - cpuBefore[i]!) / started;
      }),
    );
    const [gatewayCpuMsPerQuery, limitCpuMsPerQuery] = perQuery as [number, number];
    rounds.push({
      gatewayCpuMsPerQuery,
      limitCpuMsPerQuery,
      ratio: gatewayCpuMsPerQuery / limitCpuMsPerQuery,
      gatewayRequestsPerSecond: loads[0]!.requestsPerSecond,
      limitRequestsPerSecond: loads[1]!.requestsPerSecond,
      failures: loads.reduce((n, l) => n + l.non2xx + l.errors + l.mismatches, 0),
    });
  }
  return { connections: plan.connections, rounds, medianRatio: median(rounds.map((r) => r.ratio)) };
}
