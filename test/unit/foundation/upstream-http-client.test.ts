import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, GatewayError } from '../../../src/errors.js';
import { route, SandboxServer, type SandboxReply } from '../../../src/sandbox/framework.js';
import { CircuitBreaker } from '../../../src/upstreams/circuit-breaker.js';
import { parseRetryAfter } from '../../../src/upstreams/http-body.js';
import { UpstreamHttpClient } from '../../../src/upstreams/http-client.js';
import { codeForStatus, UpstreamHttpError } from '../../../src/upstreams/upstream-http-error.js';
import { UpstreamMetrics } from '../../../src/upstreams/upstream-metrics.js';

/** A scripted upstream: each request to /script takes the next reply. */
let script: SandboxReply[] = [];
const server = new SandboxServer([
  {
    name: 'up',
    routes: [
      route('GET', '/script', () => script.shift() ?? { status: 200, body: { ok: true } }),
      route('POST', '/script', () => script.shift() ?? { status: 200, body: { ok: true } }),
      route('GET', '/echo', (req) => ({
        status: 200,
        body: { auth: req.headers['authorization'], q: req.query.getAll('id') },
      })),
      route('GET', '/decimal', () => ({ status: 200, json: '{"amount":9007199254740993.01}' })),
    ],
  },
]);
let baseUrl: string;
const sleeps: number[] = [];
let metrics: UpstreamMetrics;

function client(extra: Partial<ConstructorParameters<typeof UpstreamHttpClient>[0]> = {}) {
  return new UpstreamHttpClient({
    name: 'up',
    baseUrl,
    timeoutMs: 300,
    // Pauses are not waited for here (sleep below), but they count against the deadline.
    deadlineMs: 5_000,
    metrics,
    sleep: async (ms) => void sleeps.push(ms),
    defaultHeaders: { authorization: 'Basic c2VjcmV0' },
    ...extra,
  });
}

beforeAll(async () => {
  await server.listen();
  baseUrl = server.urlFor('up');
});
afterAll(() => server.close());
afterEach(() => {
  script = [];
  sleeps.length = 0;
  server.resetStats();
  server.setKnobs('up', { timeoutRate: 0, dropRate: 0 });
});

