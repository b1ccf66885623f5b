import type { SandboxReply, SandboxRequest } from '../framework.js';
import type { AccountState, DispatchAccounts, IntegrationState } from './accounts.js';
import { SANDBOX_PROVIDERS } from './catalogue.js';
import {
  configurationError,
  conflict,
  isHttpsUrl,
  isRecord,
  nonEmpty,
  notFound,
  ok,
} from './replies.js';

/**
 * E-commerce integrations (configure, disable, remove) and push subscriptions. Credentials whose
 * apiKey starts with `invalid` are refused (400); configuring a provider that already has an
 * active integration is a conflict (409); configuring it again after `disable` re-activates the
 * same integration.
 */
export function integrationHandlers(accounts: DispatchAccounts) {
  const configureIntegration = (req: SandboxRequest, state: AccountState): SandboxReply => {
    const body = req.body;
    if (!isRecord(body) || !nonEmpty(body['providerId']))
      return configurationError('providerId is required');
    if (body['providerType'] !== 'ecommerce') return configurationError('Unsupported providerType');
    const provider = SANDBOX_PROVIDERS.find((p) => p.id === body['providerId']);
    if (!provider) return notFound('Provider not found');
    const credentials = body['credentials'];
    if (
      !isRecord(credentials) ||
      !nonEmpty(credentials['apiKey']) ||
      !nonEmpty(credentials['apiSecret']) ||
      !isHttpsUrl(credentials['storeUrl']) ||
      credentials['apiKey'].startsWith('invalid')
    ) {
      return configurationError('Invalid credentials');
    }
    const existing = [...state.integrations.values()].find((i) => i.providerId === provider.id);
    if (existing?.status === 'active') return conflict('Integration already configured');
    const integration: IntegrationState = existing ?? {
      guid: accounts.uuid(),
      providerId: provider.id,
      provider: provider.name,
      status: 'active',
      connectedAt: '',
    };
    integration.status = 'active';
    integration.connectedAt = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    state.integrations.set(integration.guid, integration);
    return ok({
      guid: integration.guid,
      provider: integration.provider,
      status: integration.status,
      connectedAt: integration.connectedAt,
    });
  };

  const disableIntegration = (req: SandboxRequest, state: AccountState): SandboxReply => {
    const integration = state.integrations.get(req.params['id'] ?? '');
    if (!integration) return notFound('Integration not found');
    integration.status = 'disabled';
    return ok({ guid: integration.guid, status: integration.status });
  };

  const removeIntegration = (req: SandboxRequest, state: AccountState): SandboxReply => {
    if (!state.integrations.delete(req.params['id'] ?? ''))
      return notFound('Integration not found');
    return ok();
  };

  const savePushSubscription = (req: SandboxRequest, state: AccountState): SandboxReply => {
    const body = req.body;
    const keys = isRecord(body) ? body['keys'] : undefined;
    if (
      !isRecord(body) ||
      !isHttpsUrl(body['endpoint']) ||
      !isRecord(keys) ||
      !nonEmpty(keys['p256dh']) ||
      !nonEmpty(keys['auth'])
    ) {
      return configurationError('Invalid push subscription');
    }
    const endpoint = body['endpoint'] as string;
    state.pushSubscriptions.set(endpoint, {
      endpoint,
      keys: { p256dh: keys['p256dh'], auth: keys['auth'] },
    });
    return ok();
  };

  return { configureIntegration, disableIntegration, removeIntegration, savePushSubscription };
}
