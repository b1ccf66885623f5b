import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';

const SECRET = 'a-test-signing-secret-of-32-chars!!';
const hs = (claims: Record<string, unknown>, exp = '5m') =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('user-1')
    .setIssuedAt()
    .setExpirationTime(exp)
    .sign(new TextEncoder().encode(SECRET));

const viewer = '{ viewer { workspace { handle } principal { id kind roles } } }';

describe('JWT bearer (HS256)', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ env: { JWT_SECRET: SECRET } });
  });
  afterAll(async () => t?.close());

  const asBearer = (token: string) => ({
    apiKey: null,
    headers: { authorization: `Bearer ${token}` },
  });

  it('authenticates sub, workspace and roles', async () => {
    const res = await t.graphql(
      viewer,
      undefined,
      asBearer(await hs({ workspace: 'ws-b', roles: ['admin'] })),
    );
    expect(res.body.data).toEqual({
      viewer: {
        workspace: { handle: 'ws-b' },
        principal: { id: 'user-1', kind: 'JWT', roles: ['ADMIN'] },
      },
    });
  });

  it('defaults to the MEMBER role', async () => {
    const res = await t.graphql<{ viewer: { principal: { roles: string[] } } }>(
      viewer,
      undefined,
      asBearer(await hs({ workspace: 'ws-a' })),
    );
    expect(res.body.data?.viewer.principal.roles).toEqual(['MEMBER']);
  });

  it.each([
    ['an expired token', async () => hs({ workspace: 'ws-a' }, '-1m'), /expired/],
    ['an unknown workspace', async () => hs({ workspace: 'nope' }), /unknown workspace/],
    ['a token without the workspace claim', async () => hs({}), /"workspace" claims/],
    [
      'a token signed with another secret',
      async () =>
        new SignJWT({ workspace: 'ws-a' })
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject('x')
          .sign(new TextEncoder().encode('x'.repeat(40))),
      /not valid/,
    ],
  ])('rejects %s with 401', async (_name, make, message) => {
    const res = await t.graphql(viewer, undefined, asBearer(await make()));
    expect(res.status).toBe(401);
    expect(res.body.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    expect(res.body.errors?.[0]?.message).toMatch(message);
  });

  it('rejects a malformed Authorization header', async () => {
    const res = await t.graphql(viewer, undefined, {
      apiKey: null,
      headers: { authorization: 'Token abc' },
    });
    expect(res.status).toBe(401);
    expect(res.body.errors?.[0]?.message).toMatch(/Bearer <token>/);
  });
});

describe('JWT bearer (JWKS)', () => {
  let t: TestGateway;
  let jwks: Server;
  let privateKey: CryptoKey;
  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey as CryptoKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    jwks = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
    const { port } = jwks.address() as AddressInfo;
    t = await startTestGateway({
      env: { JWT_JWKS_URL: `http://127.0.0.1:${port}/jwks.json`, JWT_ISSUER: 'https://idp.test' },
    });
  });
  afterAll(async () => {
    await t?.close();
    jwks?.close();
  });

  it('verifies RS256 tokens against the key set and the issuer', async () => {
    const token = await new SignJWT({ workspace: 'ws-a', roles: 'member admin' })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setSubject('svc')
      .setIssuer('https://idp.test')
      .setExpirationTime('5m')
      .sign(privateKey);
    const res = await t.graphql(viewer, undefined, {
      apiKey: null,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.body.data).toEqual({
      viewer: {
        workspace: { handle: 'ws-a' },
        principal: { id: 'svc', kind: 'JWT', roles: ['MEMBER', 'ADMIN'] },
      },
    });
    const wrongIssuer = await new SignJWT({ workspace: 'ws-a' })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setSubject('svc')
      .setIssuer('https://evil.test')
      .sign(privateKey);
    const refused = await t.graphql(viewer, undefined, {
      apiKey: null,
      headers: { authorization: `Bearer ${wrongIssuer}` },
    });
    expect(refused.status).toBe(401);
  });
});

describe('graphql-ws authentication', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway();
  });
  afterAll(async () => t?.close());

  const run = (apiKey: string) =>
    new Promise<unknown>((resolve, reject) => {
      const client = createClient({
        url: t.graphqlUrl.replace('http', 'ws'),
        webSocketImpl: WebSocket,
        connectionParams: { 'x-api-key': apiKey },
        retryAttempts: 0,
      });
      client.subscribe(
        { query: '{ viewer { workspace { handle } } }' },
        { next: (v) => resolve(v), error: (e) => reject(e), complete: () => void client.dispose() },
      );
    });

  it('runs operations for a valid key', async () => {
    await expect(run(t.keys.b)).resolves.toEqual({
      data: { viewer: { workspace: { handle: 'ws-b' } } },
    });
  });

  it('closes the socket with 4403 for a bad key', async () => {
    const error = await run('cg_bad').catch((e: unknown) => e);
    expect((error as { code?: number }).code).toBe(4403);
  });
});
