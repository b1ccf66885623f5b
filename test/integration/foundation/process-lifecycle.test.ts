import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { splitStartCommand } from '../../../scripts/start-command.js';

/** The gateway as a user runs it: `npm start` in sandbox mode, the CLI, and SIGTERM. */
const root = new URL('../../../', import.meta.url).pathname;
const scripts = (
  JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  }
).scripts;
// `npm start`'s own command line, run as node directly so the signals reach the gateway and not
// npm; its `prestart` builds the compiled gateway it runs first. Leading NAME=value words are the
// environment the shell would give it.
const { env: startEnv, argv: startWords } = splitStartCommand(scripts['start']!);
const [startBin, ...startArgs] = startWords;
beforeAll(() => {
  expect(startBin).toBe('node');
  const build = spawnSync('npm', ['run', '--silent', 'prestart'], { cwd: root, encoding: 'utf8' });
  expect(build.status, build.stdout + build.stderr).toBe(0);
}, 180_000);
const WAIT = { timeout: 15_000, interval: 10 };
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'cg-life-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function startProcess(
  dataDir: string,
): Promise<{ child: ChildProcess; url: string; key: string; output: () => string }> {
  const child = spawn(process.execPath, startArgs, {
    cwd: root,
    env: {
      ...startEnv,
      PATH: process.env['PATH'],
      DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not start:\n${out}`)), 60_000);
    const check = setInterval(() => {
      const m = /SANDBOX\) at (http:\/\/\S+)\/graphql\s+demo workspace API key: (\S+)/.exec(out);
      // The banner (console) and the log lines (the logger's own stream) reach the pipes
      // independently: started means both have arrived, or the timer reports what did.
      if (m && out.includes('SANDBOX MODE')) {
        clearInterval(check);
        clearTimeout(timer);
        resolve({ child, url: m[1]!, key: m[2]!, output: () => out });
      }
    }, 50);
  });
}

/** A GraphQL query to a started gateway with its demo key. */
const queryOf =
  (url: string, key: string) =>
  async <T>(q: string): Promise<{ data: T; errors?: unknown[] }> => {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify({ query: q }),
    });
    return (await res.json()) as { data: T; errors?: unknown[] };
  };

/** Each link answers its own orders (every store synced), beside one established connection. */
async function expectEachLinkServed(
  query: ReturnType<typeof queryOf>,
  links: ReadonlyArray<{ id: string }>,
): Promise<void> {
  for (const { id } of links) {
    const own = await query<{ commerce: { orders: { totalCount: number } } }>(
      `{ commerce { orders(filter: { linkIds: ["${id}"] }) { totalCount } } }`,
    );
    expect(own.errors).toBeUndefined();
    expect(own.data.commerce.orders.totalCount).toBeGreaterThan(0);
  }
  const connections = await query<{ connections: { nodes: Array<{ status: string }> } }>(
    '{ connections { nodes { status } } }',
  );
  expect(connections.errors).toBeUndefined();
  expect(connections.data.connections.nodes).toEqual([{ status: 'ESTABLISHED' }]);
}

describe('npm start in sandbox mode', () => {
  it('serves with a demo key kept under DATA_DIR, says loudly it is a sandbox, and drains on SIGTERM', async () => {
    const dataDir = tempDir();
    const { child, url, key, output } = await startProcess(dataDir);
    expect(readFileSync(join(dataDir, 'sandbox-api-key'), 'utf8')).toBe(key);
    expect(output()).toMatch(
      /"level":"warn".*SANDBOX MODE: every unconfigured upstream is SIMULATED/,
    );

    const page = await fetch(`${url}/graphql`, { headers: { accept: 'text/html' } });
    expect(await page.text()).toContain(JSON.stringify(key).slice(1, -1));

    // A request still in flight when SIGTERM arrives: headers received, body not yet complete.
    // `Expect: 100-continue` makes the server say when it has the headers.
    const body = JSON.stringify({ query: '{ viewer { workspace { handle } } }' });
    const { port } = new URL(url);
    const socket = net.connect(Number(port), '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    let response = '';
    socket.on('data', (c: Buffer) => (response += c.toString()));
    socket.write(
      `POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nx-api-key: ${key}\r\nContent-Length: ${body.length}\r\nExpect: 100-continue\r\n\r\n${body.slice(0, 10)}`,
    );
    await vi.waitFor(() => expect(response).toMatch(/^HTTP\/1.1 100 Continue\r\n\r\n/), WAIT);
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    await vi.waitFor(() => expect(output()).toContain('draining in-flight requests'), WAIT);
    socket.write(body.slice(10));
    const code = await exited;
    expect(response.replace(/^HTTP\/1.1 100 Continue\r\n\r\n/, '')).toMatch(/^HTTP\/1.1 200/);
    expect(response).toContain('"handle":"demo"');
    expect(code).toBe(0);
    expect(output()).toContain('draining in-flight requests');
  });

  it("starts the demo workspace with linked, synced stores: the tour's orders query answers orders of Codat, Qard and SHOPLINE, beside an established API Panda connection", async () => {
    const { child, url, key } = await startProcess(tempDir());
    const query = queryOf(url, key);
    try {
      const orders = await query<{
        commerce: {
          orders: { totalCount: number; nodes: unknown[] };
          sources: Array<{ source: string; status: string }>;
        };
      }>(
        `{ commerce { orders(first: 10) { totalCount nodes { id createdAt totalAmount { amount currencyCode } customer { name } } }
           sources { source status } } }`,
      );
      expect(orders.errors).toBeUndefined();
      expect(orders.data.commerce.orders.totalCount).toBeGreaterThan(1000);
      expect(orders.data.commerce.orders.nodes).toHaveLength(10);
      expect(orders.data.commerce.sources.map((s) => [s.source, s.status]).sort()).toEqual([
        ['CODAT', 'LINKED'],
        ['QARD', 'LINKED'],
        ['SHOPLINE', 'LINKED'],
      ]);
      // Each link's own orders: every store was synced, not only the fastest one.
      const links = await query<{ commerce: { sources: Array<{ id: string }> } }>(
        '{ commerce { sources { id } } }',
      );
      await expectEachLinkServed(query, links.data.commerce.sources);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  }, 60_000);

  it('keeps the same demo key across restarts', async () => {
    const dataDir = tempDir();
    const first = await startProcess(dataDir);
    first.child.kill('SIGTERM');
    await new Promise((r) => first.child.once('exit', r));
    const second = await startProcess(dataDir);
    expect(second.key).toBe(first.key);
    const res = await fetch(`${second.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': second.key },
      body: JSON.stringify({ query: '{ viewer { workspace { handle } } }' }),
    });
    expect(await res.json()).toEqual({ data: { viewer: { workspace: { handle: 'demo' } } } });
    second.child.kill('SIGTERM');
    await new Promise((r) => second.child.once('exit', r));
  });

  it('answers the demo workspace’s orders after a restart over the same DATA_DIR, whose simulators start empty', async () => {
    const dataDir = tempDir();
    const first = await startProcess(dataDir);
    first.child.kill('SIGTERM');
    await new Promise((r) => first.child.once('exit', r));
    const { child, url, key, output } = await startProcess(dataDir);
    const query = queryOf(url, key);
    try {
      // The first query after the restart, as the tour runs it.
      const orders = await query<{
        commerce: {
          orders: { totalCount: number };
          sources: Array<{ id: string; source: string; status: string }>;
        };
      }>('{ commerce { orders(first: 10) { totalCount } sources { id source status } } }');
      expect(orders.errors, output()).toBeUndefined();
      expect(orders.data.commerce.orders.totalCount).toBeGreaterThan(0);
      // One link per source, none left over from the first run pointing at nothing.
      const sources = orders.data.commerce.sources;
      expect(sources.map((s) => [s.source, s.status]).sort()).toEqual([
        ['CODAT', 'LINKED'],
        ['QARD', 'LINKED'],
        ['SHOPLINE', 'LINKED'],
      ]);
      await expectEachLinkServed(query, sources);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  }, 150_000);
});

describe('CLI', () => {
  it('creates an API key for a workspace and stores only its digest', () => {
    const dataDir = tempDir();
    const run = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/main.ts',
        'api-key',
        'create',
        '--workspace',
        'shop-1',
        '--role',
        'member',
      ],
      {
        cwd: root,
        env: { PATH: process.env['PATH'], DATA_DIR: dataDir },
        encoding: 'utf8',
      },
    );
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(
      /API key for workspace "shop-1" \(member\); it is shown only once:\ncg_[0-9a-f]{8}_\S+/,
    );
  });

  it('stops start-up with one line naming a wrong variable', () => {
    const run = spawnSync(process.execPath, startArgs, {
      cwd: root,
      env: { PATH: process.env['PATH'], PORT: 'eighty' },
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe('Invalid PORT: expected a port number (0-65535) (got "eighty")');
  });
});
