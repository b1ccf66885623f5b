import { route, type SandboxReply, type SandboxRequest, type Simulator } from '../framework.js';
import { accountKey, DispatchAccounts, type AccountState } from './accounts.js';
import type { DispatchEntityType } from './catalogue.js';
import { integrationHandlers } from './integration-routes.js';
import { failure, type DispatchHandler } from './replies.js';
import { workflowHandlers } from './workflow-routes.js';

/**
 * The Dispatch platform's Integrations API, as its endpoint reference documents it: e-commerce
 * integrations and push subscriptions (integration-routes.ts), workflow triggers and configured
 * workflows (workflow-routes.ts), with `{data, success}` envelopes and the three documented
 * errors (404 NOT_FOUND, 400 CONFIGURATION_ERROR, 409 CONFLICT; replies.ts).
 *
 * Sandbox assumptions (the seed is silent):
 * - Every call needs `Authorization: Bearer <token>`. Service tokens `dsp_sandbox_*` are valid
 *   (`dsp_sandbox_revoked*` are not); any JWT-shaped token is accepted as an identity-provider
 *   token without checking its signature. Each service token, and each JWT `workspace` claim
 *   (else `sub`), is its own Dispatch account with its own state (accounts.ts).
 * - The other assumptions are stated where they are made, in the route files.
 */

export const SANDBOX_DISPATCH_TOKEN = 'dsp_sandbox_demo';

/** Envelope quirks a real upstream has been seen to produce, injected on demand by tests. */
export type DispatchMisbehaviour =
  /** HTTP 200 with `success:false` and an undocumented code. */
  | 'http-200-failure'
  /** HTTP 200 with `success:false` and the documented NOT_FOUND. */
  | 'http-200-not-found'
  /** HTTP 200 with `success:true` and no `data`. */
  | 'ok-without-data';

export interface DispatchSimulator extends Simulator {
  /** The account a bearer token maps to (created and seeded on first use). */
  account(token: string): Readonly<AccountState>;
  /** Adds `count` unmanaged workflows of one entity type to the token's account (tests, demos). */
  addWorkflows(token: string, entityType: DispatchEntityType, count: number): void;
  /** Marks a workflow as having a paused execution. */
  pauseExecution(token: string, workflowGuid: string): void;
  /** The next `times` answers show the given envelope quirk. */
  misbehave(kind: DispatchMisbehaviour, times?: number): void;
  /** Bearer tokens received, newest last (at most 100). */
  receivedTokens(): readonly string[];
}

/** The answer a quirk replaces a handler's with. */
function quirkReply(kind: DispatchMisbehaviour): SandboxReply {
  switch (kind) {
    case 'ok-without-data':
      return { status: 200, body: { success: true } };
    case 'http-200-not-found':
      return {
        status: 200,
        body: { success: false, error: { code: 'NOT_FOUND', message: 'Record not found' } },
      };
    case 'http-200-failure':
      return {
        status: 200,
        body: { success: false, error: { code: 'INTERNAL_ERROR', message: 'Processing failed' } },
      };
  }
}

export function createDispatchSimulator(seed = 1): DispatchSimulator {
  const accounts = new DispatchAccounts(seed);
  const tokens: string[] = [];
  let quirk: { kind: DispatchMisbehaviour; remaining: number } | undefined;

  /** Auth check, quirk injection and the caller's account for every route. */
  const authed =
    (handler: DispatchHandler) =>
    (req: SandboxRequest): SandboxReply => {
      const match = /^Bearer\s+(\S+)$/i.exec(req.headers['authorization'] ?? '');
      const token = match?.[1];
      if (token) {
        tokens.push(token);
        if (tokens.length > 100) tokens.shift();
      }
      const key = token ? accountKey(token) : undefined;
      if (!key) return failure(401, 'UNAUTHORIZED', 'Missing or invalid bearer token');
      if (quirk && quirk.remaining > 0) {
        quirk.remaining -= 1;
        return quirkReply(quirk.kind);
      }
      return handler(req, accounts.of(key));
    };

  const integrations = integrationHandlers(accounts);
  const workflows = workflowHandlers(accounts);
  return {
    name: 'dispatch',
    routes: [
      route(
        'POST',
        '/api/integrations/provider/configure',
        authed(integrations.configureIntegration),
      ),
      route(
        'GET',
        '/api/integrations/provider/disable/:id',
        authed(integrations.disableIntegration),
      ),
      route(
        'DELETE',
        '/api/integrations/providers/ecommerce/remove/:id',
        authed(integrations.removeIntegration),
      ),
      route(
        'POST',
        '/api/integrations/save-vapid-subscription',
        authed(integrations.savePushSubscription),
      ),
      route('GET', '/api/workflows/triggers/:entityType', authed(workflows.listTriggers)),
      route('GET', '/api/workflows/resume-workflow', authed(workflows.resumeWorkflow)),
      route('GET', '/api/workflows/:entityType/configured', authed(workflows.listWorkflows)),
      route('POST', '/api/workflows/configure', authed(workflows.configureWorkflow)),
      route('GET', '/api/workflows/configured/:guid/toggle', authed(workflows.toggleWorkflow)),
      route('DELETE', '/api/workflows/configured/:guid', authed(workflows.deleteWorkflow)),
    ],
    account: (token) => accounts.forToken(token),
    addWorkflows(token, entityType, count) {
      accounts.addWorkflows(accounts.forToken(token), entityType, count);
    },
    pauseExecution(token, workflowGuid) {
      accounts.forToken(token).paused.add(workflowGuid);
    },
    misbehave(kind, times = 1) {
      quirk = { kind, remaining: times };
    },
    receivedTokens: () => [...tokens],
  };
}
