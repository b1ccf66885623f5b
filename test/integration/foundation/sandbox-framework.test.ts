import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { route, SandboxServer } from '../../../src/sandbox/framework.js';

describe('sandbox framework', () => {
  const server = new SandboxServer(
    [
      {
        name: 'demo',
        routes: [
          route('GET', '/items/:id', (req) => ({
            status: 200,
            body: { id: req.params['id'], q: req.query.get('q') },
          })),
        ],
      },
    ],
    { seed: 42 },
  );
  let base: string;
  beforeAll(async () => {
    await server.listen();
    base = server.urlFor('demo');
  });
  afterAll(() => server.close());

  it('routes by path parameters and logs each request', async () => {
    server.resetStats();
    const res = await fetch(`${base}/items/a%20b?q=1`);
    expect(await res.json()).toEqual({ id: 'a b', q: '1' });
    expect(server.requestCount('demo')).toBe(1);
    expect(server.requests('demo')[0]).toMatchObject({
      method: 'GET',
      route: '/items/:id',
      status: 200,
    });
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });

  it('adds latency and injects faults at the configured rates, deterministically', async () => {
    server.setKnobs('demo', { latencyMs: 30 });
    const started = performance.now();
    await fetch(`${base}/items/1`);
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);

    server.setKnobs('demo', { latencyMs: 0, rateLimitRate: 1, retryAfterSeconds: 7 });
    const limited = await fetch(`${base}/items/1`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');

    server.setKnobs('demo', { rateLimitRate: 0, errorRate: 0.5 });
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await fetch(`${base}/items/1`)).status);
    const errors = statuses.filter((s) => s === 500).length;
    expect(errors).toBeGreaterThan(8);
    expect(errors).toBeLessThan(32);

    server.setKnobs('demo', { errorRate: 0, dropRate: 1 });
    await expect(fetch(`${base}/items/1`)).rejects.toThrow();
    server.setKnobs('demo', { dropRate: 0 });
  });

  it('exposes a control API for a sandbox running as its own process', async () => {
    const origin = new URL(base).origin;
    const knobs = await fetch(`${origin}/__sandbox/knobs/demo`, {
      method: 'POST',
      body: JSON.stringify({ latencyMs: 5 }),
    });
    expect(await knobs.json()).toMatchObject({ latencyMs: 5 });
    await fetch(`${origin}/__sandbox/reset`, { method: 'POST' });
    await fetch(`${base}/items/9`);
    expect(await (await fetch(`${origin}/__sandbox/stats`)).json()).toEqual({
      requests: { demo: 1 },
    });
  });
});

describe('npm run sandbox', () => {
  it('serves every simulator from its own process', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/sandbox/main.ts', '--port', '0'],
      {
        cwd: new URL('../../../', import.meta.url).pathname,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    const urls = await new Promise<Record<string, string>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no start line: ${out}`)), 20_000);
      const poll = setInterval(() => {
        const line = out.split('\n').find((l) => l.includes('sandbox listening'));
        if (line) {
          clearInterval(poll);
          clearTimeout(timer);
          resolve((JSON.parse(line) as { urls: Record<string, string> }).urls);
        }
      }, 50);
    });
    const res = await fetch(`${urls['apipanda']}/api/v1/connection/link-token/pk_sandbox_demo`, {
      method: 'POST',
    });
    expect(await res.json()).toEqual({ linkToken: expect.stringMatching(/^lt_/) });
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  });
});
