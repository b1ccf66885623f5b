import { mulberry32 } from '../framework.js';
import {
  DISPATCH_ACTION_TYPES,
  SANDBOX_PAUSED_WORKFLOW,
  SANDBOX_SEEDED_WORKFLOWS,
  SANDBOX_TRIGGERS,
  type DispatchEntityType,
  type WorkflowState,
} from './catalogue.js';

/**
 * Dispatch accounts: one per service token, and one per JWT `workspace` claim (else `sub`), each
 * created with the seeded workflows on first use.
 */

export interface IntegrationState {
  guid: string;
  providerId: string;
  provider: string;
  status: 'active' | 'disabled';
  connectedAt: string;
}

export interface AccountState {
  integrations: Map<string, IntegrationState>;
  workflows: Map<string, WorkflowState>;
  /** Workflow guids with an execution waiting to be resumed. */
  paused: Set<string>;
  pushSubscriptions: Map<string, { endpoint: string; keys: { p256dh: string; auth: string } }>;
}

/**
 * Account key of a bearer token, or undefined when the token is refused. Service tokens
 * `dsp_sandbox_*` are valid (`dsp_sandbox_revoked*` are not); a JWT-shaped token is accepted as
 * an identity-provider token without checking its signature.
 */
export function accountKey(token: string): string | undefined {
  if (token.startsWith('dsp_sandbox_revoked')) return undefined;
  if (token.startsWith('dsp_sandbox_')) return token;
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
    const who = claims['workspace'] ?? claims['sub'];
    return typeof who === 'string' && who ? `jwt:${who}` : undefined;
  } catch {
    return undefined;
  }
}

export class DispatchAccounts {
  private readonly accounts = new Map<string, AccountState>();
  /** Integration and workflow guids, drawn in creation order. */
  private readonly random: () => number;

  constructor(seed: number) {
    this.random = mulberry32(seed ^ 0xd15a7c);
  }

  uuid(): string {
    const hex = Array.from({ length: 32 }, () => Math.floor(this.random() * 16).toString(16)).join(
      '',
    );
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  }

  /** The account of a key from `accountKey`, created and seeded on first use. */
  of(key: string): AccountState {
    let state = this.accounts.get(key);
    if (!state) {
      state = this.seedAccount();
      this.accounts.set(key, state);
    }
    return state;
  }

  forToken(token: string): AccountState {
    const key = accountKey(token);
    if (!key) throw new Error('the sandbox refuses this token');
    return this.of(key);
  }

  /** Adds `count` unmanaged workflows of one entity type (tests, demos). */
  addWorkflows(state: AccountState, entityType: DispatchEntityType, count: number): void {
    const triggers = SANDBOX_TRIGGERS[entityType];
    for (let i = 0; i < count; i += 1) {
      const guid = this.uuid();
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
  }

  private seedAccount(): AccountState {
    const state: AccountState = {
      integrations: new Map(),
      workflows: new Map(),
      paused: new Set(),
      pushSubscriptions: new Map(),
    };
    for (const w of SANDBOX_SEEDED_WORKFLOWS) {
      const guid = this.uuid();
      state.workflows.set(guid, { guid, ...w });
      if (w.name === SANDBOX_PAUSED_WORKFLOW) state.paused.add(guid);
    }
    return state;
  }
}
