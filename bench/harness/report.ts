import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import type { CellFigures, SoakFigures } from './measure.js';
import type { BenchOptions } from './options.js';
import { ROOT } from './servers.js';
import { soakGrowth } from './soak-growth.js';

/** Results of a run: the JSON record, the generated part of RESULTS.md, and the chart. */

export interface CellResult {
  scenario: string;
  variant: string;
  latencyMs: number;
  connections: number;
  figures?: CellFigures;
  notApplicable?: string;
  error?: string;
  /** For the limit: whether its JSON equals the gateway's answer to the same scenario. */
  sameJsonAsGateway?: boolean | undefined;
  /** For the batched peer: whether its answer's data equals the peer's. */
  sameDataAsPeer?: boolean | undefined;
}

export interface Machine {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  commit: string;
}

export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean | undefined;
}

export interface RunRecord {
  startedAt: string;
  machine: Machine;
  options: BenchOptions;
  cells: CellResult[];
  soak: SoakFigures | undefined;
  targets: TargetCheck[];
}

const START = '<!-- generated:start -->';
const END = '<!-- generated:end -->';

export async function writeResults(args: {
  startedAt: Date;
  options: BenchOptions;
  cells: CellResult[];
  soak: SoakFigures | undefined;
  chart: (record: RunRecord, pngPath: string) => Promise<void>;
}): Promise<{ json: string; markdown: string }> {
  const record: RunRecord = {
    startedAt: args.startedAt.toISOString(),
    machine: machine(),
    // The URL may carry a password: the record only says which kind of store the gateway used.
    options: { ...args.options, databaseUrl: args.options.databaseUrl ? 'PostgreSQL' : undefined },
    cells: args.cells,
    soak: args.soak,
    targets: [],
  };
  // A run of a subset of the matrix never replaces the day's full record.
  const partial = args.options.soakOnly
    ? '-soak'
    : args.options.scenarios || args.options.variants
      ? '-partial'
      : '';
  const name =
    args.startedAt.toISOString().slice(0, 10) + (args.options.quick ? '-quick' : partial);
  const json = join(ROOT, 'bench/results', `${name}.json`);
  writeFileSync(json, JSON.stringify({ ...record, targets: checkTargets(record) }, null, 2) + '\n');
  const markdown = await renderReport(record, name, args.chart);
  return { json, markdown };
}

/**
 * The chart and the generated part of RESULTS.md for a run record (also used by bench/report.ts
 * to render a stored results file again).
 */
export async function renderReport(
  record: RunRecord,
  name: string,
  chart: (record: RunRecord, pngPath: string) => Promise<void>,
): Promise<string> {
  record.targets = checkTargets(record);
  const png = join(ROOT, 'bench/results', `${name}.png`);
  let chartNote = `![requests/s and CPU per query by variant](results/${name}.png)`;
  try {
    await chart(record, png);
  } catch (error) {
    chartNote = `(chart not rendered: ${(error as Error).message})`;
  }
  const markdown = join(ROOT, 'bench/RESULTS.md');
  const generated = renderMarkdown(record, `results/${name}.json`, chartNote);
  const current = existsSync(markdown)
    ? readFileSync(markdown, 'utf8')
    : `# Benchmark results\n\n${START}\n${END}\n`;
  const start = current.indexOf(START);
  const end = current.indexOf(END);
  const next =
    start >= 0 && end > start
      ? current.slice(0, start + START.length) + '\n' + generated + '\n' + current.slice(end)
      : current + `\n${START}\n${generated}\n${END}\n`;
  // Formatted as the repository's prettier check expects, so a fresh run keeps CI green.
  const prettier = await import('prettier');
  const config = (await prettier.resolveConfig(markdown)) ?? {};
  writeFileSync(markdown, await prettier.format(next, { ...config, parser: 'markdown' }));
  return markdown;
}

function machine(): Machine {
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: ROOT,
      encoding: 'utf8',
    }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'schema'], {
      cwd: ROOT,
      encoding: 'utf8',
    }).trim();
    if (dirty) commit += ' (with uncommitted changes in src/ or schema/)';
  } catch {
    // Not a git checkout: the commit stays unknown.
  }
  return {
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    commit,
  };
}

const find = (
  r: RunRecord,
  scenario: string,
  variant: string,
  latencyMs: number,
  connections: number,
) =>
  r.cells.find(
    (c) =>
      c.scenario === scenario &&
      c.variant === variant &&
      c.latencyMs === latencyMs &&
      c.connections === connections,
  )?.figures;

