import type { components } from '../../generated/upstreams/codat.js';
import { CODAT_COMMERCE_DATA_TYPES } from './data.js';
import {
  lastSuccessfulOperation,
  latestOperation,
  operationDoneAt,
  operationStatus,
  type CodatCompanyState,
  type CodatConnectionState,
  type PullOperation,
} from './state.js';

/** The sandbox's state in the shapes of Codat's published schemas. */

export function connectionJson(c: CodatConnectionState): components['schemas']['Connection'] {
  return {
    id: c.id,
    integrationId: c.integrationId,
    integrationKey: c.platformKey,
    sourceId: c.sourceId,
    platformName: c.platformName,
    linkUrl: c.linkUrl,
    status: c.status,
    ...(c.lastSync ? { lastSync: c.lastSync } : {}),
    created: c.created,
    sourceType: 'Commerce',
    dataConnectionErrors: [],
  };
}

export function companyJson(company: CodatCompanyState): components['schemas']['Company'] {
  const lastSync = company.connections
    .map((c) => c.lastSync)
    .filter(Boolean)
    .sort()
    .at(-1);
  const first = company.connections[0];
  return {
    id: company.id,
    name: company.name,
    ...(company.description !== undefined ? { description: company.description } : {}),
    // `platform` and `status` are the legacy fields the seed's example still shows.
    platform: first?.platformName ?? '',
    redirect: company.redirect,
    status: first?.status ?? 'PendingAuth',
    ...(lastSync ? { lastSync } : {}),
    created: company.created,
    createdByUserName: 'Sandbox user',
    products: ['commerce'],
    tags: {},
    dataConnections: company.connections.map(connectionJson),
  };
}

export function operationJson(
  company: CodatCompanyState,
  op: PullOperation,
  now: number,
): components['schemas']['PullOperation'] {
  const status = operationStatus(op, now);
  return {
    id: op.id,
    companyId: company.id,
    connectionId: op.connectionId,
    dataType: op.dataType,
    status,
    statusDescription: null,
    errorMessage: null,
    requested: new Date(op.requestedMs).toISOString(),
    ...(status === 'Complete' ? { completed: new Date(operationDoneAt(op)).toISOString() } : {}),
    progress: status === 'Complete' ? 100 : status === 'Fetching' ? 50 : 0,
    isCompleted: status === 'Complete',
    isErrored: false,
  };
}

export function dataStatusJson(company: CodatCompanyState): components['schemas']['DataStatuses'] {
  const now = Date.now();
  const entries = CODAT_COMMERCE_DATA_TYPES.map((dataType) => {
    const latest = latestOperation(company, dataType);
    const success = lastSuccessfulOperation(company, dataType, now);
    return [
      dataType,
      {
        dataType,
        currentStatus: latest ? operationStatus(latest, now) : 'Initial',
        ...(success
          ? {
              lastSuccessfulSync: new Date(operationDoneAt(success)).toISOString(),
              latestSuccessfulSyncId: success.id,
            }
          : {}),
        ...(latest ? { latestSyncId: latest.id } : {}),
      },
    ] as const;
  });
  return Object.fromEntries(entries);
}
