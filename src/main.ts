import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { QARD_PROVIDER_USAGE, UsageError } from './cli/usage.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { DOMAINS, createModuleSet, isDomain, type Domain } from './modules/index.js';
import type { Sandbox } from './sandbox/index.js';
import { startTracing } from './observability/tracing.js';
import { startGateway, type Gateway } from './server/gateway.js';
import { createLogger, type Logger } from './server/logger.js';
import { buildServedSchema, printSubgraphSdl } from './server/federation.js';
import { buildSchema, printGatewaySchema } from './server/schema.js';
import { openStore, type Store } from './store/database.js';
import { migrate } from './store/migrator.js';
import { WorkspaceRepository, type Role } from './store/repositories/workspaces.js';

const USAGE = `Usage:
  npm start                                    serve the gateway (sandbox when no upstream is configured)
  npm start -- --subgraph <domain>             serve one domain alone as a subgraph (or SUBGRAPH=<domain>);
                                               domains: connections, integrations, shopline, commerce
  npm run federation [-- --config FILE]        every domain as its own subgraph, Hive Gateway in front
  npm run supergraph [-- --config FILE] [--out FILE]
                                               compose the domains and FILE's subgraphs into supergraph.graphql
  npm run migrate                              apply pending store migrations
  npm run print-schema                         print the GraphQL schema (SDL)
  npm run print-schema -- --subgraph           print the Federation v2 subgraph SDL (_service.sdl)
  npm run print-schema -- --subgraph <domain>  print one domain's subgraph SDL
  npm run cli -- api-key create --workspace W [--name N] [--role admin|member]
${QARD_PROVIDER_USAGE}`;

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

/** `--subgraph <domain>`: the domain to serve or print alone; none for the whole gateway. */
function subgraphDomain(given: string | undefined): Domain | undefined {
  if (given === undefined || given === '' || given.startsWith('--')) return undefined;
  if (!isDomain(given))
    throw new UsageError(`unknown subgraph "${given}": one of ${DOMAINS.join(', ')}`);
  return given;
}

/** Sandbox mode keeps its secrets key under DATA_DIR so stored secrets survive restarts. */
function resolveSandboxSecretsKey(config: Config): Config {
  if (config.secretsKey) return config;
  mkdirSync(config.dataDir, { recursive: true });
  const file = `${config.dataDir}/secrets.key`;
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 });
  return { ...config, secretsKey: Buffer.from(readFileSync(file, 'utf8').trim(), 'base64') };
}

/** What `npm start` serves: the whole gateway, one domain as a subgraph, or every domain federated. */
type ServeMode =
  | { kind: 'whole' }
  | { kind: 'subgraph'; domain: Domain }
  | { kind: 'federated'; configFile: string | undefined };

