import { startSandbox } from './index.js';
import { runShoplineInstall, SHOPLINE_INSTALL_HELP } from './shopline/install-command.js';

/** `npm run sandbox`: the upstream simulators as their own process (benchmarks, manual testing). */
const HELP = `Usage: npm run sandbox -- [command] [options]

Runs the upstream simulators (API Panda, Dispatch, Codat, Qard, SHOPLINE) as their own process.

Commands:
  (none)              start the simulators and keep serving until Ctrl-C
  shopline:install    send SHOPLINE's signed install webhooks to a running gateway, then exit
                      (npm run sandbox -- shopline:install --help)

Options (no command):
  --port N            port to listen on (default 4010)
  --host H            interface to listen on (default 127.0.0.1)
  --seed N            seed of the generated data (default 1)
  --latency MS        latency added to every upstream answer (default 0)
  -h, --help          show this help
`;

function flag(argv: readonly string[], name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
}

function number(argv: readonly string[], name: string, fallback: number): number {
  const raw = flag(argv, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`--${name} must be a whole number, got "${raw}"`);
  return value;
}

async function main(argv: readonly string[]): Promise<number> {
  const wantsHelp = argv.includes('--help') || argv.includes('-h');
  const [command] = argv;
  if (command === 'shopline:install') {
    if (wantsHelp) {
      process.stdout.write(SHOPLINE_INSTALL_HELP);
      return 0;
    }
    return runShoplineInstall([...argv.slice(1)]);
  }
  if (wantsHelp) {
    process.stdout.write(HELP);
    return 0;
  }
  if (command !== undefined && !command.startsWith('-'))
    throw new Error(`unknown command "${command}" (npm run sandbox -- --help lists them)`);
  const sandbox = await startSandbox({
    port: number(argv, 'port', 4010),
    host: flag(argv, 'host') ?? '127.0.0.1',
    seed: number(argv, 'seed', 1),
    knobs: { latencyMs: number(argv, 'latency', 0) },
  });
  console.log(JSON.stringify({ msg: 'sandbox listening', urls: sandbox.urls }));
  const stop = () => void sandbox.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  return -1;
}

// A failure is one line saying what to do, never a stack trace.
try {
  const code = await main(process.argv.slice(2));
  if (code >= 0) process.exit(code);
} catch (error) {
  console.error(`sandbox: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
