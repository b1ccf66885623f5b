import { describe, expect, it } from 'vitest';
import type { CellFigures, RunFigures } from '../../../bench/harness/measure.js';
import type { BenchOptions } from '../../../bench/harness/options.js';
import type { PairedFigures } from '../../../bench/harness/paired.js';
import type { CellResult, RunRecord } from '../../../bench/harness/run-record.js';
import { checkTargets } from '../../../bench/harness/targets.js';

function figures(cpuMsPerQuery: number): CellFigures {
  const run: RunFigures = {
    requests: 1000,
    requestsPerSecond: 1000,
    p50Ms: 1,
    p99Ms: 2,
    non2xx: 0,
    errors: 0,
    mismatches: 0,
    upstreamRequests: 2000,
    upstreamPerQuery: 2,
    cpuMsPerQuery,
  };
  return { runs: [run], median: run, peakRssMb: 100, loadAverage: 1 };
}

function paired(ratios: number[]): PairedFigures {
  return {
    connections: 10,
    rounds: ratios.map((ratio) => ({
      gatewayCpuMsPerQuery: ratio * 0.2,
      limitCpuMsPerQuery: 0.2,
      ratio,
      gatewayRequestsPerSecond: 500,
      limitRequestsPerSecond: 1500,
      failures: 0,
    })),
    medianRatio: [...ratios].sort((a, b) => a - b)[Math.floor(ratios.length / 2)]!,
  };
}

function record(gateway: CellResult, limitCpu: number): RunRecord {
  const base = { scenario: 's1', latencyMs: 0, connections: 10 };
  return {
    startedAt: '2026-12-07T00:00:00Z',
    machine: { cpuModel: 'test', cores: 2, memoryGiB: 4, node: 'v20', commit: 'abc' },
    options: { latenciesMs: [0], connections: [10] } as BenchOptions,
    cells: [gateway, { ...base, variant: 'limit', figures: figures(limitCpu) }],
    soak: undefined,
    targets: [],
  };
}

const s1Row = (r: RunRecord) =>
  checkTargets(r).find((t) => t.target.startsWith('s1 c10: CPU per query'));

describe('bench CPU targets against the limit handler', () => {
  const gatewayCell = { scenario: 's1', variant: 'gateway', latencyMs: 0, connections: 10 };

  it('judges on the side-by-side median where the run measured it, the turns shown beside', () => {
    // In turns 2.0× (a slow minute for the limit); side by side 1.3×, 1.4× and 1.6×.
    const row = s1Row(
      record(
        { ...gatewayCell, figures: figures(0.4), pairedWithLimit: paired([1.6, 1.3, 1.4]) },
        0.2,
      ),
    );
    expect(row?.met).toBe(true);
    expect(row?.measured).toMatch(/^1\.40× side by side \(rounds 1\.30–1\.60;/);
    expect(row?.measured).toContain('in turns 2.00× (0.400 ms against 0.200 ms)');
  });

  it('fails the target when the side-by-side median is past it, whatever the turns say', () => {
    const row = s1Row(
      record({ ...gatewayCell, figures: figures(0.28), pairedWithLimit: paired([3.1, 3.3]) }, 0.2),
    );
    expect(row?.met).toBe(false);
  });

  it('falls back to the turns where there is no side-by-side measurement', () => {
    const row = s1Row(record({ ...gatewayCell, figures: figures(0.28) }, 0.2));
    expect(row?.met).toBe(true);
    expect(row?.measured).toBe('1.40× (0.280 ms against 0.200 ms)');
  });
});

describe('bench peer rows', () => {
  const s2 = { scenario: 's2', latencyMs: 0, connections: 10 };
  const peerFigures = (requests: number, errors: number, non2xx = 0): CellFigures => {
    const f = figures(400);
    const run = { ...f.median, requests, requestsPerSecond: requests / 6, errors, non2xx };
    return { ...f, runs: [run], median: run };
  };
  const rows = (peer: CellFigures) =>
    checkTargets({
      ...record({ ...s2, variant: 'gateway', figures: figures(8) }, 6),
      cells: [
        { ...s2, variant: 'gateway', figures: figures(8) },
        { ...s2, variant: 'peer', figures: peer },
        { ...s2, variant: 'peer-batched', figures: peer },
      ],
    });

  it('says a peer that completed no query was not measured instead of dividing by it', () => {
    for (const peer of [peerFigures(0, 0), peerFigures(9, 9)]) {
      const found = rows(peer).filter((t) => t.target.includes('peer'));
      expect(found).toHaveLength(2);
      for (const row of found) {
        expect(row.measured).toMatch(/^not measured: the peer completed no query in a run/);
        expect(row.met).toBeUndefined();
      }
    }
  });

  it('shows the ratio for a peer that answered, non-2xx answers with data included', () => {
    const found = rows(peerFigures(120, 0, 120));
    const batched = found.find((t) => t.target.includes('batched peer'));
    expect(batched?.measured).toMatch(/^50\.0× \(1000 against 20\.0\/s/);
    expect(batched?.met).toBe(true);
    const unbatched = found.find((t) => t.target.includes('unbatched peer'));
    expect(unbatched?.measured).toMatch(/^50\.0× its requests\/s \(20\.0\/s/);
  });
});
