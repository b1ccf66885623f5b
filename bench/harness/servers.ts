import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SANDBOX_PUBLIC_TOKEN } from '../../src/sandbox/apipanda/simulator.js';
import { SANDBOX_CODAT_API_KEY } from '../../src/sandbox/codat/simulator.js';
import { SANDBOX_QARD_API_KEY } from '../../src/sandbox/qard/simulator.js';
import {
  SANDBOX_SHOPLINE_APP_SECRET,
  SANDBOX_SHOPLINE_CLIENT_ID,
  SANDBOX_SHOPLINE_CLIENT_SECRET,
} from '../../src/sandbox/shopline/simulator.js';
import { splitStartCommand } from '../../scripts/start-command.js';
import { spawnPinned, waitForHttp, type ManagedProcess } from './processes.js';

/** How each server of a run is started: the sandbox, this gateway, the peer and the limit. */

const run = promisify(execFile);

export const ROOT = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
export const PEER_DIR = join(ROOT, 'bench/peer');
const TSX = ['--import', 'tsx'];

/**
 * `npm start`'s command line from package.json (`node <flags> dist/main.js start`), so the bench
 * starts the gateway exactly as deployed: the compiled JavaScript and the same V8 flags.
 */
function npmStart(): { env: Record<string, string>; nodeFlags: string[]; main: string } {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const { env, argv: words } = splitStartCommand(pkg.scripts['start'] ?? '');
  const main = words.at(-2);
  if (words[0] !== 'node' || words.at(-1) !== 'start' || !main?.endsWith('.js')) {
    throw new Error(
      `npm start is not "[NAME=value …] node <flags> <main>.js start": ${words.join(' ')}`,
    );
  }
  return { env, nodeFlags: words.slice(1, -2), main };
}
const START = npmStart();

/**
 * More V8 flags for the gateway process only, after `npm start`'s own so they override them
 * (`BENCH_GATEWAY_NODE_FLAGS="--heap-growing-percent=0"` measures V8's default): a memory setting
 * is measured here before `npm start` adopts it. NODE_OPTIONS would also reach the load generator
 * and the sandbox, and refuses most V8 flags.
 */
const EXTRA_NODE_FLAGS = (process.env['BENCH_GATEWAY_NODE_FLAGS'] ?? '')
  .split(/\s+/)
  .filter(Boolean);

let built: Promise<void> | undefined;

/**
 * The gateway is measured as deployed: the JavaScript `npm run build` compiles into dist/, not
 * TypeScript transformed on the fly by tsx, whose compiler and caches would be counted in the
 * gateway's memory and start-up. Built once per run, and only when dist/ was not built from the
 * current sources (`prestart` does the same check).
 */
export function buildGateway(): Promise<void> {
  built ??= (async () => {
    const started = Date.now();
    await run(process.execPath, [...TSX, 'scripts/build.ts', '--if-stale'], { cwd: ROOT });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const command = [
      ...Object.entries(START.env).map(([name, value]) => `${name}=${value}`),
      'node',
      ...START.nodeFlags,
      ...EXTRA_NODE_FLAGS,
      START.main,
      'start',
    ];
    console.log(
      `bench: gateway measured as deployed (compiled JS, built or checked in ${seconds} s): ${command.join(' ')}`,
    );
  })();
  return built;
}

export interface Server {
  process: ManagedProcess;
  origin: string;
  logFile: string;
  /** Processes measured and stopped with this one (a federation router's subgraphs). */
  members?: Server[];
}

/** Every pid a server's figures are read from: its own and its members'. */
export const serverPids = (server: Server): number[] => [
  server.process.pid,
  ...(server.members ?? []).map((m) => m.process.pid),
];

