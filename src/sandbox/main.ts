import { startSandbox } from './index.js';
import { runShoplineInstall } from './shopline/install-command.js';

/**
 * `npm run sandbox`: the upstream simulators as their own process (benchmarks, manual testing).
 * Options: --port N (default 4010), --latency MS, --seed N.
 */
function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

// `npm run sandbox -- shopline:install --merchant M`: deliver SHOPLINE webhooks, then exit.
if (process.argv[2] === 'shopline:install')
  process.exit(await runShoplineInstall(process.argv.slice(3)));

const sandbox = await startSandbox({
  port: Number(flag('port') ?? 4010),
  host: flag('host') ?? '127.0.0.1',
  seed: Number(flag('seed') ?? 1),
  knobs: { latencyMs: Number(flag('latency') ?? 0) },
});
console.log(JSON.stringify({ msg: 'sandbox listening', urls: sandbox.urls }));

const stop = () => void sandbox.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
