import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { startSandbox } from '../../../src/sandbox/index.js';
import { installEvents } from '../../../src/sandbox/shopline/seed-events.js';
import { deliverWebhook } from '../../../src/sandbox/shopline/webhook-deliverer.js';
import { withSandboxUpstreams } from '../../../src/sandbox/wire.js';
import { startGateway } from '../../../src/server/gateway.js';
import { createLogger } from '../../../src/server/logger.js';
import { openStore } from '../../../src/store/database.js';
import { shoplineMerchants, shoplineWebhookEvents } from '../../../src/store/tables/index.js';
import { SANDBOX_SHOPLINE_APP_SECRET } from '../../../src/sandbox/shopline/simulator.js';

const dataDir = mkdtempSync(join(tmpdir(), 'shopline-crash-'));
const secretsKey = randomBytes(32).toString('base64');
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('SHOPLINE inbox crash recovery', () => {
  it('applies on restart an event stored just before the process died', async () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(import.meta.dirname, 'fixtures/crash-after-insert.ts'),
        dataDir,
        secretsKey,
      ],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const exited = once(child, 'exit');
    const ready = once(createInterface({ input: child.stdout! }), 'line') as Promise<[string]>;
    const [line] = await Promise.race([
      ready,
      exited.then(([exitCode]) => {
        throw new Error(`the gateway process exited (${String(exitCode)}) before listening`);
      }),
    ]);
    const { url } = JSON.parse(line) as { url: string };

    const [install, create] = installEvents('m-crash', 'tok-crash', ['orders']);
    // The process exits after storing, so the delivery gets no answer (SHOPLINE would retry).
    await expect(deliverWebhook(url, SANDBOX_SHOPLINE_APP_SECRET, install)).rejects.toThrow();
    const [code] = (await exited) as [number];
    expect(code).toBe(86);

    // The crash happened between the two steps: stored, not applied.
    const store = await openStore({ dataDir: join(dataDir, 'pglite') });
    const stored = await store.db
      .select()
      .from(shoplineWebhookEvents)
      .where(eq(shoplineWebhookEvents.merchantId, 'm-crash'));
    expect(stored.map((e) => [e.topic, e.appliedAt])).toEqual([['application/install', null]]);
    expect(
      await store.db
        .select()
        .from(shoplineMerchants)
        .where(eq(shoplineMerchants.merchantId, 'm-crash')),
    ).toEqual([]);
    await store.close();

    const sandbox = await startSandbox();
    const config = withSandboxUpstreams(
      loadConfig({
        PORT: '0',
        HOST: '127.0.0.1',
        SANDBOX: 'true',
        LOG_LEVEL: 'silent',
        DATA_DIR: dataDir,
        SECRETS_KEY: secretsKey,
      }),
      sandbox,
    );
    const gateway = await startGateway(config, { logger: createLogger('silent') });
    try {
      const { shopline } = gateway.services;
      expect(await shopline.inbox.unappliedCount('m-crash')).toBe(0);
      expect((await shopline.merchants.get('m-crash'))?.installState).toBe('INSTALLED');

      // SHOPLINE's retry of the lost delivery is a duplicate; the next event applies on top.
      expect(await deliverWebhook(gateway.url, SANDBOX_SHOPLINE_APP_SECRET, install)).toBe(200);
      expect(await deliverWebhook(gateway.url, SANDBOX_SHOPLINE_APP_SECRET, create)).toBe(200);
      const tokens = await shopline.merchants.tokensOf(['m-crash']);
      expect(tokens.map((t) => [t.scopes, t.status])).toEqual([[['orders'], 'ACTIVE']]);
      expect((await shopline.merchants.usableToken('m-crash', 'orders'))?.token).toBe('tok-crash');
    } finally {
      await gateway.close();
      await sandbox.close();
    }
  }, 180_000);
});
