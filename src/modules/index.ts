import { createBaseModule } from './base/resolvers.js';
import { createCommerceModule } from './commerce/index.js';
import { createConnectionsModule } from './connections/index.js';
import { createIntegrationsModule } from './integrations/index.js';
import type { GatewayModule } from './module.js';
import { createShoplineModule } from './shopline/index.js';

/**
 * Every domain module of the gateway. A new domain adds its SDL file under schema/ and its
 * module here.
 */
export function createModules(): GatewayModule[] {
  const domainModules: GatewayModule[] = [
    createConnectionsModule(),
    createIntegrationsModule(),
    createShoplineModule(),
    createCommerceModule(),
  ];
  const nodeFetchers = Object.assign({}, ...domainModules.map((m) => m.nodes ?? {}));
  return [createBaseModule(() => nodeFetchers), ...domainModules];
}
