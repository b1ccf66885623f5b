import { loadConfig } from '../../config.js';
import { createShoplineSimulator, SANDBOX_SHOPLINE_APP_SECRET } from './simulator.js';
import { deliverScenario, type DeliveryScenario } from './webhook-deliverer.js';

/**
 * `npm run sandbox -- shopline:install --merchant M [--gateway URL] [--events install|lifecycle]
 * [--shuffle] [--duplicates N] [--seed N]`: SHOPLINE installing the app for merchant M, i.e. the
 * signed webhooks POSTed to the gateway's `/webhooks/shopline`. `install` (default) sends
 * application/install and access_token/create (scopes orders, products, customers); `lifecycle`
 * sends the seed's four events (install, token create, token revoke, uninstall).
 */
export const SHOPLINE_INSTALL_HELP = `Usage: npm run sandbox -- shopline:install --merchant M [options]

Sends SHOPLINE's signed webhooks for merchant M to a running gateway's /webhooks/shopline, as
SHOPLINE does when the merchant installs the app.

Options:
  --merchant M        merchant id (required)
  --gateway URL       the gateway (default: the first that answers of $PORT on localhost and
                      http://localhost:4000)
  --events E          install (default: install + token) or lifecycle (install, token create,
                      token revoke, uninstall)
  --shuffle           deliver in a random order
  --duplicates N      deliver every event N more times
  --seed N            seed of the order and of the generated ids (default 1)
  -h, --help          show this help
`;

/** The gateway to deliver to: the one named, or the first local one whose /healthz answers. */
async function findGateway(named: string | undefined, port: number): Promise<string> {
  const candidates = named
    ? [named.replace(/\/+$/, '')]
    : [...new Set([`http://localhost:${port}`, 'http://localhost:4000'])];
  for (const url of candidates) {
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return url;
    } catch {
      // Not there: try the next one.
    }
  }
  throw new Error(
    `no gateway answered at ${candidates.join(' or ')}: start one (npm start) or name it with --gateway http://host:port`,
  );
}

export async function runShoplineInstall(argv: string[]): Promise<number> {
  const flag = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    if (i < 0) return undefined;
    const next = argv[i + 1];
    return next === undefined || next.startsWith('--') ? '' : next;
  };
  const merchantId = flag('merchant');
  if (!merchantId)
    throw new Error(
      'shopline:install needs --merchant <merchant id> (see shopline:install --help)',
    );
  const events = (flag('events') || 'install') as DeliveryScenario;
  if (events !== 'install' && events !== 'lifecycle')
    throw new Error('--events must be install or lifecycle');
  const config = loadConfig();
  const gatewayUrl = await findGateway(flag('gateway') || undefined, config.port);
  const duplicates = flag('duplicates');
  const seed = Number(flag('seed') || 1);
  const results = await deliverScenario({
    gatewayUrl,
    merchantId,
    appSecret: config.shopline.appSecret ?? SANDBOX_SHOPLINE_APP_SECRET,
    simulator: createShoplineSimulator(seed),
    scenario: events,
    shuffle: flag('shuffle') !== undefined,
    duplicates: duplicates === undefined ? 0 : Number(duplicates || 1),
    seed,
  });
  for (const r of results) process.stdout.write(`${JSON.stringify(r)}\n`);
  const failed = results.filter((r) => r.status !== 200);
  if (failed.length > 0) console.error(`${failed.length} deliveries were not accepted`);
  return failed.length === 0 ? 0 : 1;
}
