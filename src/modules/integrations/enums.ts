import type {
  IntegrationStatus,
  WorkflowActionType,
  WorkflowEntityType,
} from '../../generated/graphql.js';
import type { DispatchActionType, DispatchEntityType } from '../../upstreams/dispatch/types.js';

/** Dispatch spells enum values its own way; ours are UPPER_SNAKE with an UNKNOWN fallback. */

const ENTITY_TYPES: Record<Exclude<WorkflowEntityType, 'UNKNOWN'>, DispatchEntityType> = {
  ORDER: 'Order',
  SHIPMENT: 'Shipment',
  CUSTOMER: 'Customer',
  PRODUCT: 'Product',
};

const ACTION_TYPES: Record<Exclude<WorkflowActionType, 'UNKNOWN'>, DispatchActionType> = {
  SEND_EMAIL: 'send_email',
  SEND_PUSH: 'send_push',
  WEBHOOK: 'webhook',
  UPDATE_STATUS: 'update_status',
};

/** Undefined for UNKNOWN, which is a result value only. */
export function toDispatchEntityType(value: WorkflowEntityType): DispatchEntityType | undefined {
  return value === 'UNKNOWN' ? undefined : ENTITY_TYPES[value];
}

export function fromDispatchEntityType(value: string): WorkflowEntityType {
  const upper = value.toUpperCase();
  return upper in ENTITY_TYPES ? (upper as WorkflowEntityType) : 'UNKNOWN';
}

/** The Dispatch spelling of an entity type found in a stored or upstream value, if known. */
export function parseDispatchEntityType(value: string): DispatchEntityType | undefined {
  const ours = fromDispatchEntityType(value);
  return ours === 'UNKNOWN' ? undefined : ENTITY_TYPES[ours];
}

export function toDispatchActionType(value: WorkflowActionType): DispatchActionType | undefined {
  return value === 'UNKNOWN' ? undefined : ACTION_TYPES[value];
}

export function fromDispatchActionType(value: string | null): WorkflowActionType {
  const upper = (value ?? '').toUpperCase();
  return upper in ACTION_TYPES ? (upper as WorkflowActionType) : 'UNKNOWN';
}

export function fromDispatchIntegrationStatus(value: string): IntegrationStatus {
  switch (value.toLowerCase()) {
    case 'active':
      return 'ACTIVE';
    case 'disabled':
      return 'DISABLED';
    default:
      return 'UNKNOWN';
  }
}
