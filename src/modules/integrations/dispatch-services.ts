import { ErrorCode, GatewayError } from '../../errors.js';
import type { AppServices } from '../../server/services.js';
import { createUpstreamHttp } from '../../server/services.js';
import { DispatchClient } from '../../upstreams/dispatch/client.js';
import { DispatchAuthProvider } from './dispatch-auth.js';
import { IntegrationRecords } from './integration-records.js';
import { SharedAccountRecords } from './shared-account.js';

/** What the integrations module needs, built once per process (`services.dispatch`). */
export interface DispatchServices {
  /** Throws UPSTREAM_UNAVAILABLE when DISPATCH_BASE_URL is not configured. */
  client(): DispatchClient;
  auth: DispatchAuthProvider;
  records: IntegrationRecords;
  /** Which workspace created what on the deployment's shared Dispatch account. */
  shared: SharedAccountRecords;
}

type Deps = Pick<AppServices, 'config' | 'logger' | 'metrics' | 'onClose' | 'store' | 'secretBox'>;

export function createDispatchServices(services: Deps): DispatchServices {
  // Built on first use so a deployment without Dispatch still starts; its fields then fail alone.
  let client: DispatchClient | undefined;
  return {
    client() {
      if (!services.config.upstreams.dispatch.baseUrl) {
        throw new GatewayError(
          ErrorCode.UPSTREAM_UNAVAILABLE,
          'Dispatch is not configured (DISPATCH_BASE_URL)',
          {
            upstream: 'dispatch',
          },
        );
      }
      client ??= new DispatchClient(createUpstreamHttp(services, 'dispatch'));
      return client;
    },
    auth: new DispatchAuthProvider(
      services.store.db,
      services.secretBox,
      services.config.dispatch.serviceToken,
    ),
    records: new IntegrationRecords(services.store.db),
    shared: new SharedAccountRecords(services.store.db),
  };
}
