import {
  deepFreeze,
  serialisedOnce,
  toExactJson,
  type RawJson,
} from '../commerce-data/exact-json.js';
import {
  generateCodatCompanyData,
  type CodatCompanyData,
  type CodatListDataset,
  type CodatRecord,
} from './data.js';
import { sortRecords } from './query.js';
import type { CodatCompanyState } from './state.js';

/** A dataset in one `orderBy` order, with where each (lower-cased) id sits in it. */
export interface SortedView {
  records: readonly CodatRecord[];
  positions: Map<string, number[]>;
}

/**
 * The seeded commerce records each company serves, generated on first read and frozen: a
 * company's records never change after generation, so their JSON, sorted views and id indexes
 * are computed once and stay valid.
 */
export class CodatDatasets {
  private readonly data = new Map<string, CodatCompanyData>();
  private readonly sortedViews = new Map<string, SortedView>();
  private readonly byId = new Map<string, Map<string, CodatRecord>>();
  private readonly fields = new Map<string, Set<string>>();
  /** A record's exact JSON, serialised once per (frozen) record. */
  readonly recordJson: (record: object) => RawJson = serialisedOnce(toExactJson);

  constructor(private readonly seed: number) {}

  of(company: CodatCompanyState): CodatCompanyData {
    let data = this.data.get(company.id);
    if (!data) {
      const platform = company.connections[0]?.platformName ?? 'Shopify';
      data = deepFreeze(generateCodatCompanyData(this.seed, company.id, company.name, platform));
      this.data.set(company.id, data);
    }
    return data;
  }

  /** Every top-level field any record of the dataset has (what `query` and `orderBy` may name). */
  fieldsOf(company: CodatCompanyState, dataset: CodatListDataset): Set<string> {
    const key = `${company.id}/${dataset}`;
    let fields = this.fields.get(key);
    if (!fields) {
      fields = new Set(this.of(company).lists[dataset].flatMap((r) => Object.keys(r)));
      this.fields.set(key, fields);
    }
    return fields;
  }

  sorted(company: CodatCompanyState, dataset: CodatListDataset, orderBy: string): SortedView {
    const key = `${company.id}/${dataset}/${orderBy}`;
    let view = this.sortedViews.get(key);
    if (!view) {
      const descending = orderBy.startsWith('-');
      const records = sortRecords(
        this.of(company).lists[dataset],
        descending ? orderBy.slice(1) : orderBy,
        descending,
      );
      const positions = new Map<string, number[]>();
      records.forEach((r, i) => {
        const id = String(r.id).toLowerCase();
        const at = positions.get(id);
        if (at) at.push(i);
        else positions.set(id, [i]);
      });
      view = { records, positions };
      this.sortedViews.set(key, view);
    }
    return view;
  }

  recordById(
    company: CodatCompanyState,
    dataset: CodatListDataset,
    id: string,
  ): CodatRecord | undefined {
    const key = `${company.id}/${dataset}`;
    let byId = this.byId.get(key);
    if (!byId) {
      byId = new Map();
      // The first record with an id wins, as a scan from the start would find it.
      for (const r of this.of(company).lists[dataset]) if (!byId.has(r.id)) byId.set(r.id, r);
      this.byId.set(key, byId);
    }
    return byId.get(id);
  }
}

/** The records of an `id=a||id=b…` batch, in the view's order. */
export function recordsWithIds(view: SortedView, ids: ReadonlySet<string>): CodatRecord[] {
  const found: number[] = [];
  for (const id of ids) found.push(...(view.positions.get(id) ?? []));
  return found.sort((a, b) => a - b).map((i) => view.records[i]!);
}
