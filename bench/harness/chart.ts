import { execFileSync } from 'node:child_process';
import { chromium } from 'playwright-core';
import type { RunRecord } from './run-record.js';

/**
 * The chart of a run: requests/s (log scale, the variants differ by orders of magnitude) and CPU
 * per query for each scenario and variant, at upstream latency 0 ms and the highest connection
 * count. Drawn as SVG and photographed by Debian's Chromium, so no charting package is needed.
 */

const COLORS: Record<string, string> = {
  gateway: '#2563eb',
  naive: '#93c5fd',
  cached: '#7c3aed',
  peer: '#dc2626',
  'peer-batched': '#f97316',
  limit: '#16a34a',
  upstream: '#6b7280',
  // Router plus subgraph CPU: the federated path beside the single process.
  'fed-whole': '#0891b2',
  'fed-whole-rust': '#5eead4',
};

interface Bar {
  scenario: string;
  variant: string;
  value: number;
}

export async function renderChart(record: RunRecord, pngPath: string): Promise<void> {
  const latency = Math.min(...record.options.latenciesMs);
  const connections = Math.max(...record.options.connections);
  const cells = record.cells.filter(
    (c) => c.latencyMs === latency && c.connections === connections && c.figures,
  );
  const rps: Bar[] = cells.map((c) => ({
    scenario: c.scenario,
    variant: c.variant,
    value: c.figures?.median.requestsPerSecond ?? 0,
  }));
  const cpu: Bar[] = cells
    .filter((c) => c.variant !== 'upstream')
    .map((c) => ({
      scenario: c.scenario,
      variant: c.variant,
      value: c.figures?.median.cpuMsPerQuery ?? 0,
    }));
  const title = `commerce-graph benchmark, ${record.startedAt.slice(0, 16)}Z, upstream latency ${latency} ms, ${connections} connections${record.options.quick ? ' (quick run)' : ''}`;
  const html = `<!doctype html><html><body style="margin:0;background:#fff;font-family:sans-serif">
<h3 style="margin:12px 16px">${title}</h3>
${panel('requests/s (log scale, higher is better)', rps, true)}
${panel('server CPU ms per query (log scale, lower is better)', cpu, true)}
<div style="margin:8px 16px">${Object.entries(COLORS)
    .filter(([v]) => cells.some((c) => c.variant === v))
    .map(
      ([v, c]) =>
        `<span style="display:inline-block;margin-right:16px"><span style="display:inline-block;width:12px;height:12px;background:${c}"></span> ${v}</span>`,
    )
    .join('')}</div></body></html>`;
  const executablePath = execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim();
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 720 } });
    await page.setContent(html);
    await page.screenshot({ path: pngPath, fullPage: true });
  } finally {
    await browser.close();
  }
}

function panel(label: string, bars: Bar[], log: boolean): string {
  const width = 1160;
  const height = 280;
  const left = 70;
  const bottom = 40;
  const plotHeight = height - bottom - 20;
  const scenarios = [...new Set(bars.map((b) => b.scenario))];
  const variants = Object.keys(COLORS).filter((v) => bars.some((b) => b.variant === v));
  const max = Math.max(...bars.map((b) => b.value), 1e-6);
  const min = log
    ? Math.max(Math.min(...bars.map((b) => b.value).filter((v) => v > 0), max) / 2, 0.1)
    : 0;
  const scale = (v: number) => {
    if (!log) return (v / max) * plotHeight;
    if (v <= 0) return 0;
    return (Math.log10(v / min) / Math.log10(max / min)) * plotHeight;
  };
  const groupWidth = (width - left - 10) / Math.max(scenarios.length, 1);
  const barWidth = Math.min(40, (groupWidth - 20) / Math.max(variants.length, 1));
  const parts: string[] = [];
  scenarios.forEach((scenario, i) => {
    const x0 = left + i * groupWidth + 10;
    variants.forEach((variant, j) => {
      const bar = bars.find((b) => b.scenario === scenario && b.variant === variant);
      if (!bar) return;
      const h = Math.max(scale(bar.value), 1);
      const x = x0 + j * barWidth;
      const y = height - bottom - h;
      const text =
        bar.value >= 100
          ? bar.value.toFixed(0)
          : bar.value >= 1
            ? bar.value.toFixed(1)
            : bar.value.toFixed(2);
      parts.push(
        `<rect x="${x}" y="${y}" width="${barWidth - 4}" height="${h}" fill="${COLORS[variant] ?? '#000'}"/>`,
      );
      parts.push(
        `<text x="${x + (barWidth - 4) / 2}" y="${y - 3}" font-size="10" text-anchor="middle">${text}</text>`,
      );
    });
    parts.push(
      `<text x="${x0 + (variants.length * barWidth) / 2}" y="${height - bottom + 16}" font-size="13" text-anchor="middle">${scenario}</text>`,
    );
  });
  return `<div style="margin:4px 16px"><div style="font-size:14px">${label}</div>
<svg width="${width}" height="${height}"><line x1="${left}" y1="${height - bottom}" x2="${width}" y2="${height - bottom}" stroke="#999"/>${parts.join('')}</svg></div>`;
}