/** Stops a server and its members. */
export async function stopServer(server: Server): Promise<void> {
  await server.process.stop();
  for (const member of server.members ?? []) await member.process.stop();
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startSandbox(cpus: string, dir: string): Promise<Server> {
  const port = await freePort();
  const logFile = join(dir, 'sandbox.log');
  const proc = spawnPinned({
    name: 'sandbox',
    cpus,
    command: process.execPath,
    args: [...TSX, 'src/sandbox/main.ts', '--port', String(port), '--latency', '0'],
    cwd: ROOT,
    logFile,
  });
  const origin = `http://127.0.0.1:${port}`;
  await waitForHttp(`${origin}/__sandbox/stats`, proc, logFile);
  return { process: proc, origin, logFile };
}

/**
 * The environment of a gateway pointed at the sandbox process like at real upstreams: no
 * in-process sandbox, every base URL explicit, its own data folder and secrets key.
 */
export function gatewayEnvironment(
  sandboxOrigin: string,
  dataDir: string,
  secretsKey: string,
): Record<string, string> {
  return {
    SANDBOX: 'false',
    DATA_DIR: dataDir,
    SECRETS_KEY: secretsKey,
    HOST: '127.0.0.1',
    // One line per request at info level is the log shipper's cost, not the gateway's.
    LOG_LEVEL: 'warn',
    APIPANDA_BASE_URL: `${sandboxOrigin}/apipanda`,
    DISPATCH_BASE_URL: `${sandboxOrigin}/dispatch`,
    CODAT_BASE_URL: `${sandboxOrigin}/codat`,
    QARD_BASE_URL: `${sandboxOrigin}/qard`,
    SHOPLINE_API_BASE_URL: `${sandboxOrigin}/shopline`,
    // The sandbox's credentials, configured as a deployment configures real ones.
    APIPANDA_PUBLIC_TOKEN: SANDBOX_PUBLIC_TOKEN,
    CODAT_API_KEY: SANDBOX_CODAT_API_KEY,
    QARD_API_KEY: SANDBOX_QARD_API_KEY,
    // SHOPLINE's webhooks and the landing page's OAuth round trip (docs/shopline.md), so the
    // bench can install and claim a merchant as its admin would.
    SHOPLINE_APP_SECRET: SANDBOX_SHOPLINE_APP_SECRET,
    SHOPLINE_CLIENT_ID: SANDBOX_SHOPLINE_CLIENT_ID,
    SHOPLINE_CLIENT_SECRET: SANDBOX_SHOPLINE_CLIENT_SECRET,
    SHOPLINE_OAUTH_BASE_URL: `${sandboxOrigin}/shopline`,
  };
}

export const newSecretsKey = (): string => randomBytes(32).toString('base64');

/** Creates the workspace and an admin API key with the gateway's own CLI, the compiled build. */
export async function createApiKey(
  env: Record<string, string>,
  workspace: string,
): Promise<string> {
  await buildGateway();
  const { stdout } = await run(
    process.execPath,
    [
      START.main,
      'api-key',
      'create',
      '--workspace',
      workspace,
      '--name',
      'bench',
      '--role',
      'admin',
    ],
    { cwd: ROOT, env: { ...process.env, ...env } },
  );
  const key = stdout.trim().split('\n').pop()?.trim();
  if (!key) throw new Error(`the CLI printed no API key: ${stdout}`);
  return key;
}

/**
 * Configures the Qard sandbox's Shopify provider app as the operator does (the CLI): Qard
 * serves a platform only once its provider is configured, and that setting is the deployment's,
 * not a workspace's.
 */
export async function configureQardProvider(
  env: Record<string, string>,
  dir: string,
): Promise<void> {
  await buildGateway();
  const secretFile = join(dir, 'qard-client-secret');
  writeFileSync(secretFile, 'bench-secret');
  await run(
    process.execPath,
    [
      START.main,
      'qard-provider',
      'configure',
      '--provider',
      'shopify',
      '--enabled',
      'true',
      '--auto-connect',
      'true',
      '--client-id',
      'bench-client',
      '--client-secret-file',
      secretFile,
    ],
    { cwd: ROOT, env: { ...process.env, ...env } },
  );
}

export interface GatewayStart {
  cpus: string;
  dir: string;
  env: Record<string, string>;
  batching: boolean;
  cpuProfileDir: string | undefined;
  /** Another build's entry point, for A/B runs (bench/ab.ts); default `npm start`'s. */
  main?: string;
  /** Names the log file; default `gateway` (or `naive` without batching). */
  name?: string;
  /** Node flags in place of `npm start`'s, for A/B runs of a memory or V8 setting. */
  nodeFlags?: string[];
  /** Arguments after `start` (`--federated`: `npm run federation`). */
  args?: string[];
}

/** `npm start`, run as node directly so the measured pid is the gateway's and not npm's. */
export async function startGateway(options: GatewayStart): Promise<Server> {
  await buildGateway();
  const port = await freePort();
  const name = options.name ?? (options.batching ? 'gateway' : 'naive');
  const logFile = join(options.dir, `${name}.log`);
  const profile = options.cpuProfileDir
    ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`]
    : [];
  const proc = spawnPinned({
    name,
    cpus: options.cpus,
    command: process.execPath,
    args: [
      ...(options.nodeFlags ?? START.nodeFlags),
      ...EXTRA_NODE_FLAGS,
      ...profile,
      options.main ?? START.main,
      'start',
      ...(options.args ?? []),
    ],
    cwd: ROOT,
    env: {
      ...START.env,
      // The load comes from one workspace on purpose: its cost budget would measure itself.
      RATE_LIMIT_POINTS_PER_SECOND: '0',
      ...options.env,
      PORT: String(port),
      DATALOADER_BATCHING: String(options.batching),
    },
    logFile,
  });
  const origin = `http://127.0.0.1:${port}`;
  await waitForHttp(`${origin}/readyz`, proc, logFile);
  return { process: proc, origin, logFile };
}

/** Installs the peer's packages from its lockfile on first use (they never enter the root package). */
export async function ensurePeerInstalled(): Promise<void> {
  if (existsSync(join(PEER_DIR, 'node_modules/@graphql-hive/gateway'))) return;
  console.log('installing the peer gateway (npm ci --prefix bench/peer) ...');
  await run('npm', ['ci', '--prefix', PEER_DIR, '--no-audit', '--no-fund'], { cwd: ROOT });
}

/**
 * Composes the Mesh supergraph of our Codat OpenAPI document for this run's company: with the
 * `@resolveTo` links, or (batched) with the bare fields the batched peer's resolvers serve.
 */
export async function composePeerSupergraph(
  dir: string,
  env: Record<string, string>,
  batched: boolean,
): Promise<string> {
  const output = join(dir, batched ? 'peer-batched-supergraph.graphql' : 'peer-supergraph.graphql');
  await run(
    process.execPath,
    [join(PEER_DIR, 'node_modules/@graphql-mesh/compose-cli/esm/bin.js'), '-o', output],
    { cwd: PEER_DIR, env: { ...process.env, ...env, BENCH_PEER_BATCHED: batched ? '1' : '' } },
  );
  return output;
}

/**
 * Hive Gateway serving a peer supergraph. The batched peer's config (its resolvers) reads the
 * run's Codat ids and the Mesh names from `env` (peerEnvironment).
 */
export function startPeer(
  cpus: string,
  dir: string,
  supergraph: string,
  batched: boolean,
  env: Record<string, string>,
): Promise<Server> {
  const name = batched ? 'peer-batched' : 'peer';
  return startHiveGateway({
    name,
    cpus,
    dir,
    supergraph,
    config: batched ? 'gateway.batched.config.ts' : 'gateway.config.ts',
    env,
    logFile: join(dir, `${name}.log`),
  });
}

/** Hive Gateway (bench/peer's install) serving a supergraph with one of bench/peer's configs. */
export async function startHiveGateway(o: {
  name: string;
  cpus: string;
  dir: string;
  supergraph: string;
  config: string;
  env: Record<string, string>;
  logFile: string;
}): Promise<Server> {
  const port = await freePort();
  const proc = spawnPinned({
    name: o.name,
    cpus: o.cpus,
    command: process.execPath,
    args: [
      join(PEER_DIR, 'node_modules/@graphql-hive/gateway/dist/bin.js'),
      'supergraph',
      o.supergraph,
      '--config-path',
      join(PEER_DIR, o.config),
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
    ],
    // Not bench/peer: Hive Gateway would take the Mesh compose config there for its own config.
    cwd: o.dir,
    env: { ...o.env, NODE_ENV: 'production' },
    logFile: o.logFile,
  });
  const origin = `http://127.0.0.1:${port}`;
  await waitForHttp(`${origin}/healthcheck`, proc, o.logFile);
  return { process: proc, origin, logFile: o.logFile };
}

export async function startLimit(
  cpus: string,
  dir: string,
  env: Record<string, string>,
): Promise<Server> {
  const port = await freePort();
  const logFile = join(dir, 'limit.log');
  const proc = spawnPinned({
    name: 'limit',
    cpus,
    command: process.execPath,
    args: [...TSX, 'bench/limit/server.ts'],
    cwd: ROOT,
    env: { ...env, PORT: String(port) },
    logFile,
  });
  const origin = `http://127.0.0.1:${port}`;
  await waitForHttp(`${origin}/healthz`, proc, logFile);
  return { process: proc, origin, logFile };
}
