import type { DispatchEntityType } from '../../upstreams/dispatch/types.js';

/**
 * Internal models behind the GraphQL types of the integrations module (codegen mappers). They
 * are plain JSON-safe data because mutation payloads holding them are kept for idempotent
 * replays.
 */

export interface IntegrationSettingsModel {
  autoImportOrders: boolean;
  syncProducts: boolean;
  pushTracking: boolean;
}

export interface IntegrationModel {
  guid: string;
  providerId: string;
  providerType: 'ecommerce';
  providerName: string;
  /** Dispatch's status as it came (`active`, `disabled`, …). */
  status: string;
  settings: IntegrationSettingsModel;
  /** ISO 8601, or null when Dispatch did not say. */
  connectedAt: string | null;
  updatedAt: string;
}

export interface WorkflowTriggerModel {
  entityType: DispatchEntityType;
  guid: string;
  name: string;
  code: string;
  description: string | null;
}

export interface WorkflowModel {
  guid: string;
  name: string;
  /** The entity type the workflow was listed or configured under. */
  entityType: DispatchEntityType;
  /** Trigger code as listed (`shipment_delivered`); null right after configure. */
  triggerCode: string | null;
  /** Trigger guid when known (configure gives the guid, lists give the code). */
  triggerGuid: string | null;
  /** Dispatch's action value as it came (`send_email`); null when not reported. */
  action: string | null;
  isActive: boolean;
  isManaged: boolean;
}

/**
 * A workflow a mutation changed, as far as Dispatch's answer tells (toggle answers the guid and
 * `isActive` only). Fields it lacks are read from the entity type's workflow list when a client
 * selects them, so a client that selects `workflow { id isActive }` costs one Dispatch call.
 */
export interface WorkflowRef {
  ref: true;
  guid: string;
  entityType: DispatchEntityType;
  isActive: boolean | null;
}

/** What a Workflow field receives: a listed workflow or a mutation's reference to one. */
export type WorkflowValue = WorkflowModel | WorkflowRef;

export interface PushSubscriptionModel {
  endpoint: string;
}