function checkTargets(r: RunRecord): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const fmt = (n: number, digits = 2) => n.toFixed(digits);
  for (const c of r.options.connections) {
    if (!r.options.latenciesMs.includes(0)) break;
    const s2 = find(r, 's2', 'gateway', 0, c);
    const s2peer = find(r, 's2', 'peer', 0, c);
    const s2limit = find(r, 's2', 'limit', 0, c);
    const s1 = find(r, 's1', 'gateway', 0, c);
    const s1peer = find(r, 's1', 'peer', 0, c);
    if (s2) {
      checks.push({
        target: `s2 c${c}: ≤ 3 upstream requests per query`,
        measured: fmt(s2.median.upstreamPerQuery),
        met: s2.median.upstreamPerQuery <= 3,
      });
      checks.push({
        target: `s2 c${c}: gateway CPU ≤ 3 ms per query`,
        measured: `${fmt(s2.median.cpuMsPerQuery, 3)} ms${s2limit ? ` (the limit: ${fmt(s2limit.median.cpuMsPerQuery, 3)} ms)` : ''}`,
        met: s2.median.cpuMsPerQuery <= 3,
      });
    }
    if (s2 && s2peer) {
      const ratio = s2.median.requestsPerSecond / Math.max(s2peer.median.requestsPerSecond, 1e-9);
      checks.push({
        target: `s2 c${c}: ≥ 20× the peer's requests/s`,
        measured:
          s2peer.median.requests > 0
            ? `${fmt(ratio, 1)}×`
            : `the peer completed no query within a run (gateway ${fmt(s2.median.requestsPerSecond, 0)}/s)`,
        met: ratio >= 20,
      });
    }
    if (s2 && s2limit) {
      const share = s2.median.requestsPerSecond / Math.max(s2limit.median.requestsPerSecond, 1e-9);
      checks.push({
        target: `s2 c${c}: ≥ 50% of the limit's requests/s`,
        measured: `${fmt(share * 100, 0)}%`,
        met: share >= 0.5,
      });
    }
    if (s1) {
      checks.push({
        target: `s1 c${c}: gateway CPU ≤ 0.6 ms per query`,
        measured: `${fmt(s1.median.cpuMsPerQuery, 3)} ms`,
        met: s1.median.cpuMsPerQuery <= 0.6,
      });
    }
    if (s1 && s1peer) {
      const ratio = s1.median.requestsPerSecond / Math.max(s1peer.median.requestsPerSecond, 1e-9);
      checks.push({
        target: `s1 c${c}: ≥ 2× the peer's requests/s`,
        measured: `${fmt(ratio, 1)}×`,
        met: ratio >= 2,
      });
    }
  }
  for (const c of [
    ...new Set([...(r.options.latencyConnections ?? []), ...r.options.connections]),
  ]) {
    const s2slow = find(r, 's2', 'gateway', 20, c);
    const limitSlow = find(r, 's2', 'limit', 20, c);
    if (s2slow) {
      checks.push({
        target: `s2 c${c} at 20 ms upstream latency: p50 ≤ 45 ms`,
        measured: `${s2slow.median.p50Ms} ms${limitSlow ? ` (the limit: ${limitSlow.median.p50Ms} ms)` : ''}`,
        met: s2slow.median.p50Ms <= 45,
      });
    }
  }
  // The target is stated for 0 ms upstreams; 20 ms keeps more queries in flight, so it is shown too.
  for (const latencyMs of [0, 20]) {
    const c50 = r.cells.filter(
      (c) =>
        c.variant === 'gateway' && c.connections === 50 && c.latencyMs === latencyMs && c.figures,
    );
    if (c50.length === 0) continue;
    // Peak RSS is read in MiB; the target is in MB (10^6 bytes).
    const highest = c50.reduce((a, b) =>
      (b.figures?.peakRssMb ?? 0) > (a.figures?.peakRssMb ?? 0) ? b : a,
    );
    const peak = highest.figures?.peakRssMb ?? 0;
    const peakMb = (peak * 1_048_576) / 1_000_000;
    checks.push({
      target: `peak RSS ≤ 200 MB at 50 connections${latencyMs > 0 ? ` at ${latencyMs} ms upstream latency` : ''}`,
      measured: `${fmt(peakMb, 0)} MB (${fmt(peak, 0)} MiB), the highest of every scenario (${highest.scenario})`,
      met: peakMb <= 200,
    });
  }
  if (r.soak) {
    // Judged on the windows' means (see soak-growth.ts); the two single samples are shown too.
    const growth = soakGrowth(r.soak.samples);
    const samples = `first and last sample ${fmt(r.soak.growthPercent, 1)}% (${fmt(r.soak.startRssMb, 0)} → ${fmt(r.soak.endRssMb, 0)} MiB)`;
    checks.push({
      target: `soak (${r.soak.seconds} s, c${r.soak.connections}): RSS grows < 10%`,
      measured: growth
        ? `${fmt(growth.windowGrowthPercent, 1)}% (${fmt(growth.windowSeconds, 0)} s means ${fmt(growth.firstWindowMeanMb, 0)} → ${fmt(growth.lastWindowMeanMb, 0)} MiB); ${samples}`
        : samples,
      met: (growth?.windowGrowthPercent ?? r.soak.growthPercent) < 10,
    });
  } else {
    checks.push({
      target: '5-minute soak at 50 connections: RSS grows < 10%',
      measured: 'not run (BENCH_SOAK_SECONDS=0)',
      met: undefined,
    });
  }
  return checks;
}

