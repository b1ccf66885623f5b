import { parseExactJson } from '../exact-json.js';
import { parseRecordPageBytes } from '../lazy-record-page.js';
import type { UpstreamHttpClient } from '../http-client.js';
import type {
  QardCommerceList,
  QardDataConnection,
  QardDataType,
  QardPage,
  QardProvider,
  QardRecord,
  QardSync,
  QardUser,
} from './qard-types.js';

/** Qard caps `per_page` at 100. */
export const QARD_MAX_PER_PAGE = 100;

/**
 * Typed client of Qard's API v6. The `X-API-KEY` header is a default header set where the client
 * is built. Provider credentials pass through `setProviderCredentials` and are never logged
 * (operations are labels; bodies are not logged by the HTTP machinery).
 */
export class QardClient {
  constructor(private readonly http: UpstreamHttpClient) {}

  async setProviderCredentials(
    provider: string,
    credentials: Record<string, string>,
  ): Promise<void> {
    await this.http.request({
      method: 'PUT',
      path: `/api/v6/providers/${enc(provider)}/credentials`,
      operation: 'PUT /providers/{name}/credentials',
      body: { credentials },
      parse: parseExactJson,
    });
  }

  async setProviderSettings(provider: string, settings: { auto_connect: boolean }): Promise<void> {
    await this.http.request({
      method: 'PUT',
      path: `/api/v6/providers/${enc(provider)}/settings`,
      operation: 'PUT /providers/{name}/settings',
      body: settings,
      parse: parseExactJson,
    });
  }

  async enableProvider(provider: string, enable: boolean): Promise<QardProvider | null> {
    const res = await this.http.request<QardProvider | null>({
      method: 'PUT',
      path: `/api/v6/providers/${enc(provider)}`,
      operation: 'PUT /providers/{name}',
      body: { enable },
      parse: parseExactJson,
    });
    return res.body;
  }

  async createUser(name: string): Promise<QardUser> {
    const res = await this.http.request<QardUser>({
      method: 'POST',
      path: '/api/v6/users',
      operation: 'POST /users',
      body: { name, type: 'COMPANY' },
      parse: parseExactJson,
    });
    return res.body;
  }

  async createDataConnection(
    userId: string,
    body: { provider_name: string; requested_data_types: QardDataType[] },
  ): Promise<QardDataConnection> {
    const res = await this.http.request<QardDataConnection>({
      method: 'POST',
      path: `/api/v6/users/${enc(userId)}/data-connections`,
      operation: 'POST /users/{id}/data-connections',
      body,
      parse: parseExactJson,
    });
    return res.body;
  }

  async getDataConnection(userId: string, connectionId: string): Promise<QardDataConnection> {
    const res = await this.http.request<QardDataConnection>({
      method: 'GET',
      path: `/api/v6/users/${enc(userId)}/data-connections/${enc(connectionId)}`,
      operation: 'GET /users/{id}/data-connections/{id}',
      parse: parseExactJson,
    });
    return res.body;
  }

  /** Qard's documented way to stop a data connection: status `DISCONNECTED`. */
  async disconnectDataConnection(
    userId: string,
    connectionId: string,
  ): Promise<QardDataConnection> {
    const res = await this.http.request<QardDataConnection>({
      method: 'PATCH',
      path: `/api/v6/users/${enc(userId)}/data-connections/${enc(connectionId)}`,
      operation: 'PATCH /users/{id}/data-connections/{id}',
      body: { status: 'DISCONNECTED' },
      parse: parseExactJson,
    });
    return res.body;
  }

  async sync(userId: string, dataTypes: readonly QardDataType[]): Promise<QardSync> {
    const res = await this.http.request<QardSync>({
      method: 'POST',
      path: `/api/v6/users/${enc(userId)}/sync`,
      operation: 'POST /users/{id}/sync',
      body: { data_types: dataTypes },
      parse: parseExactJson,
    });
    return res.body;
  }

  /** Sync history, newest first as Qard pages it. */
  async syncHistory(userId: string): Promise<QardPage<QardSync>> {
    const res = await this.http.request<QardPage<QardSync>>({
      method: 'GET',
      path: `/api/v6/users/${enc(userId)}/sync`,
      operation: 'GET /users/{id}/sync',
      query: { page: 1, per_page: QARD_MAX_PER_PAGE },
      parse: parseExactJson,
    });
    return res.body;
  }

  async listCommerce(
    userId: string,
    dataset: QardCommerceList,
    q: { page: number; perPage: number } & Record<string, string | number | undefined>,
  ): Promise<QardPage<QardRecord>> {
    const { page, perPage, ...extra } = q;
    const res = await this.http.request<QardPage<QardRecord>>({
      method: 'GET',
      path: `/api/v6/users/${enc(userId)}/${dataset}`,
      operation: `GET /users/{id}/${dataset}`,
      query: { ...extra, page, per_page: Math.min(Math.max(1, perPage), QARD_MAX_PER_PAGE) },
      // Records are read field by field as resolvers ask (see lazy-record-page.ts).
      parseBytes: parseCommercePage,
    });
    return res.body;
  }

  async getCommerce(userId: string, dataset: QardCommerceList, id: string): Promise<QardRecord> {
    const res = await this.http.request<QardRecord>({
      method: 'GET',
      path: `/api/v6/users/${enc(userId)}/${dataset}/${enc(id)}`,
      operation: `GET /users/{id}/${dataset}/{id}`,
      parse: parseExactJson,
    });
    return res.body;
  }
}

const enc = encodeURIComponent;

const parseCommercePage = (body: Uint8Array) => parseRecordPageBytes(body, 'result');
