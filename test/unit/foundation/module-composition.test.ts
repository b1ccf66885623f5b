import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { createModuleSet } from '../../../src/modules/index.js';
import type { GatewayModule } from '../../../src/modules/module.js';
import { createServices, type GatewayServices } from '../../../src/server/services.js';
import { createLogger } from '../../../src/server/logger.js';

/**
 * The server composes whichever modules it is given: each builds its own services, and what one
 * module gives another's extension point reaches it only when both are served.
 */
describe('module composition', () => {
  let services: GatewayServices | undefined;
  afterEach(async () => {
    await services?.close();
    services = undefined;
  });

  const compose = async (modules: GatewayModule[]) => {
    const config = loadConfig({
      SANDBOX: 'false',
      SECRETS_KEY: randomBytes(32).toString('base64'),
      LOG_LEVEL: 'silent',
    });
    services = await createServices(config, createLogger('silent'), modules, {
      inMemoryStore: true,
    });
    return services as GatewayServices & Record<string, unknown>;
  };

  // Each composition opens and migrates an in-memory store: a hook's time, not a test's.
  const COMPOSE_TIMEOUT_MS = 60_000;

  it(
    'builds each served module its services under its own key, and no others',
    async () => {
      const set = createModuleSet(['shopline']);
      expect(set.withServices.map((m) => m.name)).toEqual(['base', 'shopline']);
      const built = await compose(set.withServices);
      expect(built.shopline.inbox).toBeDefined();
      // SHOPLINE's commerce source has no commerce module to go to: it is left unused.
      expect(built['commerce']).toBeUndefined();
      expect(built['connections']).toBeUndefined();
      expect(built['dispatch']).toBeUndefined();
    },
    COMPOSE_TIMEOUT_MS,
  );

  it(
    "hands SHOPLINE's commerce source to the commerce module through its extension point",
    async () => {
      const built = await compose(createModuleSet(['shopline', 'commerce']).withServices);
      expect(built.commerce.registry.all().map((s) => s.kind)).toEqual(['SHOPLINE']);
    },
    COMPOSE_TIMEOUT_MS,
  );

  it(
    'builds SHOPLINE services, not its schema, for a commerce subgraph so SHOPLINE stores are read',
    async () => {
      const set = createModuleSet(['commerce']);
      expect(set.modules.map((m) => m.name)).toEqual(['base', 'commerce']);
      expect(set.withServices.map((m) => m.name)).toEqual(['base', 'commerce', 'shopline']);
      const built = await compose(set.withServices);
      expect(built.commerce.registry.all().map((s) => s.kind)).toEqual(['SHOPLINE']);
      expect(built['connections']).toBeUndefined();
    },
    COMPOSE_TIMEOUT_MS,
  );
});
