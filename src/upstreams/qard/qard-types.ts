/**
 * Qard's REST contract (API v6) as this gateway uses it (see schema/upstreams/qard.yaml and
 * developers.qardapi.com). Record bodies stay loosely typed: the mappers read them leniently.
 */

import type { components } from '../../generated/upstreams/qard.js';

type Schemas = components['schemas'];

export interface QardPage<T> {
  total: number;
  per_page: number;
  current_page: number;
  last_page: number;
  result: T[];
}

export interface QardUser {
  id: string;
  name?: string;
}

export interface QardDataConnection {
  id: string;
  provider_name?: string;
  status?: string;
  requested_data_types?: string[];
  redirect_url?: string | null;
  created_at?: string;
}

export interface QardSync {
  id?: string;
  status?: string;
  data_types?: string[];
  data_type?: string;
  created_at?: string;
  updated_at?: string;
  ended_at?: string | null;
  finished_at?: string | null;
}

export interface QardProvider {
  name: string;
  enabled?: boolean;
  auto_connect?: boolean;
}

export type QardRecord = { id?: string } & Record<string, unknown>;

/** Qard's path segment of each commerce list. */
export type QardCommerceList =
  'commerce-locations' | 'commerce-customers' | 'commerce-products' | 'commerce-orders';

/** Qard's data type names in `requested_data_types` and `sync`. */
export type QardDataType =
  'COMMERCE_LOCATION' | 'COMMERCE_CUSTOMER' | 'COMMERCE_PRODUCT' | 'COMMERCE_ORDER';

/**
 * Compile-time proof that everything our OpenAPI description of Qard promises
 * (schema/upstreams/qard.yaml, generated into src/generated/upstreams/qard.ts) is accepted by the
 * lenient types above: if the document and the client drift apart, the type check fails here.
 */
type Accepts<Lenient, Documented extends Lenient> = Documented;
export type DocumentedShapesAccepted = [
  Accepts<QardUser, Schemas['User']>,
  Accepts<QardDataConnection, Schemas['DataConnection']>,
  Accepts<QardSync, Schemas['Sync']>,
  Accepts<QardProvider, Schemas['Provider']>,
  Accepts<QardPage<QardRecord>, Schemas['OrderPage']>,
  Accepts<QardPage<QardRecord>, Schemas['ProductPage']>,
  Accepts<QardPage<QardRecord>, Schemas['CustomerPage']>,
  Accepts<QardPage<QardRecord>, Schemas['LocationPage']>,
];
