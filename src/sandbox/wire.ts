import type { Config, UpstreamName } from '../config.js';
import { SANDBOX_PUBLIC_TOKEN } from './apipanda/simulator.js';
import { SANDBOX_CODAT_API_KEY } from './codat/simulator.js';
import { SANDBOX_CODAT_WEBHOOK_SECRET } from './codat/webhook-sender.js';
import { SANDBOX_DISPATCH_TOKEN } from './dispatch/simulator.js';
import type { Sandbox } from './index.js';
import { SANDBOX_QARD_API_KEY } from './qard/simulator.js';
import {
  SANDBOX_SHOPLINE_APP_SECRET,
  SANDBOX_SHOPLINE_CLIENT_ID,
  SANDBOX_SHOPLINE_CLIENT_SECRET,
} from './shopline/simulator.js';

/**
 * Points every upstream that has no configured base URL at the sandbox, with the sandbox's
 * credentials. Upstreams configured explicitly stay real.
 */
export function withSandboxUpstreams(config: Config, sandbox: Sandbox): Config {
  const upstreams = { ...config.upstreams };
  for (const [name, url] of Object.entries(sandbox.urls) as Array<[UpstreamName, string]>) {
    if (!upstreams[name].baseUrl) upstreams[name] = { ...upstreams[name], baseUrl: url };
  }
  // SHOPLINE's sandbox credentials apply only when SHOPLINE itself is the sandbox.
  const shoplineIsSandbox = !config.upstreams.shopline.baseUrl;
  return {
    ...config,
    upstreams,
    shopline: shoplineIsSandbox
      ? {
          ...config.shopline,
          appSecret: config.shopline.appSecret ?? SANDBOX_SHOPLINE_APP_SECRET,
          clientId: config.shopline.clientId ?? SANDBOX_SHOPLINE_CLIENT_ID,
          clientSecret: config.shopline.clientSecret ?? SANDBOX_SHOPLINE_CLIENT_SECRET,
          oauthBaseUrl: sandbox.urls.shopline ?? config.shopline.oauthBaseUrl,
        }
      : config.shopline,
    // Only when API Panda itself is the sandbox: a real API Panda never gets the sandbox token.
    apipanda: {
      publicToken:
        config.apipanda.publicToken ??
        (config.upstreams.apipanda.baseUrl ? undefined : SANDBOX_PUBLIC_TOKEN),
    },
    // Only when Codat itself is the sandbox: a real Codat never gets the sandbox key.
    codat: {
      ...config.codat,
      apiKey:
        config.codat.apiKey ?? (config.upstreams.codat.baseUrl ? undefined : SANDBOX_CODAT_API_KEY),
      webhookSecret:
        config.codat.webhookSecret ??
        (config.upstreams.codat.baseUrl ? undefined : SANDBOX_CODAT_WEBHOOK_SECRET),
    },
    qard: {
      ...config.qard,
      apiKey:
        config.qard.apiKey ?? (config.upstreams.qard.baseUrl ? undefined : SANDBOX_QARD_API_KEY),
    },
    // Only when Dispatch itself is the sandbox: a real Dispatch never gets the demo token.
    dispatch: {
      serviceToken:
        config.dispatch.serviceToken ??
        (config.upstreams.dispatch.baseUrl ? undefined : SANDBOX_DISPATCH_TOKEN),
    },
  };
}

/**
 * Has the sandbox's Codat send its webhooks to the gateway at `gatewayUrl`, as a Codat webhook
 * endpoint would be set up for it (only when Codat itself is the sandbox).
 */
export function sendSandboxWebhooks(config: Config, sandbox: Sandbox, gatewayUrl: string): void {
  if (sandbox.urls.codat && config.upstreams.codat.baseUrl === sandbox.urls.codat)
    sandbox.codat.webhooks.deliverTo(
      `${gatewayUrl}/webhooks/codat`,
      config.codat.webhookSecret ?? SANDBOX_CODAT_WEBHOOK_SECRET,
    );
}
