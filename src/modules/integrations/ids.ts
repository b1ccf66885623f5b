import { tryParseGlobalId, toGlobalId } from '../base/global-id.js';
import type { DispatchEntityType } from '../../upstreams/dispatch/types.js';
import { parseDispatchEntityType } from './enums.js';

/**
 * Global ids of the module. Workflows and triggers carry their entity type in the local id
 * (`Shipment:<guid>`), because Dispatch only lists them per entity type.
 */

export const integrationId = (guid: string) => toGlobalId('Integration', guid);
export const workflowId = (entityType: DispatchEntityType, guid: string) =>
  toGlobalId('Workflow', `${entityType}:${guid}`);
export const triggerId = (entityType: DispatchEntityType, guid: string) =>
  toGlobalId('WorkflowTrigger', `${entityType}:${guid}`);

export interface ScopedLocalId {
  entityType: DispatchEntityType;
  guid: string;
}

/** Reads the local part of a Workflow or WorkflowTrigger id; undefined when malformed. */
export function parseScopedLocalId(localId: string): ScopedLocalId | undefined {
  const colon = localId.indexOf(':');
  if (colon <= 0 || colon === localId.length - 1) return undefined;
  const entityType = parseDispatchEntityType(localId.slice(0, colon));
  return entityType ? { entityType, guid: localId.slice(colon + 1) } : undefined;
}

export function parseScopedId(
  id: string,
  type: 'Workflow' | 'WorkflowTrigger',
): ScopedLocalId | undefined {
  const parsed = tryParseGlobalId(id);
  return parsed?.type === type ? parseScopedLocalId(parsed.localId) : undefined;
}

export function parseIntegrationId(id: string): string | undefined {
  const parsed = tryParseGlobalId(id);
  return parsed?.type === 'Integration' && parsed.localId ? parsed.localId : undefined;
}
