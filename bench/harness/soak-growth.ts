/**
 * How much a soak's RSS grew. The server's RSS is a sawtooth (a mark-compact every few hundred
 * milliseconds under load, the band 40 MiB wide at 50 connections), and samples every 10 s fall
 * at random points of it, so one sample against another measures where each fell as much as any
 * growth. The mean of the first minute against the mean of the last compares a trend instead.
 * The first 10 s are left out: the server ramps back up from the pause before the soak.
 */

export interface SoakSample {
  atSeconds: number;
  rssMb: number;
}

export interface SoakGrowth {
  /** Seconds each window spans: a minute, or a quarter of a shorter soak. */
  windowSeconds: number;
  firstWindowMeanMb: number;
  lastWindowMeanMb: number;
  /** Last window's mean against the first's, in percent. */
  windowGrowthPercent: number;
}

const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;

export function soakGrowth(samples: readonly SoakSample[]): SoakGrowth | undefined {
  const steady = samples.filter((s) => s.atSeconds >= 10);
  if (steady.length < 2) return undefined;
  const start = steady[0]!.atSeconds;
  const end = steady[steady.length - 1]!.atSeconds;
  const windowSeconds = Math.min(60, (end - start) / 4);
  const first = steady.filter((s) => s.atSeconds <= start + windowSeconds).map((s) => s.rssMb);
  const last = steady.filter((s) => s.atSeconds >= end - windowSeconds).map((s) => s.rssMb);
  const firstWindowMeanMb = mean(first);
  const lastWindowMeanMb = mean(last);
  return {
    windowSeconds,
    firstWindowMeanMb,
    lastWindowMeanMb,
    windowGrowthPercent: ((lastWindowMeanMb - firstWindowMeanMb) / firstWindowMeanMb) * 100,
  };
}
