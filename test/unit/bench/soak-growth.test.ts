import { describe, expect, it } from 'vitest';
import { soakGrowth, type SoakSample } from '../../../bench/harness/soak-growth.js';

/** A sample every 10 s for 300 s: a sawtooth band around a base that may rise. */
function soak(base: (t: number) => number, band: number[]): SoakSample[] {
  const samples: SoakSample[] = [];
  for (let t = 0, i = 0; t <= 300; t += 10, i++)
    samples.push({ atSeconds: t, rssMb: base(t) + band[i % band.length]! });
  return samples;
}

// Where each sample falls in the collector's cycle: the band is 40 MiB wide.
const BAND = [0, 25, 8, 40, 14, 3, 31, 19];

describe('bench soak growth', () => {
  it('finds no growth in a flat band, where the first and last samples alone differ by 40 MiB', () => {
    const samples = soak(() => 170, BAND);
    samples[1] = { atSeconds: 10, rssMb: 170 };
    samples[samples.length - 1] = { atSeconds: 300, rssMb: 210 };
    const growth = soakGrowth(samples)!;
    expect(growth.windowSeconds).toBe(60);
    expect(Math.abs(growth.windowGrowthPercent)).toBeLessThan(6);
  });

  it('measures a steady rise of the band', () => {
    // +20% over the soak: 170 → 204 MiB at the base.
    const growth = soakGrowth(soak((t) => 170 * (1 + (0.2 * t) / 300), BAND))!;
    expect(growth.windowGrowthPercent).toBeGreaterThan(12);
    expect(growth.lastWindowMeanMb).toBeGreaterThan(growth.firstWindowMeanMb);
  });

  it('leaves out the first 10 s and narrows the windows of a short soak', () => {
    const samples: SoakSample[] = [
      { atSeconds: 0, rssMb: 100 },
      { atSeconds: 10, rssMb: 200 },
      { atSeconds: 20, rssMb: 200 },
      { atSeconds: 30, rssMb: 220 },
      { atSeconds: 50, rssMb: 220 },
    ];
    const growth = soakGrowth(samples)!;
    expect(growth.windowSeconds).toBe(10);
    expect(growth.firstWindowMeanMb).toBe(200);
    expect(growth.lastWindowMeanMb).toBe(220);
    expect(soakGrowth([{ atSeconds: 0, rssMb: 100 }])).toBeUndefined();
  });
});
