import type { GatewayError } from '../../errors.js';
import type { CommerceDataset, CompanyInfoModel } from './model.js';
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
  /** Every selected link's part of the page. */
  sources: CommerceSourceStatusModel[];
}

export type CommerceSourceState =
  'INCLUDED' | 'NOT_OFFERED' | 'PENDING_AUTHORIZATION' | 'UNLINKED' | 'AUTH_ERROR' | 'FAILED';

/** A link's part of an answer (a list or the company profiles). */
export interface CommerceSourceStatusModel {
  link: CommerceLink;
  state: CommerceSourceState;
  /** Set when FAILED. */
  error: GatewayError | null;
  /** Why the link's data is not in the answer, in words; null when INCLUDED. */
  reason: string | null;
}

/** One link's company profile, or why it has none. */
export interface CommerceCompanyProfileModel extends CommerceSourceStatusModel {
  companyInfo: CompanyInfoModel | null;
}

/** A link's part of an answer, with the reason in words (`what` names the data, plural). */
export function sourceStatus(
  link: CommerceLink,
  state: CommerceSourceState,
  error: GatewayError | null,
  what: string,
): CommerceSourceStatusModel {
  return { link, state, error, reason: reasonOf(link, state, error, what) };
}

function reasonOf(
  link: CommerceLink,
  state: CommerceSourceState,
  error: GatewayError | null,
  what: string,
): string | null {
  switch (state) {
    case 'INCLUDED':
      return null;
    case 'NOT_OFFERED':
      return `${link.source} offers no ${what}`;
    case 'PENDING_AUTHORIZATION':
      return `The merchant has not authorised link "${link.name}" yet`;
    case 'UNLINKED':
      return `Link "${link.name}" was unlinked`;
    case 'AUTH_ERROR':
      return `${link.source} lost access to the store of link "${link.name}"; the merchant must authorise again`;
    case 'FAILED':
      return error?.message ?? `${link.source} could not answer`;
  }
}

export interface CommerceSyncSettingModel {
  dataType: string;
  fetchOnFirstLink: boolean;
  syncScheduleHours: number;
  monthsToSync: number | null;
}
