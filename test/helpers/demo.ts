import { seedDemoWorkspace } from '../../src/sandbox/demo-workspace.js';
import type { TestGateway } from './gateway.js';

/** Fills workspace A as the sandbox fills its demo workspace (linked stores, a connection). */
export async function seedLikeDemo(t: TestGateway): Promise<void> {
  await seedDemoWorkspace({
    gatewayUrl: t.url,
    apiKey: t.keys.a,
    sandbox: t.sandbox,
    shoplineAppSecret: t.config.shopline.appSecret!,
    qardProviders: t.gateway.services.commerce.qardProviders,
  });
}
