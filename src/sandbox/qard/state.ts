import { Seeded, hashSeed } from '../commerce-data/seeded.js';
import type { QardCommerceType } from './data.js';

/**
 * The Qard sandbox's mutable state: providers (credentials, settings, enabled), users, their data
 * connections and syncs. Sync progress is computed from the clock whenever it is read, so no
 * timer outlives a test.
 */

export const QARD_DEFAULT_SYNC_DURATION_MS = 1500;

export type QardConnectionStatus =
  'AUTH_REQUIRED' | 'CONNECTING' | 'CONNECTED' | 'AUTH_ERROR' | 'DISCONNECTED';
export type QardSyncStatus =
  'QUEUED' | 'FETCHING' | 'AUTH_ERROR' | 'FETCH_ERROR' | 'INTERNAL_ERROR' | 'SUCCESS';

export interface ProviderState {
  name: string;
  displayName: string;
  enabled: boolean;
  autoConnect: boolean;
  credentialFields: string[];
  credentials: Record<string, string> | undefined;
}

export interface QardDataConnectionState {
  id: string;
  userId: string;
  providerName: string;
  status: QardConnectionStatus;
  requestedDataTypes: QardCommerceType[];
  createdAt: string;
  updatedAt: string;
}

export interface SyncState {
  id: string;
  dataTypes: QardCommerceType[];
  requestedMs: number;
  durationMs: number;
  completedMs: number | undefined;
}

export interface QardUserState {
  id: string;
  name: string;
  createdAt: string;
  connections: QardDataConnectionState[];
  syncs: SyncState[];
}

const PROVIDERS: Array<Pick<ProviderState, 'name' | 'displayName' | 'credentialFields'>> = [
  { name: 'shopify', displayName: 'Shopify', credentialFields: ['client_id', 'client_secret'] },
  {
    name: 'woocommerce',
    displayName: 'WooCommerce',
    credentialFields: ['consumer_key', 'consumer_secret'],
  },
];

export function syncDoneAt(sync: SyncState): number {
  return sync.completedMs ?? sync.requestedMs + sync.durationMs;
}

/** QUEUED for the first third of its duration, then FETCHING, then SUCCESS. */
export function syncStatus(sync: SyncState, now: number): QardSyncStatus {
  if (now >= syncDoneAt(sync)) return 'SUCCESS';
  return now - sync.requestedMs < sync.durationMs / 3 ? 'QUEUED' : 'FETCHING';
}

export function connectedConnection(user: QardUserState): QardDataConnectionState | undefined {
  return user.connections.find((c) => c.status === 'CONNECTED');
}

/** Whether a sync of `type` has finished for the user: its records are served from then on. */
export function isSynced(user: QardUserState, type: QardCommerceType): boolean {
  const now = Date.now();
  return user.syncs.some((s) => s.dataTypes.includes(type) && syncStatus(s, now) === 'SUCCESS');
}

export class QardState {
  readonly providers = new Map<string, ProviderState>(
    PROVIDERS.map((p) => [
      p.name,
      { ...p, enabled: false, autoConnect: false, credentials: undefined },
    ]),
  );
  readonly users = new Map<string, QardUserState>();
  syncDurationMs: number;
  /** User, connection and sync ids, in creation order. */
  private readonly ids: Seeded;

  constructor(seed: number, syncDurationMs: number) {
    this.ids = new Seeded(hashSeed(seed, 'qard-ids'));
    this.syncDurationMs = syncDurationMs;
  }

  userOrThrow(id: string): QardUserState {
    const user = this.users.get(id);
    if (!user) throw new Error(`no Qard user ${id}`);
    return user;
  }

  createUser(name: string): QardUserState {
    const user: QardUserState = {
      id: this.ids.uuid(),
      name,
      createdAt: new Date().toISOString(),
      connections: [],
      syncs: [],
    };
    this.users.set(user.id, user);
    return user;
  }

  createConnection(
    user: QardUserState,
    providerName: string,
    requestedDataTypes: readonly QardCommerceType[],
  ): QardDataConnectionState {
    const now = new Date().toISOString();
    const connection: QardDataConnectionState = {
      id: this.ids.uuid(),
      userId: user.id,
      providerName,
      status: 'AUTH_REQUIRED',
      requestedDataTypes: [...new Set(requestedDataTypes)],
      createdAt: now,
      updatedAt: now,
    };
    user.connections.push(connection);
    return connection;
  }

  startSync(user: QardUserState, dataTypes: readonly QardCommerceType[], now: number): SyncState {
    const sync: SyncState = {
      id: this.ids.uuid(),
      dataTypes: [...new Set(dataTypes)],
      requestedMs: now,
      durationMs: this.syncDurationMs,
      completedMs: undefined,
    };
    user.syncs.push(sync);
    return sync;
  }

  /** Finishes the user's running syncs now. */
  completeSyncs(user: QardUserState): void {
    const now = Date.now();
    for (const sync of user.syncs) {
      if (syncStatus(sync, now) !== 'SUCCESS') sync.completedMs = now;
    }
  }

  /** Configures (with made-up credentials unless some are set) and enables a provider. */
  enableProvider(name: string): void {
    const provider = this.providers.get(name);
    if (!provider) throw new Error(`no Qard provider ${name}`);
    provider.credentials ??= Object.fromEntries(
      provider.credentialFields.map((f) => [f, `sandbox-${f}`]),
    );
    provider.enabled = true;
  }
}