function renderMarkdown(r: RunRecord, jsonPath: string, chartNote: string): string {
  const o = r.options;
  const lines: string[] = [];
  lines.push(`## Latest run: ${r.startedAt}${o.quick ? ' (QUICK smoke run: rough figures)' : ''}`);
  lines.push('');
  lines.push(
    `Machine: ${r.machine.cpuModel}, ${r.machine.cores} cores, ${r.machine.memoryGiB} GiB; Node ${r.machine.node}; commit ${r.machine.commit}.`,
  );
  lines.push(
    `Parameters: warm-up ${o.warmupSeconds} s, ${o.runs} runs × ${o.runSeconds} s (median), connections ${o.connections.join(' and ')}, ` +
      `upstream latency ${o.latenciesMs.join(' and ')} ms; gateway store ${o.databaseUrl ? 'PostgreSQL' : 'PGlite (embedded, the `npm start` default)'}; ` +
      `gateway LOG_LEVEL=warn; every variant started afresh for each scenario; measured server on core ${o.serverCpu}, load generator and sandbox on core ${o.loadCpu}. ` +
      `Raw figures: [\`${jsonPath}\`](${jsonPath}).`,
  );
  lines.push('');
  lines.push(chartNote);
  lines.push('');
  lines.push('### Targets (upstream latency 0 ms unless stated)');
  lines.push('');
  lines.push('| target | measured | met |');
  lines.push('|---|---|---|');
  for (const t of r.targets)
    lines.push(
      `| ${t.target} | ${t.measured} | ${t.met === undefined ? 'not measured' : t.met ? 'yes' : '**no**'} |`,
    );
  for (const latency of o.latenciesMs) {
    lines.push('');
    lines.push(`### Upstream latency ${latency} ms`);
    lines.push('');
    lines.push(
      '| scenario | variant | conns | req/s | p50 ms | p99 ms | non-2xx | mismatches | upstream req/query | CPU ms/query | peak RSS MiB | load avg |',
    );
    lines.push('|---|---|---|---|---|---|---|---|---|---|---|---|');
    for (const c of r.cells.filter((x) => x.latencyMs === latency)) {
      const head = `| ${c.scenario} | ${c.variant} | ${c.connections} |`;
      if (c.notApplicable) {
        lines.push(`${head} n/a: ${c.notApplicable} |||||||||`);
      } else if (c.error) {
        lines.push(
          `${head} not measured: wrong answer (${escape(c.error.slice(0, 160))}) ||||||||`,
        );
      } else if (c.figures) {
        const m = c.figures.median;
        const same =
          (c.sameJsonAsGateway === false ? ' (JSON differs from the gateway)' : '') +
          (c.sameDataAsPeer === false ? " (data differs from the peer's)" : '');
        // With no query completed in a run, per-query figures would divide by nothing.
        const perQuery =
          m.requests > 0
            ? `${m.p50Ms} | ${m.p99Ms} | ${m.non2xx} | ${m.mismatches} | ${m.upstreamPerQuery.toFixed(2)} | ${m.cpuMsPerQuery.toFixed(3)}`
            : `no query completed within a run (${m.upstreamRequests} upstream requests started) |||||`;
        lines.push(
          `${head} ${m.requestsPerSecond.toFixed(m.requestsPerSecond < 10 ? 1 : 0)}${same} | ${perQuery} | ` +
            `${c.figures.peakRssMb.toFixed(0)} | ${c.figures.loadAverage.toFixed(1)} |`,
        );
      }
    }
  }
  if (r.soak) {
    const growth = soakGrowth(r.soak.samples);
    lines.push('');
    lines.push(
      `Soak: s2 on the gateway, ${r.soak.connections} connections for ${r.soak.seconds} s (${r.soak.requests} requests): ` +
        `RSS ${r.soak.startRssMb.toFixed(0)} → ${r.soak.endRssMb.toFixed(0)} MiB (${r.soak.growthPercent.toFixed(1)}%), peak ${r.soak.peakRssMb.toFixed(0)} MiB` +
        (growth
          ? `; the last ${growth.windowSeconds.toFixed(0)} s's mean against the first's: ${growth.windowGrowthPercent.toFixed(1)}%.`
          : '.'),
    );
  }
  return lines.join('\n');
}

const escape = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