async function start(config: Config, mode: ServeMode): Promise<void> {
  const logger = createLogger(config.logLevel, undefined, config.logFormat);
  // Before anything that makes spans: the tracer provider is process-wide.
  const tracing = await startTracing(config.tracing, logger);
  let sandbox: Sandbox | undefined;
  let graphiqlHeaders: Record<string, string> | undefined;
  if (config.sandbox) {
    // The simulators are loaded only in sandbox mode: a gateway serving real upstreams never
    // holds their code or seeded data.
    const [{ startSandbox }, { withSandboxUpstreams }] = await Promise.all([
      import('./sandbox/index.js'),
      import('./sandbox/wire.js'),
    ]);
    config = resolveSandboxSecretsKey(config);
    sandbox = await startSandbox({ knobs: { latencyMs: config.sandboxLatencyMs } });
    config = withSandboxUpstreams(config, sandbox);
  }
  const gatewayOptions = { logger, graphiqlHeaders: () => graphiqlHeaders ?? {} };
  const gateway =
    mode.kind === 'federated'
      ? await startFederated(config, gatewayOptions, mode.configFile)
      : await startGateway(config, {
          ...gatewayOptions,
          ...(mode.kind === 'subgraph' ? { domains: [mode.domain] } : {}),
        });
  if (sandbox) {
    const { sendSandboxWebhooks } = await import('./sandbox/wire.js');
    // Codat's webhooks go to the commerce module's route, which a lone other domain lacks.
    if (mode.kind !== 'subgraph' || mode.domain === 'commerce')
      sendSandboxWebhooks(config, sandbox, gateway.url);
    const key = await ensureDemoKey(config, gateway.services.workspaces);
    graphiqlHeaders = { 'x-api-key': key };
    // One domain served alone (a subgraph) has no other domains' mutations to fill it with.
    if (mode.kind !== 'subgraph') await seedDemo(config, sandbox, gateway, key, logger);
    logger.warn(
      { sandbox: true, upstreams: sandbox.urls },
      'SANDBOX MODE: every unconfigured upstream is SIMULATED; no real API Panda, Dispatch, Codat, Qard or SHOPLINE is called',
    );
    console.log(
      `\n  commerce-graph (SANDBOX) at ${gateway.url}/graphql\n  demo workspace API key: ${key}\n`,
    );
  } else {
    logger.info({ url: `${gateway.url}/graphql` }, 'commerce-graph listening');
  }
  if (mode.kind === 'subgraph')
    logger.info({ subgraph: mode.domain }, `serving the ${mode.domain} domain alone as a subgraph`);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'draining in-flight requests before exit');
    const force = setTimeout(() => {
      logger.error('shutdown grace period exceeded; exiting');
      process.exit(1);
    }, config.shutdownGraceMs);
    force.unref();
    void (async () => {
      await gateway.close();
      await sandbox?.close();
      await tracing?.shutdown();
      logger.info('stopped');
      process.exit(0);
    })();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

/**
 * Links the demo workspace's stores and connection when every upstream is simulated (a real
 * upstream's merchants cannot be approved from here). A failure leaves an emptier demo, logged,
 * never a gateway that does not start.
 */
async function seedDemo(
  config: Config,
  sandbox: Sandbox,
  gateway: Gateway,
  apiKey: string,
  logger: Logger,
): Promise<void> {
  const simulated = Object.entries(config.upstreams).every(
    ([name, upstream]) => upstream.baseUrl === sandbox.urls[name as keyof typeof sandbox.urls],
  );
  if (!simulated) return;
  const { seedDemoWorkspace } = await import('./sandbox/demo-workspace.js');
  try {
    const seeded = await seedDemoWorkspace({
      gatewayUrl: gateway.url,
      apiKey,
      sandbox,
      shoplineAppSecret: config.shopline.appSecret ?? '',
      qardProviders: gateway.services.commerce.qardProviders,
    });
    if (seeded === 'seeded')
      logger.info(
        'demo workspace: Codat, Qard and SHOPLINE stores and an API Panda connection linked',
      );
    else if (seeded === 'relinked')
      logger.info('demo workspace: stores the simulators forgot since the last run linked again');
  } catch (error) {
    logger.warn({ err: error }, 'demo workspace could not be filled');
  }
}

/** Hive Gateway in front of every domain as its own subgraph, plus the config file's subgraphs. */
async function startFederated(
  config: Config,
  options: { logger: Logger; graphiqlHeaders: () => Record<string, string> },
  configFile: string | undefined,
) {
  const [{ startFederatedGateway }, supergraph] = await Promise.all([
    import('./server/federated.js'),
    import('./server/supergraph.js'),
  ]);
  const file = configFile ?? supergraph.DEFAULT_CONFIG_FILE;
  const external = await supergraph.externalSubgraphs(
    supergraph.loadSupergraphConfig(file, { required: configFile !== undefined }),
  );
  const gateway = await startFederatedGateway(config, { ...options, external });
  options.logger.info(
    { subgraphs: gateway.subgraphs, external: external.map((s) => s.name) },
    'federated: Hive Gateway in front of every domain subgraph',
  );
  return gateway;
}

