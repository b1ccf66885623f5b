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
export async function runShoplineInstall(argv: string[]): Promise<number> {
  const flag = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    if (i < 0) return undefined;
    const next = argv[i + 1];
    return next === undefined || next.startsWith('--') ? '' : next;
  };
  const merchantId = flag('merchant');
  if (!merchantId) {
    console.error('shopline:install needs --merchant <merchant id>');
    return 2;
  }
  const events = (flag('events') || 'install') as DeliveryScenario;
  if (events !== 'install' && events !== 'lifecycle') {
    console.error('--events must be install or lifecycle');
    return 2;
  }
  const duplicates = flag('duplicates');
  const seed = Number(flag('seed') || 1);
  const results = await deliverScenario({
    gatewayUrl: flag('gateway') || 'http://localhost:4000',
    merchantId,
    appSecret: loadConfig().shopline.appSecret ?? SANDBOX_SHOPLINE_APP_SECRET,
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
