import { isReply } from '../framework.js';
import { providerJson } from './json.js';
import { findProvider, qardError, type QardHandler } from './replies.js';
import type { QardState } from './state.js';

/** Provider set-up: credentials, settings (`auto_connect`), enabling, and reading it back. */
export function providerHandlers(state: QardState) {
  const putCredentials: QardHandler = (req) => {
    const provider = findProvider(state, req);
    if (isReply(provider)) return provider;
    const credentials = (req.body as Record<string, unknown> | undefined)?.['credentials'];
    if (!credentials || typeof credentials !== 'object')
      return qardError(400, 'VALIDATION_ERROR', 'credentials is required', 'credentials');
    const values = credentials as Record<string, unknown>;
    for (const field of provider.credentialFields) {
      if (typeof values[field] !== 'string' || !values[field]) {
        return qardError(
          400,
          'VALIDATION_ERROR',
          `credentials.${field} is required`,
          `credentials.${field}`,
        );
      }
    }
    provider.credentials = Object.fromEntries(
      provider.credentialFields.map((f) => [f, String(values[f])]),
    );
    return { status: 200, body: providerJson(provider) };
  };

  const putSettings: QardHandler = (req) => {
    const provider = findProvider(state, req);
    if (isReply(provider)) return provider;
    const autoConnect = (req.body as Record<string, unknown> | undefined)?.['auto_connect'];
    if (typeof autoConnect !== 'boolean')
      return qardError(400, 'VALIDATION_ERROR', 'auto_connect must be a boolean', 'auto_connect');
    provider.autoConnect = autoConnect;
    return { status: 200, body: providerJson(provider) };
  };

  const putProvider: QardHandler = (req) => {
    const provider = findProvider(state, req);
    if (isReply(provider)) return provider;
    const enable = (req.body as Record<string, unknown> | undefined)?.['enable'];
    if (typeof enable !== 'boolean')
      return qardError(400, 'VALIDATION_ERROR', 'enable must be a boolean', 'enable');
    if (enable && !provider.credentials) {
      return qardError(
        400,
        'PROVIDER_CREDENTIALS_MISSING',
        `Set the ${provider.name} credentials before enabling it`,
        'enable',
      );
    }
    provider.enabled = enable;
    return { status: 200, body: providerJson(provider) };
  };

  const getProvider: QardHandler = (req) => {
    const provider = findProvider(state, req);
    return isReply(provider) ? provider : { status: 200, body: providerJson(provider) };
  };

  return { putCredentials, putSettings, putProvider, getProvider };
}
