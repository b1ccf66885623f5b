import type { GatewayError } from '../../errors.js';
import type { CommerceDataset } from './model.js';
import type { CommerceLink } from './sources/source.js';

/** `Query.commerce` has no state of its own: its fields read the caller's workspace. */
export type CommerceQueryModel = Record<string, never>;

export interface CommerceEdgeModel<T = unknown> {
  cursor: string;
  node: T;
}

/** A merged page of one dataset, as the connection resolvers read it. */
export interface CommerceConnectionModel<T = unknown> {
  dataset: CommerceDataset;
  edges: CommerceEdgeModel<T>[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  totalCount: number | null;
  /** One per link whose records are missing from the page. */
  failures: Array<{ link: CommerceLink; error: GatewayError }>;
}

export interface CommerceSyncSettingModel {
  dataType: string;
  fetchOnFirstLink: boolean;
  syncScheduleHours: number;
  monthsToSync: number | null;
}
