import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import type { SoakFigures } from './measure.js';
import type { BenchOptions } from './options.js';
import { ROOT } from './servers.js';
import { soakGrowth } from './soak-growth.js';
import { checkTargets } from './targets.js';
import type { MemoryFigures } from './memory.js';
import type { CellResult, Machine, RunRecord } from './run-record.js';

/** Results of a run: the JSON record, the generated part of RESULTS.md, and the chart. */

const START = '<!-- generated:start -->';
const END = '<!-- generated:end -->';

export async function writeResults(args: {
  startedAt: Date;
  options: BenchOptions;
  cells: CellResult[];
  soak: SoakFigures | undefined;
  memory: MemoryFigures[] | undefined;
  chart: (record: RunRecord, pngPath: string) => Promise<void>;
}): Promise<{ json: string; markdown: string }> {
  const record: RunRecord = {
    startedAt: args.startedAt.toISOString(),
    machine: machine(),
    // The URL may carry a password: the record only says which kind of store the gateway used.
    options: { ...args.options, databaseUrl: args.options.databaseUrl ? 'PostgreSQL' : undefined },
    cells: args.cells,
    soak: args.soak,
    memory: args.memory,
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
  lines.push(
    '### Targets (upstream latency 0 ms unless stated; rows without "met" are reported figures)',
  );
  lines.push('');
  lines.push('| target | measured | met |');
  lines.push('|---|---|---|');
  for (const t of r.targets)
    lines.push(
      `| ${t.target} | ${t.measured} | ${t.met === undefined ? '' : t.met ? 'yes' : '**no**'} |`,
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
