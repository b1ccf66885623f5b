import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QardProviderSettings } from '../../../src/modules/commerce/qard-provider-settings.js';
import { startSandbox, type Sandbox } from '../../../src/sandbox/index.js';
import { SANDBOX_QARD_API_KEY } from '../../../src/sandbox/qard/simulator.js';
import { openStore } from '../../../src/store/database.js';

/** The operator's command for Qard provider settings, run as an operator would. */

const run = promisify(execFile);
let sandbox: Sandbox;
let dir: string;

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 5 });
  dir = mkdtempSync(join(tmpdir(), 'cg-qard-cli-'));
});
afterAll(async () => {
  await sandbox?.close();
  rmSync(dir, { recursive: true, force: true });
});

function cli(args: string[]) {
  return run(process.execPath, ['--import', 'tsx', 'src/main.ts', 'qard-provider', ...args], {
    env: {
      PATH: process.env['PATH'] ?? '',
      DATA_DIR: dir,
      LOG_LEVEL: 'silent',
      SECRETS_KEY: randomBytes(32).toString('base64'),
      QARD_BASE_URL: sandbox.urls.qard!,
      QARD_API_KEY: SANDBOX_QARD_API_KEY,
    },
  }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );
}

describe('npm run cli -- qard-provider configure', () => {
  it('sets a provider for the deployment through Qard and records it, the secret read from a file', async () => {
    const secretFile = join(dir, 'secret');
    writeFileSync(secretFile, 'shpss_cli_secret_0123\n');
    const bad = await cli(['configure', '--provider', 'shopify', '--enabled', 'yes']);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe('--enabled must be true or false');
    expect(sandbox.server.requestCount('qard')).toBe(0);

    const ok = await cli([
      'configure',
      '--provider',
      'Shopify',
      '--enabled',
      'true',
      '--auto-connect',
      'false',
      '--client-id',
      'app-id',
      '--client-secret-file',
      secretFile,
    ]);
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toMatch(
      /^Qard provider "shopify": enabled true, auto-connect false, credentials set /,
    );
    expect(ok.stdout).not.toContain('shpss_cli_secret_0123');
    // Credentials, settings, enable: the seed's three calls.
    expect(sandbox.server.requests('qard').map((r) => `${r.method} ${r.route}`)).toHaveLength(3);

    const store = await openStore({ dataDir: `${dir}/pglite` });
    try {
      expect(await new QardProviderSettings(store.db, undefined).find('shopify')).toMatchObject({
        provider: 'shopify',
        enabled: true,
        autoConnect: false,
        credentialsUpdatedAt: expect.any(Date),
      });
    } finally {
      await store.close();
    }
    // Two CLI processes, each compiling the sources it loads on a shared machine.
  }, 120_000);
});
