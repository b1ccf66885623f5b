import { mulberry32 } from '../framework.js';

/** Mixes a numeric seed with strings (company id, dataset) into a 32-bit seed (FNV-1a). */
export function hashSeed(seed: number, ...parts: string[]): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (const part of parts) {
    for (let i = 0; i < part.length; i++) {
      h ^= part.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    h ^= 0xff;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Deterministic random helpers over one PRNG stream. */
export class Seeded {
  private readonly next: () => number;

  constructor(seed: number) {
    this.next = mulberry32(seed);
  }

  float(): number {
    return this.next();
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  hex(length: number): string {
    let s = '';
    for (let i = 0; i < length; i++) s += Math.floor(this.next() * 16).toString(16);
    return s;
  }

  /** RFC 4122 version-4 shaped id. */
  uuid(): string {
    const h = this.hex(32);
    const variant = ((parseInt(h[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
}

/** Amounts are integers of 1/10000 (bigint), so sums and taxes stay exact. */
export const UNITS_PER_MAJOR = 10_000n;

/** `12.5`, `0.1`, `1234.5678`, `-3`: a JSON-number style decimal without trailing zeros. */
export function formatUnits(units: bigint): string {
  const negative = units < 0n;
  const abs = negative ? -units : units;
  const whole = abs / UNITS_PER_MAJOR;
  const frac = (abs % UNITS_PER_MAJOR).toString().padStart(4, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${frac ? `.${frac}` : ''}`;
}

/** `12.50`: two fixed decimals (money strings of APIs that send amounts as strings). */
export function formatUnitsFixed2(units: bigint): string {
  const negative = units < 0n;
  const cents = (negative ? -units : units) / 100n;
  const whole = cents / 100n;
  return `${negative ? '-' : ''}${whole}.${(cents % 100n).toString().padStart(2, '0')}`;
}

/** Price-like amount in whole cents between min and max (major units). */
export function randomCents(rng: Seeded, minMajor: number, maxMajor: number): bigint {
  return BigInt(rng.int(minMajor * 100, maxMajor * 100)) * 100n;
}

/** round(units * percent / 100) half away from zero, percent given in hundredths (2000 = 20%). */
export function percentOf(units: bigint, percentHundredths: number): bigint {
  const scaled = units * BigInt(percentHundredths);
  const divisor = 10_000n;
  const half = divisor / 2n;
  return scaled >= 0n ? (scaled + half) / divisor : -((-scaled + half) / divisor);
}

/** The generated history spans two years ending here, so data does not depend on today's date. */
export const HISTORY_START_MS = Date.UTC(2024, 0, 1);
export const HISTORY_END_MS = Date.UTC(2025, 11, 31);

/**
 * `count` creation times in ascending order across the history, with ties: roughly one in eight
 * records shares its timestamp with the previous one (bulk imports, same-second checkouts).
 */
export function creationTimes(rng: Seeded, count: number, tieRate = 0.12): number[] {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const previous = times[i - 1];
    if (previous !== undefined && rng.chance(tieRate)) {
      times.push(previous);
    } else {
      const t = HISTORY_START_MS + Math.floor(rng.float() * (HISTORY_END_MS - HISTORY_START_MS));
      times.push(Math.floor(t / 1000) * 1000);
    }
  }
  return times.sort((a, b) => a - b);
}

export const isoSeconds = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');
