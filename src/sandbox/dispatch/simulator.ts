import {
  mulberry32,
  route,
  type SandboxReply,
  type SandboxRequest,
  type Simulator,
} from '../framework.js';
import {
  DISPATCH_ACTION_TYPES,
  SANDBOX_PROVIDERS,
  SANDBOX_TRIGGERS,
  parseEntityType,
  type DispatchEntityType,
} from './catalogue.js';

/**
 * The Dispatch platform's Integrations API, as its endpoint reference documents it: e-commerce
 * integrations, push subscriptions, workflow triggers and configured workflows, with `{data,
 * success}` envelopes and the three documented errors (404 NOT_FOUND, 400 CONFIGURATION_ERROR,
 * 409 CONFLICT).
 *
 * Sandbox assumptions (the seed is silent):
 * - Every call needs `Authorization: Bearer <token>`. Service tokens `dsp_sandbox_*` are valid
 *   (`dsp_sandbox_revoked*` are not); any JWT-shaped token is accepted as an identity-provider
 *   token without checking its signature. Each service token, and each JWT `workspace` claim
 *   (else `sub`), is its own Dispatch account with its own state.
 * - `configure` upserts a workflow by (entity type, name); managed workflows cannot be changed,
 *   toggled or deleted (409). `resume-workflow` takes a workflow guid and needs a paused execution.
 * - Credentials whose apiKey starts with `invalid` are refused as invalid (400); configuring a
 *   provider that already has an active integration is a conflict (409); configuring it again
 *   after `disable` re-activates the same integration.
 */

export const SANDBOX_DISPATCH_TOKEN = 'dsp_sandbox_demo';

interface IntegrationState {
  guid: string;
  providerId: string;
  provider: string;
  status: 'active' | 'disabled';
  connectedAt: string;
}

interface WorkflowState {
  guid: string;
  name: string;
  entityType: DispatchEntityType;
  trigger: string;
  action: string;
  isActive: boolean;
  isManaged: boolean;
}

interface AccountState {
  integrations: Map<string, IntegrationState>;
  workflows: Map<string, WorkflowState>;
  /** Workflow guids with an execution waiting to be resumed. */
  paused: Set<string>;
  pushSubscriptions: Map<string, { endpoint: string; keys: { p256dh: string; auth: string } }>;
}

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

const ok = (data?: unknown): SandboxReply => ({
  status: 200,
  body: data === undefined ? { success: true } : { data, success: true },
});

const failure = (status: number, code: string, message: string): SandboxReply => ({
  status,
  body: { success: false, error: { code, message } },
});

const notFound = (message: string) => failure(404, 'NOT_FOUND', message);
const configurationError = (message: string) => failure(400, 'CONFIGURATION_ERROR', message);
const conflict = (message: string) => failure(409, 'CONFLICT', message);

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.trim().length > 0;
const isHttpsUrl = (v: unknown): boolean => {
  if (typeof v !== 'string') return false;
  try {
    return new URL(v).protocol === 'https:';
  } catch {
    return false;
  }
};