/** The demo workspace's key is kept under DATA_DIR so GraphiQL and scripts can rely on it. */
async function ensureDemoKey(config: Config, workspaces: WorkspaceRepository): Promise<string> {
  const file = `${config.dataDir}/sandbox-api-key`;
  await workspaces.ensure('demo', 'Demo workspace (sandbox)');
  if (existsSync(file)) {
    const key = readFileSync(file, 'utf8').trim();
    if (await workspaces.findByApiKey(key)) return key;
    await workspaces.createApiKey('demo', { name: 'sandbox demo key', roles: ['admin'], key });
    return key;
  }
  const { key } = await workspaces.createApiKey('demo', {
    name: 'sandbox demo key',
    roles: ['admin'],
  });
  mkdirSync(config.dataDir, { recursive: true });
  writeFileSync(file, key, { mode: 0o600 });
  return key;
}

async function withStore<T>(config: Config, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore({
    databaseUrl: config.databaseUrl,
    dataDir: `${config.dataDir}/pglite`,
  });
  try {
    await migrate(store);
    return await fn(store);
  } finally {
    await store.close();
  }
}

async function main(args: string[]): Promise<void> {
  const [command, sub] = args;
  if (command === 'print-schema') {
    const domain = subgraphDomain(flag(args, 'subgraph'));
    const { modules } = createModuleSet(domain ? [domain] : DOMAINS);
    process.stdout.write(
      args.includes('--subgraph')
        ? printSubgraphSdl(buildServedSchema(modules, 1))
        : printGatewaySchema(buildSchema(modules)),
    );
    return;
  }
  if (command === 'supergraph') {
    // Loaded only here: no other command composes.
    const { writeSupergraph } = await import('./cli/supergraph.js');
    process.exitCode = await writeSupergraph({
      configFile: flag(args, 'config'),
      out: flag(args, 'out'),
    });
    return;
  }
  const config = loadConfig();
  switch (command) {
    case 'start': {
      const domain = subgraphDomain(flag(args, 'subgraph') ?? process.env['SUBGRAPH']);
      if (args.includes('--federated') && domain)
        throw new UsageError('--federated serves every domain: leave out --subgraph/SUBGRAPH');
      return start(
        config,
        args.includes('--federated')
          ? { kind: 'federated', configFile: flag(args, 'config') }
          : domain
            ? { kind: 'subgraph', domain }
            : { kind: 'whole' },
      );
    }
    case 'migrate': {
      const store = await openStore({
        databaseUrl: config.databaseUrl,
        dataDir: `${config.dataDir}/pglite`,
      });
      const applied = await migrate(store);
      await store.close();
      console.log(applied.length ? `applied: ${applied.join(', ')}` : 'store is up to date');
      return;
    }
    case 'api-key': {
      const workspace = flag(args, 'workspace');
      const role = (flag(args, 'role') ?? 'admin') as Role;
      if (sub !== 'create' || !workspace || !['admin', 'member'].includes(role)) {
        console.error(USAGE);
        process.exitCode = 2;
        return;
      }
      const key = await withStore(config, async (store) => {
        const repo = new WorkspaceRepository(store.db);
        await repo.ensure(workspace, flag(args, 'name') ?? workspace);
        return repo.createApiKey(workspace, { name: flag(args, 'name') ?? 'cli', roles: [role] });
      });
      console.log(
        `API key for workspace "${workspace}" (${role}); it is shown only once:\n${key.key}`,
      );
      return;
    }
    case 'qard-provider': {
      if (sub !== 'configure') {
        console.error(USAGE);
        process.exitCode = 2;
        return;
      }
      // Loaded only here: the command builds an upstream client, which the other commands never need.
      const { configureQardProviderCommand } = await import('./cli/qard-provider.js');
      console.log(await configureQardProviderCommand(config, args, (fn) => withStore(config, fn)));
      return;
    }
    default:
      console.error(USAGE);
      process.exitCode = 2;
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof UsageError) {
    console.error(error.message);
  } else {
    console.error(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  }
  process.exit(1);
});
