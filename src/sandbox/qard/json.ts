import type { components } from '../../generated/upstreams/qard.js';
import { QARD_COMMERCE_TYPES } from './data.js';
import {
  syncDoneAt,
  syncStatus,
  type ProviderState,
  type QardDataConnectionState,
  type QardUserState,
  type SyncState,
} from './state.js';

/** The sandbox's state in the shapes of Qard's API reference. */

export function syncJson(
  user: QardUserState,
  sync: SyncState,
  now: number,
): components['schemas']['Sync'] {
  const status = syncStatus(sync, now);
  return {
    id: sync.id,
    user_id: user.id,
    status,
    data_types: sync.dataTypes,
    created_at: new Date(sync.requestedMs).toISOString(),
    updated_at: new Date(status === 'SUCCESS' ? syncDoneAt(sync) : sync.requestedMs).toISOString(),
    finished_at: status === 'SUCCESS' ? new Date(syncDoneAt(sync)).toISOString() : null,
  };
}

export function providerJson(p: ProviderState): components['schemas']['Provider'] {
  return {
    name: p.name,
    logo_url: `https://assets.example.com/providers/${p.name}.svg`,
    enabled: p.enabled,
    available: true,
    unique: false,
    auth_required: true,
    auto_connect: p.autoConnect,
    settings: { auto_connect: p.autoConnect },
    // Which credentials the provider needs and whether they are set; their values are never sent.
    credentials_config: p.credentialFields.map((name) => ({
      name,
      type: 'string',
      required: true,
      is_set: Boolean(p.credentials?.[name]),
    })),
    data_types: [...QARD_COMMERCE_TYPES],
  };
}

export function connectionJson(
  c: QardDataConnectionState,
  baseUrl: string,
): components['schemas']['DataConnection'] {
  return {
    id: c.id,
    user_id: c.userId,
    provider_name: c.providerName,
    status: c.status,
    redirect_url: `${baseUrl}/connect/${c.userId}/${c.id}`,
    requested_data_types: c.requestedDataTypes,
    created_at: c.createdAt,
    updated_at: c.updatedAt,
  };
}

export function userJson(u: QardUserState): components['schemas']['User'] {
  return { id: u.id, name: u.name, created_at: u.createdAt };
}
