import type { UpstreamHttpClient } from '../http-client.js';
import type { ShoplineTokenInfo } from './types.js';

export interface ShoplineOAuthCredentials {
  clientId: string;
  clientSecret: string;
}

/**
 * SHOPLINE's OAuth 2.0 authorization server (developers.shoplineapp.com): the "Link Account"
 * round trip that proves which merchant the person at the landing page administers.
 */
export class ShoplineOAuthClient {
  constructor(
    private readonly http: UpstreamHttpClient,
    readonly baseUrl: string,
    private readonly credentials: ShoplineOAuthCredentials,
  ) {}

  /** Where to send the merchant's browser to log in to SHOPLINE and approve the app. */
  authorizeUrl(args: {
    redirectUri: string;
    state: string;
    scopes: string[];
    merchantId?: string;
  }): string {
    const url = new URL(`${this.baseUrl}/oauth/authorize`);
    url.searchParams.set('client_id', this.credentials.clientId);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('redirect_uri', args.redirectUri);
    url.searchParams.set('scope', args.scopes.join(' '));
    url.searchParams.set('state', args.state);
    if (args.merchantId) url.searchParams.set('merchant_id', args.merchantId);
    return url.toString();
  }

  /** Exchanges the one-time authorization code; the code is worthless without our secret. */
  async exchangeCode(code: string, redirectUri: string): Promise<string> {
    const res = await this.http.request<{ access_token?: unknown }>({
      method: 'POST',
      path: '/oauth/token',
      operation: 'POST /oauth/token',
      idempotent: false,
      body: {
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri,
        client_id: this.credentials.clientId,
        client_secret: this.credentials.clientSecret,
      },
    });
    const token = res.body?.access_token;
    if (typeof token !== 'string' || token === '')
      throw new Error('SHOPLINE token exchange returned no access_token');
    return token;
  }

  /** The merchant the token acts for. */
  async merchantOf(token: string): Promise<string> {
    const res = await this.http.request<ShoplineTokenInfo>({
      method: 'GET',
      path: '/oauth/token/info',
      operation: 'GET /oauth/token/info',
      headers: { authorization: `Bearer ${token}` },
    });
    const owner = res.body?.resource_owner_id;
    const id = typeof owner === 'string' ? owner : owner?.id;
    if (typeof id !== 'string' || id === '')
      throw new Error('SHOPLINE token info named no merchant');
    return id;
  }
}