describe('UpstreamHttpClient', () => {
  it('sends auth headers and repeated query parameters', async () => {
    metrics = new UpstreamMetrics();
    const res = await client().request<{ auth: string; q: string[] }>({
      method: 'GET',
      path: '/echo',
      operation: 'GET /echo',
      query: { id: ['a', 'b'], skip: undefined },
    });
    expect(res.body).toEqual({ auth: 'Basic c2VjcmV0', q: ['a', 'b'] });
    expect(metrics.snapshot('up')).toMatchObject({
      requests: 1,
      calls: 1,
      byOperation: { 'GET /echo': 1 },
    });
  });

  it('retries an idempotent call on 503 with jittered backoff, then succeeds', async () => {
    metrics = new UpstreamMetrics();
    script = [
      { status: 503, body: {} },
      { status: 502, body: {} },
      { status: 200, body: { ok: 1 } },
    ];
    const res = await client().request({
      method: 'GET',
      path: '/script',
      operation: 'GET /script',
    });
    expect(res.body).toEqual({ ok: 1 });
    expect(server.requestCount('up')).toBe(3);
    expect(sleeps).toHaveLength(2);
    expect(sleeps[0]).toBeLessThanOrEqual(50);
    expect(sleeps[1]).toBeLessThanOrEqual(100);
    expect(metrics.snapshot('up')).toMatchObject({
      requests: 3,
      calls: 1,
      retries: 2,
      failures: 0,
    });
  });

  it('honours Retry-After on 429', async () => {
    metrics = new UpstreamMetrics();
    script = [
      { status: 429, headers: { 'retry-after': '1' }, body: {} },
      { status: 200, body: {} },
    ];
    await client().request({ method: 'GET', path: '/script', operation: 'GET /script' });
    expect(sleeps).toEqual([1000]);
  });

  it('gives up at once with RATE_LIMITED when Retry-After is too long to wait', async () => {
    metrics = new UpstreamMetrics();
    script = [
      { status: 429, headers: { 'retry-after': '30' }, body: { secret: 'upstream detail' } },
    ];
    const error = await client()
      .request({ method: 'GET', path: '/script', operation: 'GET /script' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamHttpError);
    const gateway = (error as UpstreamHttpError).toGatewayError();
    expect(gateway.code).toBe(ErrorCode.RATE_LIMITED);
    expect(gateway.extensions).toEqual({ code: 'RATE_LIMITED', upstream: 'up', retryAfter: 30 });
    expect(JSON.stringify(gateway.extensions) + gateway.message).not.toContain('upstream detail');
    expect(server.requestCount('up')).toBe(1);
  });

  it('never retries a non-idempotent POST', async () => {
    metrics = new UpstreamMetrics();
    script = [
      { status: 503, body: {} },
      { status: 200, body: {} },
    ];
    await expect(
      client().request({ method: 'POST', path: '/script', operation: 'POST /script', body: {} }),
    ).rejects.toBeInstanceOf(UpstreamHttpError);
    expect(server.requestCount('up')).toBe(1);
  });

  it('does not retry a 4xx', async () => {
    metrics = new UpstreamMetrics();
    script = [{ status: 404, body: {} }];
    const error = (await client()
      .request({ method: 'GET', path: '/script', operation: 'GET /script' })
      .catch((e: unknown) => e)) as UpstreamHttpError;
    expect(error.status).toBe(404);
    expect(error.toGatewayError().code).toBe(ErrorCode.NOT_FOUND);
    expect(server.requestCount('up')).toBe(1);
  });

  it('turns a hung upstream into UPSTREAM_TIMEOUT after retries that fit the deadline', async () => {
    metrics = new UpstreamMetrics();
    server.setKnobs('up', { timeoutRate: 1 });
    const error = await client({ timeoutMs: 100 })
      .request({ method: 'GET', path: '/script', operation: 'GET /script' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe(ErrorCode.UPSTREAM_TIMEOUT);
    expect(server.requestCount('up')).toBe(3);
  });

  it('bounds a call, retries included, by its deadline (by default its timeout)', async () => {
    metrics = new UpstreamMetrics();
    server.setKnobs('up', { timeoutRate: 1 });
    // The first attempt uses the whole deadline: no retry starts after it.
    const error = await client({ timeoutMs: 100, deadlineMs: 100 })
      .request({ method: 'GET', path: '/script', operation: 'GET /script' })
      .catch((e: unknown) => e);
    expect((error as GatewayError).code).toBe(ErrorCode.UPSTREAM_TIMEOUT);
    expect(server.requestCount('up')).toBe(1);
    expect(metrics.snapshot('up').retries).toBe(0);
  });

  it('retries quick failures within the deadline', async () => {
    metrics = new UpstreamMetrics();
    script = [
      { status: 500, body: {} },
      { status: 500, body: {} },
    ];
    const res = await client({ timeoutMs: 100 }).request({
      method: 'GET',
      path: '/script',
      operation: 'GET /script',
    });
    expect(res.status).toBe(200);
    expect(server.requestCount('up')).toBe(3);
  });

  it('times out an upstream that sends its headers and then stalls in the body', async () => {
    metrics = new UpstreamMetrics();
    let requests = 0;
    const stalling: Server = createServer((_req, res) => {
      requests += 1;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"data":[');
    });
    await new Promise<void>((resolve) => stalling.listen(0, '127.0.0.1', resolve));
    const { port } = stalling.address() as AddressInfo;
    const stalled = client({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 150 });
    try {
      const error = await stalled
        .request({ method: 'GET', path: '/orders', operation: 'GET /orders' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GatewayError);
      expect((error as GatewayError).code).toBe(ErrorCode.UPSTREAM_TIMEOUT);
      expect(requests).toBe(3);
    } finally {
      await stalled.close();
      stalling.closeAllConnections();
      await new Promise((resolve) => stalling.close(resolve));
    }
  });

  it('turns a dropped connection into UPSTREAM_UNAVAILABLE', async () => {
    metrics = new UpstreamMetrics();
    server.setKnobs('up', { dropRate: 1 });
    const error = await client()
      .request({ method: 'POST', path: '/script', operation: 'POST /script' })
      .catch((e: unknown) => e);
    expect((error as GatewayError).code).toBe(ErrorCode.UPSTREAM_UNAVAILABLE);
  });

  it('opens the circuit after repeated failures and stops calling the upstream', async () => {
    metrics = new UpstreamMetrics();
    let now = 0;
    const breaker = new CircuitBreaker(3, 10_000, () => now);
    const c = client({ breaker, retry: { maxAttempts: 1 } });
    script = Array.from({ length: 3 }, () => ({ status: 500, body: {} }));
    for (let i = 0; i < 3; i++)
      await c
        .request({ method: 'GET', path: '/script', operation: 'GET /script' })
        .catch(() => undefined);
    expect(breaker.state).toBe('open');
    const error = (await c
      .request({ method: 'GET', path: '/script', operation: 'GET /script' })
      .catch((e: unknown) => e)) as GatewayError;
    expect(error.code).toBe(ErrorCode.UPSTREAM_UNAVAILABLE);
    expect(error.extensions['retryAfter']).toBe(10);
    expect(server.requestCount('up')).toBe(3);
    expect(metrics.snapshot('up').shortCircuited).toBe(1);
    now = 10_000;
    await c.request({ method: 'GET', path: '/script', operation: 'GET /script' });
    expect(breaker.state).toBe('closed');
  });

  it('lets a parser keep decimals exact', async () => {
    metrics = new UpstreamMetrics();
    const res = await client().request<{ amount: string }>({
      method: 'GET',
      path: '/decimal',
      operation: 'GET /decimal',
      parse: (text) => ({ amount: /"amount":([\d.]+)/.exec(text)?.[1] }),
    });
    expect(res.body.amount).toBe('9007199254740993.01');
  });

  it('hands a successful JSON body to a byte parser, and decodes anything else as text', async () => {
    metrics = new UpstreamMetrics();
    const seen: number[] = [];
    const parseBytes = (body: Uint8Array) => {
      seen.push(body.length);
      return {
        bytes: body.length,
        name: (JSON.parse(Buffer.from(body).toString()) as { n: string }).n,
      };
    };
    script = [
      { status: 200, json: '{"n":"Łódź"}' },
      { status: 200, json: 'not json' },
      { status: 200, text: 'plain' },
      { status: 404, json: '{"n":"Kraków","correlationId":"c-1"}' },
    ];
    const request = () =>
      client().request<unknown>({
        method: 'GET',
        path: '/script',
        operation: 'GET /script',
        parseBytes,
      });
    // The bytes as sent: "Łódź" is 7 bytes of UTF-8, the body 15.
    expect((await request()).body).toEqual({ bytes: 15, name: 'Łódź' });
    // A body the parser rejects, or that is not JSON, is kept as its text, as with `parse`.
    expect((await request()).body).toBe('not json');
    expect((await request()).body).toBe('plain');
    const error = (await request().catch((e: unknown) => e)) as UpstreamHttpError;
    expect(error.status).toBe(404);
    expect(error.body).toEqual({ n: 'Kraków', correlationId: 'c-1' });
    expect(seen).toEqual([15, 8]);
  });

  it('maps every status to one code', () => {
    expect([400, 401, 403, 404, 409, 410, 422, 429, 500, 502, 503, 504].map(codeForStatus)).toEqual(
      [
        'BAD_USER_INPUT',
        'UPSTREAM_ERROR',
        'UPSTREAM_ERROR',
        'NOT_FOUND',
        'CONFLICT',
        'NOT_FOUND',
        'BAD_USER_INPUT',
        'RATE_LIMITED',
        'UPSTREAM_ERROR',
        'UPSTREAM_UNAVAILABLE',
        'UPSTREAM_UNAVAILABLE',
        'UPSTREAM_UNAVAILABLE',
      ],
    );
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('7')).toBe(7);
    expect(parseRetryAfter(new Date(60_000).toUTCString(), 0)).toBe(60);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});
