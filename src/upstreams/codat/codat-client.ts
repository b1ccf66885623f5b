import type { UpstreamHttpClient } from '../http-client.js';
import type {
  CodatCommerceList,
  CodatCompany,
  CodatConnection,
  CodatDataStatus,
  CodatPage,
  CodatPullOperation,
  CodatRecord,
  CodatSyncSetting,
} from './codat-types.js';
import { parseRecordPageBytes } from '../lazy-record-page.js';
import { parseExactJson } from '../exact-json.js';

/** Codat caps `pageSize` at 5000. */
export const CODAT_MAX_PAGE_SIZE = 5000;

export interface CodatListQuery {
  page: number;
  pageSize: number;
  /** Codat's filter language, e.g. `id=a||id=b` or `createdDate>2024-01-01T00:00:00Z`. */
  query?: string;
  orderBy?: string;
}

/**
 * Typed client of Codat's platform and commerce APIs. Auth (`Authorization: Basic
 * base64(apiKey)`) is a default header set where the client is built; this class only knows
 * paths and bodies. Ids go into paths URL-encoded; labels (`operation`) never carry them.
 */
export class CodatClient {
  constructor(private readonly http: UpstreamHttpClient) {}

  /** With `platformType`, Codat also creates the data connection and returns it with its linkUrl. */
  async createCompany(body: {
    name: string;
    description?: string;
    platformType?: string;
  }): Promise<CodatCompany> {
    const res = await this.http.request<CodatCompany>({
      method: 'POST',
      path: '/companies',
      operation: 'POST /companies',
      body,
      parse: parseExactJson,
    });
    return res.body;
  }

  async createConnection(companyId: string, platformKey: string): Promise<CodatConnection> {
    const res = await this.http.request<CodatConnection>({
      method: 'POST',
      path: `/companies/${enc(companyId)}/connections`,
      operation: 'POST /companies/{id}/connections',
      body: { platformKey },
      parse: parseExactJson,
    });
    return res.body;
  }

  async getConnection(companyId: string, connectionId: string): Promise<CodatConnection> {
    const res = await this.http.request<CodatConnection>({
      method: 'GET',
      path: `/companies/${enc(companyId)}/connections/${enc(connectionId)}`,
      operation: 'GET /companies/{id}/connections/{id}',
      parse: parseExactJson,
    });
    return res.body;
  }

  /** Codat's documented unlink: the connection stays, with status `Unlinked`. */
  async unlinkConnection(companyId: string, connectionId: string): Promise<CodatConnection> {
    const res = await this.http.request<CodatConnection>({
      method: 'PATCH',
      path: `/companies/${enc(companyId)}/connections/${enc(connectionId)}`,
      operation: 'PATCH /companies/{id}/connections/{id}',
      body: { status: 'Unlinked' },
      parse: parseExactJson,
    });
    return res.body;
  }

  /** Sync status per data type, keyed by Codat's data type name (`commerce-orders`, …). */
  async dataStatus(companyId: string): Promise<Record<string, CodatDataStatus>> {
    const res = await this.http.request<Record<string, CodatDataStatus>>({
      method: 'GET',
      path: `/companies/${enc(companyId)}/dataStatus`,
      operation: 'GET /companies/{id}/dataStatus',
      parse: parseExactJson,
    });
    return res.body ?? {};
  }

  async queueDataType(
    companyId: string,
    dataType: string,
    connectionId?: string,
  ): Promise<CodatPullOperation> {
    const res = await this.http.request<CodatPullOperation>({
      method: 'POST',
      path: `/companies/${enc(companyId)}/data/queue/${enc(dataType)}`,
      operation: 'POST /companies/{id}/data/queue/{dataType}',
      query: connectionId ? { connectionId } : undefined,
      parse: parseExactJson,
    });
    return res.body;
  }

  async setCompanySyncSettings(companyId: string, settings: CodatSyncSetting[]): Promise<void> {
    await this.http.request({
      method: 'POST',
      path: `/companies/${enc(companyId)}/syncSettings`,
      operation: 'POST /companies/{id}/syncSettings',
      body: { companyId, settings },
      // Replaces the settings wholesale: repeating it is harmless.
      idempotent: true,
      parse: parseExactJson,
    });
  }

  async listCommerce(
    companyId: string,
    connectionId: string,
    dataset: CodatCommerceList,
    q: CodatListQuery,
  ): Promise<CodatPage<CodatRecord>> {
    const res = await this.http.request<CodatPage<CodatRecord>>({
      method: 'GET',
      path: `/companies/${enc(companyId)}/connections/${enc(connectionId)}/data/${dataset}`,
      operation: `GET /data/${dataset}`,
      query: {
        page: q.page,
        pageSize: Math.min(Math.max(1, q.pageSize), CODAT_MAX_PAGE_SIZE),
        query: q.query,
        orderBy: q.orderBy,
      },
      // Records are read field by field as resolvers ask (see lazy-record-page.ts).
      parseBytes: parseCommercePage,
    });
    return res.body;
  }

  async companyInfo(companyId: string, connectionId: string): Promise<CodatRecord> {
    const res = await this.http.request<CodatRecord>({
      method: 'GET',
      path: `/companies/${enc(companyId)}/connections/${enc(connectionId)}/data/commerce-info`,
      operation: 'GET /data/commerce-info',
      parse: parseExactJson,
    });
    return res.body;
  }
}

const enc = encodeURIComponent;

const parseCommercePage = (body: Uint8Array) => parseRecordPageBytes(body, 'results');

/** Codat's `correlationId` sits in the error body. */
export function codatCorrelationId(body: unknown): string | undefined {
  const id = (body as { correlationId?: unknown } | null)?.correlationId;
  return typeof id === 'string' ? id : undefined;
}
