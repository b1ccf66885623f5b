/**
 * Codat's REST contract as this gateway uses it (platform + commerce APIs; see
 * schema/upstreams/codat.yaml and Codat's public OpenAPI documents). Record bodies are typed
 * loosely on purpose: Codat adds fields and enum values without notice, and the mappers read them
 * leniently. Decimal amounts arrive as strings (see `parseExactJson`).
 */

import type { components } from '../../generated/upstreams/codat.js';

type Schemas = components['schemas'];

export interface CodatCompany {
  id: string;
  name: string;
  description?: string;
  redirect?: string;
  created?: string;
  dataConnections?: CodatConnection[];
}

export interface CodatConnection {
  id: string;
  integrationId?: string;
  integrationKey?: string;
  sourceId?: string;
  sourceType?: string;
  platformName?: string;
  linkUrl?: string;
  status?: string;
  lastSync?: string;
  created?: string;
}

export interface CodatPage<T> {
  results: T[];
  pageNumber: number;
  pageSize: number;
  totalResults: number;
  _links?: { next?: { href: string } };
}

export interface CodatDataStatus {
  dataType: string;
  lastSuccessfulSync?: string | null;
  currentStatus?: string;
  latestSyncId?: string | null;
  latestSuccessfulSyncId?: string | null;
}

export interface CodatPullOperation {
  id?: string;
  companyId?: string;
  dataType?: string;
  status?: string;
  requested?: string;
}

export interface CodatSyncSetting {
  dataType: string;
  fetchOnFirstLink: boolean;
  syncSchedule: number;
  syncOrder: number;
  syncFromUtc?: string;
  syncFromWindow?: number;
  monthsToSync?: number;
  isLocked?: boolean;
}

export interface CodatErrorBody {
  statusCode?: number;
  service?: string;
  error?: string;
  correlationId?: string;
  canBeRetried?: string | boolean;
  detailedErrorCode?: number;
}

/** A commerce record as Codat sends it; every dataset has `id` and modification times. */
export type CodatRecord = { id?: string } & Record<string, unknown>;

/** Codat's path segment of each commerce list dataset. */
export type CodatCommerceList =
  | 'commerce-customers'
  | 'commerce-disputes'
  | 'commerce-locations'
  | 'commerce-orders'
  | 'commerce-payments'
  | 'commerce-products'
  | 'commerce-transactions';

/**
 * Compile-time proof that everything our OpenAPI description of Codat promises
 * (schema/upstreams/codat.yaml, generated into src/generated/upstreams/codat.ts) is accepted by
 * the lenient types above: if the document and the client drift apart, the type check fails here.
 */
type Accepts<Lenient, Documented extends Lenient> = Documented;
export type DocumentedShapesAccepted = [
  Accepts<CodatCompany, Schemas['Company']>,
  Accepts<CodatConnection, Schemas['Connection']>,
  Accepts<CodatDataStatus, Schemas['DataStatus']>,
  Accepts<CodatSyncSetting, Schemas['SyncSetting']>,
  Accepts<CodatPullOperation, Schemas['PullOperation']>,
  Accepts<CodatErrorBody, Schemas['ErrorMessage']>,
  Accepts<CodatPage<CodatRecord>, Schemas['Orders']>,
  Accepts<CodatPage<CodatRecord>, Schemas['Products']>,
  Accepts<CodatPage<CodatRecord>, Schemas['Customers']>,
];
