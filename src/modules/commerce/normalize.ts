import type { AddressKind, AddressModel, MoneyModel } from './model.js';

/**
 * Reading upstream values leniently: a missing or odd field becomes null, an unknown enum value
 * becomes UNKNOWN, a time without a zone is read as UTC and flagged. Nothing here throws on
 * upstream data.
 */

export type Json = Record<string, unknown>;

export const str = (v: unknown): string | null =>
  typeof v === 'string' ? (v.length > 0 ? v : null) : typeof v === 'number' ? String(v) : null;

export const obj = (v: unknown): Json | null =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : null;

export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export const bool = (v: unknown): boolean | null => (typeof v === 'boolean' ? v : null);

const DECIMAL = /^-?\d+(\.\d+)?$/;

/**
 * A decimal as its exact text: numbers come from the exact JSON parser as text or safe integers.
 * Exponent notation is not a plain decimal and reads as null rather than being rounded.
 */
export function decimal(v: unknown): string | null {
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : null;
  if (typeof v === 'string' && DECIMAL.test(v)) return v;
  return null;
}

export function money(amount: unknown, currency: string | null): MoneyModel | null {
  const value = decimal(amount);
  return value === null ? null : { amount: value, currencyCode: currency ?? 'XXX' };
}

const HAS_ZONE = /(Z|[+-]\d{2}:?\d{2})$/i;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

export interface ParsedTime {
  iso: string;
  ms: number;
  assumed: boolean;
}

/** Parses an ISO 8601 time; one without a zone (or a bare date) is read as UTC and marked `assumed`. */
export function time(v: unknown): ParsedTime | null {
  if (typeof v !== 'string' || v.length === 0) return null;
  const assumed = !HAS_ZONE.test(v);
  const text = assumed ? (DATE_ONLY.test(v) ? `${v}T00:00:00Z` : `${v}Z`) : v;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return null;
  return { iso: new Date(ms).toISOString(), ms, assumed };
}

/** An upstream enum value → ours, through a table precomputed per enum; UNKNOWN otherwise. */
export function enumMapper<T extends string>(
  table: Record<string, T>,
  unknown: T,
): (v: unknown) => T {
  const lower = new Map(
    Object.entries(table).map(([k, val]) => [k.toLowerCase().replace(/[\s_-]/g, ''), val]),
  );
  return (v) =>
    typeof v === 'string'
      ? (lower.get(v.toLowerCase().replace(/[\s_-]/g, '')) ?? unknown)
      : unknown;
}

const addressKind = enumMapper<AddressKind>(
  {
    billing: 'BILLING',
    delivery: 'DELIVERY',
    shipping: 'DELIVERY',
    order: 'ORDER',
    inventory: 'INVENTORY',
  },
  'UNKNOWN',
);

export function address(v: unknown, kind?: AddressKind): AddressModel | null {
  const a = obj(v);
  if (!a) return null;
  return {
    kind: kind ?? addressKind(a['type']),
    line1: str(a['line1'] ?? a['address1'] ?? a['address_line_1']),
    line2: str(a['line2'] ?? a['address2'] ?? a['address_line_2']),
    city: str(a['city']),
    region: str(a['region'] ?? a['state'] ?? a['province']),
    country: str(a['country'] ?? a['country_code']),
    postalCode: str(a['postalCode'] ?? a['postal_code'] ?? a['zip']),
  };
}

export interface Stamps {
  createdAt: string | null;
  modifiedAt: string | null;
  timeZoneAssumed: boolean;
  sortTime: number;
}

/** Timestamps of a record: creation and modification, with the zone flag and the sort key. */
export function stamps(created: unknown, modified: unknown): Stamps {
  const c = time(created);
  const m = time(modified);
  return {
    createdAt: c?.iso ?? null,
    modifiedAt: m?.iso ?? null,
    timeZoneAssumed: (c?.assumed ?? false) || (m?.assumed ?? false),
    sortTime: c?.ms ?? m?.ms ?? 0,
  };
}
