import { createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { Config } from '../config.js';
import { unauthenticated } from '../errors.js';
import type { Role, WorkspaceRepository } from '../store/repositories/workspaces.js';
import { digestApiKey } from '../store/repositories/workspaces.js';
import type { Principal } from '../request-context.js';

const ROLES: readonly Role[] = ['admin', 'member'];
/** Revoking a key takes effect within this long on every replica. */
const API_KEY_CACHE_MS = 10_000;

/**
 * Turns request credentials into a Principal: `x-api-key` (looked up by digest) or a JWT bearer
 * (HS256 shared secret or a JWKS endpoint) whose workspace claim names an existing workspace.
 */
export class Authenticator {
  private readonly apiKeyCache = new Map<string, { principal: Principal; until: number }>();
  private readonly jwks: JWTVerifyGetKey | undefined;
  private readonly hsKey: Uint8Array | undefined;

  constructor(
    private readonly workspaces: WorkspaceRepository,
    private readonly jwt: Config['jwt'],
  ) {
    this.jwks = jwt.jwksUrl ? createRemoteJWKSet(new URL(jwt.jwksUrl)) : undefined;
    this.hsKey = jwt.secret ? new TextEncoder().encode(jwt.secret) : undefined;
  }

  async authenticate(headers: Record<string, string | string[] | undefined>): Promise<Principal> {
    const apiKey = single(headers['x-api-key']);
    if (apiKey) return this.fromApiKey(apiKey);
    const authorization = single(headers['authorization']);
    if (authorization) {
      const match = /^Bearer\s+(\S+)$/i.exec(authorization);
      if (!match?.[1]) throw unauthenticated('The Authorization header must be "Bearer <token>"');
      return this.fromJwt(match[1]);
    }
    throw unauthenticated();
  }

  private async fromApiKey(key: string): Promise<Principal> {
    const digest = digestApiKey(key);
    const cached = this.apiKeyCache.get(digest);
    if (cached && cached.until > Date.now()) return cached.principal;
    const match = await this.workspaces.findByApiKey(key);
    if (!match) throw unauthenticated('The API key is not valid (unknown or revoked)');
    const principal: Principal = {
      id: match.keyId,
      kind: 'API_KEY',
      workspace: match.workspace,
      roles: match.roles,
    };
    if (this.apiKeyCache.size > 10_000) this.apiKeyCache.clear();
    this.apiKeyCache.set(digest, { principal, until: Date.now() + API_KEY_CACHE_MS });
    return principal;
  }

  private async fromJwt(token: string): Promise<Principal> {
    if (!this.hsKey && !this.jwks) {
      throw unauthenticated(
        'Bearer tokens are not accepted: no JWT_SECRET or JWT_JWKS_URL is configured',
      );
    }
    let payload: JWTPayload;
    try {
      const options = {
        ...(this.jwt.issuer ? { issuer: this.jwt.issuer } : {}),
        ...(this.jwt.audience ? { audience: this.jwt.audience } : {}),
      };
      payload = this.hsKey
        ? (await jwtVerify(token, this.hsKey, { ...options, algorithms: ['HS256'] })).payload
        : (await jwtVerify(token, this.jwks!, options)).payload;
    } catch (error) {
      const reason =
        (error as { code?: string }).code === 'ERR_JWT_EXPIRED' ? 'expired' : 'not valid';
      throw unauthenticated(`The bearer token is ${reason}`);
    }
    const workspaceId = payload[this.jwt.workspaceClaim];
    if (typeof payload.sub !== 'string' || typeof workspaceId !== 'string') {
      throw unauthenticated(`The bearer token needs "sub" and "${this.jwt.workspaceClaim}" claims`);
    }
    const workspace = await this.workspaces.find(workspaceId);
    if (!workspace) throw unauthenticated(`The bearer token names an unknown workspace`);
    return {
      id: payload.sub,
      kind: 'JWT',
      workspace,
      roles: parseRoles(payload['roles']),
      bearerToken: token,
    };
  }
}

function parseRoles(claim: unknown): Role[] {
  const list = Array.isArray(claim)
    ? claim
    : typeof claim === 'string'
      ? claim.split(/[\s,]+/)
      : [];
  const roles = list
    .map((r) => String(r).toLowerCase())
    .filter((r): r is Role => ROLES.includes(r as Role));
  return roles.length > 0 ? roles : ['member'];
}

function single(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
