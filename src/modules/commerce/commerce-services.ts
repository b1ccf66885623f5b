import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import type { Cache } from '../../store/cache.js';
import type { Store } from '../../store/database.js';
import type { SecretBox } from '../../store/secret-box.js';
import { CodatClient, codatCorrelationId } from '../../upstreams/codat/codat-client.js';
import { QardClient } from '../../upstreams/qard/qard-client.js';
import type { UpstreamMetrics } from '../../upstreams/upstream-metrics.js';
import { CursorCodec } from '../base/cursor-codec.js';
import { createUpstreamHttp } from '../../server/services.js';
import { CommerceReader } from './commerce-reader.js';
import { CommerceLinkRepository } from './link-repository.js';
import { CommerceLinkService } from './link-service.js';
import { CommerceSourceRegistry } from './source-registry.js';
import { CodatSource } from './sources/codat/codat-source.js';
import { QardSource } from './sources/qard/qard-source.js';

/** The commerce domain's share of the services (see AppServices.commerce). */
export interface CommerceServices {
  /** Adapters by source kind; other modules register theirs (e.g. SHOPLINE). */
  registry: CommerceSourceRegistry;
  reader: CommerceReader;
  links: CommerceLinkService;
}

/**
 * Builds the Codat and Qard clients (only for upstreams with a base URL and an API key) and the
 * commerce reader and link service over them.
 */
export function createCommerceServices(deps: {
  config: Config;
  logger: Logger;
  metrics: UpstreamMetrics;
  onClose(fn: () => Promise<void> | void): void;
  store: Store;
  secretBox: SecretBox;
  cache: Cache;
}): CommerceServices {
  const { config } = deps;
  const registry = new CommerceSourceRegistry();
  const codatKey = config.codat.apiKey;
  const codat =
    config.upstreams.codat.baseUrl && codatKey
      ? new CodatClient(
          createUpstreamHttp(deps, 'codat', {
            defaultHeaders: { authorization: `Basic ${Buffer.from(codatKey).toString('base64')}` },
            correlationIdOf: codatCorrelationId,
          }),
        )
      : undefined;
  const qardKey = config.qard.apiKey;
  const qard =
    config.upstreams.qard.baseUrl && qardKey
      ? new QardClient(
          createUpstreamHttp(deps, 'qard', { defaultHeaders: { 'x-api-key': qardKey } }),
        )
      : undefined;
  if (codat) registry.register(new CodatSource(codat));
  if (qard) registry.register(new QardSource(qard));
  const repository = new CommerceLinkRepository(deps.store.db, deps.cache);
  if (!config.secretsKey) throw new Error('SECRETS_KEY must be resolved before services start');
  return {
    registry,
    reader: new CommerceReader(repository, registry, new CursorCodec(config.secretsKey)),
    links: new CommerceLinkService(repository, registry, deps.secretBox, codat, qard),
  };
}
