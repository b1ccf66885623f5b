import { ErrorCode, GatewayError } from '../../errors.js';
import type { UpstreamHttpClient } from '../http-client.js';
import { mapApiPandaError } from './apipanda-errors.js';
import type { components } from '../../generated/upstreams/apipanda.js';

type Schemas = components['schemas'];
export type ApiPandaIntegrationType = Schemas['IntegrationType'];
export type ApiPandaCategory = Schemas['Category'];
export type InitiateRequest = Schemas['InitiateRequest'];
export type AuthenticationProfile = Schemas['AuthenticationProfile'];
export type EstablishedResponse = Schemas['EstablishedResponse'];

/**
 * Typed client of API Panda's connection onboarding (schema/upstreams/apipanda.yaml). Every
 * token travels in a path or header, so each call carries a fixed `operation` label for logs and
 * metrics and the path is never logged. Failures come out mapped by `mapApiPandaError`.
 */
export class ApiPandaClient {
  constructor(private readonly http: UpstreamHttpClient) {}

  /** POST /connection/link-token/{publicToken}. Safe to repeat: an unused link token is inert. */
  async createLinkToken(publicToken: string): Promise<string> {
    const body = await this.call<Schemas['LinkTokenResponse']>({
      path: `/api/v1/connection/link-token/${encodeURIComponent(publicToken)}`,
      operation: 'POST /connection/link-token',
      idempotent: true,
    });
    return requireString(body.linkToken, 'linkToken');
  }

  /** POST /connection/initiate. Not repeated on failure: a second initiate would be refused. */
  async initiate(linkToken: string, request: InitiateRequest): Promise<AuthenticationProfile> {
    const body = await this.call<Schemas['InitiateResponse']>({
      path: '/api/v1/connection/initiate',
      operation: 'POST /connection/initiate',
      headers: { 'x-link-token': linkToken },
      body: request,
      idempotent: false,
    });
    const profile = body.authenticationProfile;
    if (!profile || typeof profile !== 'object') throw malformed('authenticationProfile');
    return {
      authenticationType: String(profile.authenticationType ?? ''),
      category: String(profile.category ?? ''),
      integrationType: String(profile.integrationType ?? ''),
      authenticationUrl: requireString(profile.authenticationUrl, 'authenticationUrl'),
    };
  }

  /** POST /connection/established/{linkToken}: a read despite the verb, so retried. */
  async established(linkToken: string): Promise<EstablishedResponse> {
    const body = await this.call<EstablishedResponse>({
      path: `/api/v1/connection/established/${encodeURIComponent(linkToken)}`,
      operation: 'POST /connection/established',
      idempotent: true,
    });
    if (body.established !== true) return { established: false };
    return { established: true, publicToken: requireString(body.publicToken, 'publicToken') };
  }

  /** POST /connection/access-token/{publicToken}: returns the same token when repeated. */
  async exchangeAccessToken(publicToken: string): Promise<string> {
    const body = await this.call<Schemas['AccessTokenResponse']>({
      path: `/api/v1/connection/access-token/${encodeURIComponent(publicToken)}`,
      operation: 'POST /connection/access-token',
      idempotent: true,
    });
    return requireString(body.accessToken, 'accessToken');
  }

  private async call<T>(req: {
    path: string;
    operation: string;
    idempotent: boolean;
    headers?: Record<string, string>;
    body?: unknown;
  }): Promise<Partial<T>> {
    try {
      const res = await this.http.request<Partial<T> | undefined>({ method: 'POST', ...req });
      // A 2xx without a JSON object is not an answer we can use (datasource-rest#32).
      if (!res.body || typeof res.body !== 'object') throw malformed('body');
      return res.body;
    } catch (error) {
      throw mapApiPandaError(error);
    }
  }
}

function requireString(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '') throw malformed(field);
  return value;
}

/** A 2xx that breaks the documented contract is the upstream's fault, not the caller's. */
function malformed(field: string): GatewayError {
  return new GatewayError(
    ErrorCode.UPSTREAM_ERROR,
    `API Panda answered without a usable ${field}`,
    {
      upstream: 'apipanda',
    },
  );
}
