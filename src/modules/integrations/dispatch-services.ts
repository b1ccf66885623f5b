import { ErrorCode, GatewayError } from '../../errors.js';
import { DispatchClient } from '../../upstreams/dispatch/client.js';
import type { ModuleDependencies } from '../module.js';
import { DispatchAuthProvider } from './dispatch-auth.js';
import { IntegrationRecords } from './integration-records.js';
import { SharedAccountRecords } from './shared-account.js';

declare module '../../app-services.js' {
  interface ModuleServices {
    dispatch: DispatchServices;
  }
}

/** The integrations module's services, built once per process (`ctx.services.dispatch`). */
export interface DispatchServices {
  /** Throws UPSTREAM_UNAVAILABLE when DISPATCH_BASE_URL is not configured. */
  client(): DispatchClient;
  auth: DispatchAuthProvider;
  records: IntegrationRecords;
  /** Which workspace created what on the deployment's shared Dispatch account. */
  shared: SharedAccountRecords;
}

export function createDispatchServices(services: ModuleDependencies): DispatchServices {
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
      client ??= new DispatchClient(services.upstreamHttp('dispatch'));
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