export function createDispatchSimulator(seed = 1): DispatchSimulator {
  const random = mulberry32(seed ^ 0xd15a7c);
  const uuid = () => {
    const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  };
  const accounts = new Map<string, AccountState>();
  const tokens: string[] = [];
  let quirk: { kind: DispatchMisbehaviour; remaining: number } | undefined;

  function seedAccount(): AccountState {
    const state: AccountState = {
      integrations: new Map(),
      workflows: new Map(),
      paused: new Set(),
      pushSubscriptions: new Map(),
    };
    const seeded: Array<Omit<WorkflowState, 'guid'>> = [
      {
        name: 'Notify on Delivery',
        entityType: 'Shipment',
        trigger: 'shipment_delivered',
        action: 'send_email',
        isActive: true,
        isManaged: false,
      },
      {
        name: 'Mark failed delivery',
        entityType: 'Shipment',
        trigger: 'shipment_failed_delivery',
        action: 'update_status',
        isActive: true,
        isManaged: true,
      },
      {
        name: 'Order confirmation email',
        entityType: 'Order',
        trigger: 'order_created',
        action: 'send_email',
        isActive: true,
        isManaged: true,
      },
      {
        name: 'Cancelled order webhook',
        entityType: 'Order',
        trigger: 'order_cancelled',
        action: 'webhook',
        isActive: false,
        isManaged: false,
      },
      {
        name: 'Welcome push',
        entityType: 'Customer',
        trigger: 'customer_created',
        action: 'send_push',
        isActive: true,
        isManaged: true,
      },
      {
        name: 'Low stock alert',
        entityType: 'Product',
        trigger: 'product_low_stock',
        action: 'webhook',
        isActive: true,
        isManaged: false,
      },
    ];
    for (const w of seeded) {
      const guid = uuid();
      state.workflows.set(guid, { guid, ...w });
      if (w.name === 'Low stock alert') state.paused.add(guid);
    }
    return state;
  }

  /** Account key of a bearer token, or undefined when the token is refused. */
  function accountKey(token: string): string | undefined {
    if (token.startsWith('dsp_sandbox_revoked')) return undefined;
    if (token.startsWith('dsp_sandbox_')) return token;
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    try {
      const claims = JSON.parse(
        Buffer.from(parts[1] ?? '', 'base64url').toString('utf8'),
      ) as Record<string, unknown>;
      const who = claims['workspace'] ?? claims['sub'];
      return typeof who === 'string' && who ? `jwt:${who}` : undefined;
    } catch {
      return undefined;
    }
  }

  function stateOf(key: string): AccountState {
    let state = accounts.get(key);
    if (!state) {
      state = seedAccount();
      accounts.set(key, state);
    }
    return state;
  }

  function stateForToken(token: string): AccountState {
    const key = accountKey(token);
    if (!key) throw new Error('the sandbox refuses this token');
    return stateOf(key);
  }

  /** Auth check, quirk injection and envelope for every route. */
  const authed =
    (handler: (req: SandboxRequest, state: AccountState) => SandboxReply) =>
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
        switch (quirk.kind) {
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
              body: {
                success: false,
                error: { code: 'INTERNAL_ERROR', message: 'Processing failed' },
              },
            };
        }
      }
      return handler(req, stateOf(key));
    };

  const entityOr404 = (value: string | undefined): DispatchEntityType | SandboxReply =>
    parseEntityType(value) ?? notFound(`Unknown entity type ${String(value)}`);

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
      guid: uuid(),
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

  const listTriggers = (req: SandboxRequest): SandboxReply => {
    const entityType = entityOr404(req.params['entityType']);
    if (typeof entityType !== 'string') return entityType;
    return ok(SANDBOX_TRIGGERS[entityType]);
  };

  const listWorkflows = (req: SandboxRequest, state: AccountState): SandboxReply => {
    const entityType = entityOr404(req.params['entityType']);
    if (typeof entityType !== 'string') return entityType;
    const includeManaged = req.query.get('managed') === 'true';
    return ok(
      [...state.workflows.values()]
        .filter((w) => w.entityType === entityType && (includeManaged || !w.isManaged))
        .map((w) => ({ ...w })),
    );
  };

  const configureWorkflow = (req: SandboxRequest, state: AccountState): SandboxReply => {
    const body = req.body;
    if (!isRecord(body) || !nonEmpty(body['name'])) return configurationError('name is required');
    const entityType = parseEntityType(
      typeof body['entityType'] === 'string' ? body['entityType'] : undefined,
    );
    if (!entityType) return configurationError('Unknown entityType');
    const trigger = SANDBOX_TRIGGERS[entityType].find((t) => t.guid === body['triggerId']);
    if (!trigger) return notFound('Trigger not found');
    const action = body['action'];
    const actionType = isRecord(action) ? action['type'] : undefined;
    if (!(DISPATCH_ACTION_TYPES as readonly unknown[]).includes(actionType))
      return configurationError('Unknown action type');
    const name = (body['name'] as string).trim();
    const existing = [...state.workflows.values()].find(
      (w) => w.entityType === entityType && w.name === name,
    );
    if (existing?.isManaged) return conflict('Workflow is managed and cannot be changed');
    const workflow: WorkflowState = existing ?? {
      guid: uuid(),
      name,
      entityType,
      trigger: trigger.code,
      action: actionType as string,
      isActive: true,
      isManaged: false,
    };
    workflow.trigger = trigger.code;
    workflow.action = actionType as string;
    state.workflows.set(workflow.guid, workflow);
    return ok({ guid: workflow.guid, name: workflow.name, isActive: workflow.isActive });
  };

  const mutableWorkflow = (
    state: AccountState,
    guid: string | undefined,
  ): WorkflowState | SandboxReply => {
    const workflow = state.workflows.get(guid ?? '');
    if (!workflow) return notFound('Workflow not found');
    if (workflow.isManaged) return conflict('Managed workflows cannot be changed');
    return workflow;
  };

  const toggleWorkflow = (req: SandboxRequest, state: AccountState): SandboxReply => {
    const workflow = mutableWorkflow(state, req.params['guid']);
    if (!('guid' in workflow)) return workflow;
    workflow.isActive = !workflow.isActive;
    return ok({ guid: workflow.guid, isActive: workflow.isActive });
  };

  const deleteWorkflow = (req: SandboxRequest, state: AccountState): SandboxReply => {
    const workflow = mutableWorkflow(state, req.params['guid']);
    if (!('guid' in workflow)) return workflow;
    state.workflows.delete(workflow.guid);
    state.paused.delete(workflow.guid);
    return ok();
  };

  const resumeWorkflow = (req: SandboxRequest, state: AccountState): SandboxReply => {
    const guid = req.query.get('workflowId');
    if (!nonEmpty(guid)) return configurationError('workflowId is required');
    if (!state.workflows.has(guid)) return notFound('Workflow not found');
    if (!state.paused.delete(guid)) return conflict('Workflow has no paused execution');
    return ok();
  };

  return {
    name: 'dispatch',
    routes: [
      route('POST', '/api/integrations/provider/configure', authed(configureIntegration)),
      route('GET', '/api/integrations/provider/disable/:id', authed(disableIntegration)),
      route(
        'DELETE',
        '/api/integrations/providers/ecommerce/remove/:id',
        authed(removeIntegration),
      ),
      route('POST', '/api/integrations/save-vapid-subscription', authed(savePushSubscription)),
      route('GET', '/api/workflows/triggers/:entityType', authed(listTriggers)),
      route('GET', '/api/workflows/resume-workflow', authed(resumeWorkflow)),
      route('GET', '/api/workflows/:entityType/configured', authed(listWorkflows)),
      route('POST', '/api/workflows/configure', authed(configureWorkflow)),
      route('GET', '/api/workflows/configured/:guid/toggle', authed(toggleWorkflow)),
      route('DELETE', '/api/workflows/configured/:guid', authed(deleteWorkflow)),
    ],
    account: (token) => stateForToken(token),
    addWorkflows(token, entityType, count) {
      const state = stateForToken(token);
      const triggers = SANDBOX_TRIGGERS[entityType];
      for (let i = 0; i < count; i += 1) {
        const guid = uuid();
        const trigger = triggers[i % triggers.length]!;
        state.workflows.set(guid, {
          guid,
          name: `${entityType} workflow ${state.workflows.size + 1}`,
          entityType,
          trigger: trigger.code,
          action: DISPATCH_ACTION_TYPES[i % DISPATCH_ACTION_TYPES.length]!,
          isActive: i % 3 !== 0,
          isManaged: false,
        });
      }
    },
    pauseExecution(token, workflowGuid) {
      stateForToken(token).paused.add(workflowGuid);
    },
    misbehave(kind, times = 1) {
      quirk = { kind, remaining: times };
    },
    receivedTokens: () => [...tokens],
  };
}
