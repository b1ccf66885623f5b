import { signPayload } from '../../modules/shopline/webhook-signature.js';
import { mulberry32 } from '../framework.js';
import { installEvents, seedLifecycleEvents, type ShoplineWebhookPayload } from './seed-events.js';
import type { ShoplineSimulator } from './simulator.js';

export type DeliveryScenario = 'install' | 'lifecycle';

export interface DeliveryOptions {
  gatewayUrl: string;
  merchantId: string;
  appSecret: string;
  simulator: ShoplineSimulator;
  /**
   * `install`: application/install + access_token/create with scopes orders, products, customers
   * (a usable token). `lifecycle`: the seed's four events (install, create, revoke, uninstall).
   */
  scenario?: DeliveryScenario;
  shuffle?: boolean;
  /** Deliver every event this many extra times. */
  duplicates?: number;
  seed?: number;
}

export interface DeliveryResult {
  topic: string;
  traceId: string;
  status: number;
}

export const INSTALL_SCOPES = ['orders', 'products', 'customers'];

/** The events a scenario delivers, with tokens the simulator accepts. */
export function scenarioEvents(
  simulator: ShoplineSimulator,
  merchantId: string,
  scenario: DeliveryScenario,
): ShoplineWebhookPayload[] {
  if (scenario === 'install') {
    return installEvents(
      merchantId,
      simulator.issueToken(merchantId, INSTALL_SCOPES),
      INSTALL_SCOPES,
    );
  }
  const revokedToken = simulator.issueToken(merchantId, ['orders', 'products']);
  simulator.revokeToken(revokedToken);
  return seedLifecycleEvents({
    merchantId,
    createdToken: simulator.issueToken(merchantId, ['orders']),
    revokedToken,
  });
}

/** Signs one payload as SHOPLINE does and POSTs it to the gateway's webhook route. */
export async function deliverWebhook(
  gatewayUrl: string,
  appSecret: string,
  payload: unknown,
  timestamp = String(Math.floor(Date.now() / 1000)),
): Promise<number> {
  const sign = signPayload(appSecret, timestamp, payload);
  const res = await fetch(`${gatewayUrl.replace(/\/+$/, '')}/webhooks/shopline?sign=${sign}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-shopline-developer-event-timestamp': timestamp,
    },
    body: JSON.stringify(payload),
  });
  await res.arrayBuffer();
  return res.status;
}

/** Delivers a scenario, optionally shuffled and with duplicates, one request after another. */
export async function deliverScenario(o: DeliveryOptions): Promise<DeliveryResult[]> {
  const events = scenarioEvents(o.simulator, o.merchantId, o.scenario ?? 'install');
  const queue: ShoplineWebhookPayload[] = [];
  for (let copy = 0; copy <= (o.duplicates ?? 0); copy++) queue.push(...events);
  if (o.shuffle) {
    const random = mulberry32(o.seed ?? 1);
    for (let i = queue.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [queue[i], queue[j]] = [queue[j]!, queue[i]!];
    }
  }
  const results: DeliveryResult[] = [];
  for (const payload of queue) {
    const status = await deliverWebhook(o.gatewayUrl, o.appSecret, payload);
    results.push({ topic: payload.topic, traceId: payload.trace_id, status });
  }
  return results;
}
