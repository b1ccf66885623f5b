import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { storedEvents } from '../shopline/helpers.js';

const run = promisify(execFile);

/** `npm run sandbox -- …` as a person runs it: its own process, exit code and output. */
async function sandboxCli(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', 'src/sandbox/main.ts', ...args],
      { env: { ...process.env, ...env }, timeout: 60_000 },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('the sandbox command line', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway();
  });
  afterAll(() => t?.close());

  it('prints its help and exits instead of starting a server', async () => {
    const help = await sandboxCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: npm run sandbox -- \[command\]/);
    expect(help.stdout).toContain('shopline:install');
    const install = await sandboxCli(['shopline:install', '-h']);
    expect(install.code).toBe(0);
    expect(install.stdout).toContain('--gateway URL');
  });

  it('finds the running gateway on $PORT and delivers the install webhooks to it', async () => {
    const port = new URL(t.url).port;
    const res = await sandboxCli(['shopline:install', '--merchant', 'cli-merchant'], {
      PORT: port,
    });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    // Stored in the gateway's webhook inbox, verified as SHOPLINE signs them.
    expect(await storedEvents(t, 'cli-merchant')).toBe(2);
    expect(
      res.stdout
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { status: number }).status),
    ).toEqual([200, 200]);
  });

  it('turns failures into one line saying what to do', async () => {
    for (const [args, message] of [
      [['shopline:install', '--merchant', 'm', '--gateway', 'http://127.0.0.1:9'], /--gateway/],
      [['shopline:install'], /needs --merchant/],
      [['bogus'], /unknown command "bogus"/],
      [['--port', 'x'], /--port must be a whole number/],
    ] as const) {
      const res = await sandboxCli([...args]);
      expect(res.code, args.join(' ')).toBe(1);
      const lines = res.stderr.trim().split('\n');
      expect(lines, args.join(' ')).toHaveLength(1);
      expect(lines[0]).toMatch(/^sandbox: /);
      expect(lines[0]).toMatch(message);
    }
  });
});
