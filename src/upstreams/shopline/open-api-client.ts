import { isSafeNumber, parse } from 'lossless-json';
import type { UpstreamHttpClient } from '../http-client.js';
import type { ShoplinePage, ShoplineRecordOf } from './types.js';

/** SHOPLINE advises at most 50 records per page. */
export const SHOPLINE_MAX_PER_PAGE = 50;

export type ShoplineResource = 'orders' | 'products' | 'customers';

/**
 * Money is integer `cents`: a count beyond 2^53 must not lose digits on the way to a decimal
 * string, so unsafe numbers stay text (the mappers read both).
 */
const parseExact = (text: string): unknown =>
  parse(text, null, (value) => (isSafeNumber(value) ? Number(value) : value));

export interface ShoplineListParams {
  page: number;
  perPage: number;
  updatedAfter?: string;
}

/**
 * The SHOPLINE Open API with one merchant token per call (`Authorization: Bearer`). Lists page by
 * `page`/`per_page` and answer `{items, pagination}`. Errors stay `UpstreamHttpError`s so callers
 * can tell a 401 (token no longer accepted) from a 404, a 410 (archived) or a 429.
 */
export class ShoplineOpenApiClient {
  constructor(private readonly http: UpstreamHttpClient) {}

  /** One record; 404 when missing, 410 when SHOPLINE archived it (orders). */
  async get<R extends ShoplineResource>(
    resource: R,
    token: string,
    id: string,
  ): Promise<ShoplineRecordOf[R]> {
    const res = await this.http.request<ShoplineRecordOf[R]>({
      method: 'GET',
      path: `/v1/${resource}/${encodeURIComponent(id)}`,
      operation: `GET /v1/${resource}/{id}`,
      headers: { authorization: `Bearer ${token}` },
      parse: parseExact,
    });
    return res.body;
  }

  async list<R extends ShoplineResource>(
    resource: R,
    token: string,
    params: ShoplineListParams,
  ): Promise<ShoplinePage<ShoplineRecordOf[R]>> {
    const res = await this.http.request<ShoplinePage<ShoplineRecordOf[R]>>({
      method: 'GET',
      path: `/v1/${resource}`,
      operation: `GET /v1/${resource}`,
      headers: { authorization: `Bearer ${token}` },
      query: {
        page: params.page,
        per_page: Math.min(params.perPage, SHOPLINE_MAX_PER_PAGE),
        sort_by: 'desc',
        updated_after: params.updatedAfter,
      },
      parse: parseExact,
    });
    const body = res.body;
    if (!body || !Array.isArray(body.items) || !body.pagination) {
      throw new Error(`SHOPLINE GET /v1/${resource} answered without {items, pagination}`);
    }
    return body;
  }
}
