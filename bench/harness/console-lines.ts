import type { CellFigures } from './measure.js';
import type { PairedFigures } from './paired.js';
import type { BenchOptions } from './options.js';

/** The lines `npm run bench` prints as it goes: its parameters, then each cell as measured. */

export function describeOptions(o: BenchOptions): void {
  console.log(
    `bench: ${o.quick ? 'QUICK smoke run' : 'full run'}: warm-up ${o.warmupSeconds} s, ${o.runs} × ${o.runSeconds} s, ` +
      `connections ${o.connections.join('/')}, latency ${o.latenciesMs.join('/')} ms, soak ${o.soakSeconds} s; ` +
      `server on core ${o.serverCpu}, load + sandbox on core ${o.loadCpu}`,
  );
}

export function printCell(
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
      `cpu ${m.cpuMsPerQuery.toFixed(3)} ms/q${routerPart(m)}  peak ${f.peakRssMb.toFixed(0)} MiB  load ${f.loadAverage.toFixed(1)}`,
  );
}

/** The gateway's CPU per query against the limit handler's, loaded together (paired.ts). */
export function printPaired(scenario: string, latencyMs: number, p: PairedFigures): void {
  const rounds = p.rounds
    .map((r) => `${r.gatewayCpuMsPerQuery.toFixed(3)}/${r.limitCpuMsPerQuery.toFixed(3)}`)
    .join(', ');
  const failures = p.rounds.reduce((n, r) => n + r.failures, 0);
  console.log(
    `  ${scenario} gateway÷limit side by side ${String(latencyMs).padStart(2)}ms c${String(p.connections).padEnd(3)} ` +
      `CPU ratio ${p.medianRatio.toFixed(2)} (ms/q gateway/limit by round: ${rounds})` +
      (failures > 0 ? `  failed answers ${failures}` : ''),
  );
}

/** A router's own CPU and its subgraph fetches, when its subgraphs are processes of their own. */
function routerPart(m: CellFigures['median']): string {
  if (m.routerCpuMsPerQuery === undefined) return '';
  const fetches = m.subgraphFetchesPerQuery;
  return ` (router ${m.routerCpuMsPerQuery.toFixed(3)}${fetches === undefined ? '' : `, ${fetches.toFixed(2)} fetches/q`})`;
}
