import { readFileSync } from 'node:fs';
import type { Config } from '../config.js';
import { QardProviderSettings } from '../modules/commerce/qard-provider-settings.js';
import { createUpstreamHttp } from '../upstreams/upstream-http.js';
import { createLogger } from '../server/logger.js';
import type { Store } from '../store/database.js';
import { QardClient } from '../upstreams/qard/qard-client.js';
import { UpstreamMetrics } from '../upstreams/upstream-metrics.js';
import { UsageError } from './usage.js';

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

function booleanFlag(args: string[], name: string): boolean {
  const value = flag(args, name);
  if (value !== 'true' && value !== 'false')
    throw new UsageError(`--${name} must be true or false`);
  return value === 'true';
}

/**
 * `qard-provider configure`: Qard provider settings belong to the deployment's one Qard account,
 * so the operator sets them here rather than any workspace through the API. The client secret is
 * read from a file so it stays out of shell history and process listings.
 */
export async function configureQardProviderCommand(
  config: Config,
  args: string[],
  withStore: <T>(fn: (store: Store) => Promise<T>) => Promise<T>,
): Promise<string> {
  const provider = flag(args, 'provider');
  if (!provider) throw new UsageError('--provider is required');
  const enabled = booleanFlag(args, 'enabled');
  const autoConnect = booleanFlag(args, 'auto-connect');
  const clientId = flag(args, 'client-id');
  const secretFile = flag(args, 'client-secret-file');
  if ((clientId === undefined) !== (secretFile === undefined))
    throw new UsageError('--client-id and --client-secret-file go together');
  const credentials =
    clientId !== undefined && secretFile !== undefined
      ? { clientId, clientSecret: readFileSync(secretFile, 'utf8').trim() }
      : null;
  if (!config.upstreams.qard.baseUrl || !config.qard.apiKey)
    throw new UsageError('QARD_BASE_URL and QARD_API_KEY must be set to configure Qard');

  const closers: Array<() => Promise<void> | void> = [];
  const qard = new QardClient(
    createUpstreamHttp(
      {
        config,
        logger: createLogger(config.logLevel),
        metrics: new UpstreamMetrics(),
        onClose: (fn) => void closers.push(fn),
      },
      'qard',
      { defaultHeaders: { 'x-api-key': config.qard.apiKey } },
    ),
  );
  try {
    const outcome = await withStore((store) =>
      new QardProviderSettings(store.db, qard).configure({
        provider,
        credentials,
        autoConnect,
        enabled,
      }),
    );
    if ('userErrors' in outcome)
      throw new UsageError(
        outcome.userErrors.map((e) => `${e.field?.join('.') ?? ''}: ${e.message}`).join('; '),
      );
    const s = outcome.ok;
    return `Qard provider "${s.provider}": enabled ${s.enabled}, auto-connect ${s.autoConnect}, credentials ${s.credentialsUpdatedAt ? `set ${s.credentialsUpdatedAt.toISOString()}` : 'unchanged'}`;
  } finally {
    for (const close of closers) await close();
  }
}
