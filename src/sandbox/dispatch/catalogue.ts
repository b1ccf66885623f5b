import type { components } from '../../generated/upstreams/dispatch.js';

/**
 * Reference data of the Dispatch sandbox: the e-commerce providers an integration can be
 * configured for and the workflow triggers per entity type. Ids are fixed so docs and tests can
 * name them.
 */

type Schemas = components['schemas'];

export const DISPATCH_ENTITY_TYPES = [
  'Order',
  'Shipment',
  'Customer',
  'Product',
] as const satisfies readonly Schemas['EntityType'][];
export type DispatchEntityType = (typeof DISPATCH_ENTITY_TYPES)[number];

export const DISPATCH_ACTION_TYPES = [
  'send_email',
  'send_push',
  'webhook',
  'update_status',
] as const satisfies readonly Schemas['ActionType'][];

export interface SandboxProvider {
  id: string;
  name: string;
}

export const SANDBOX_PROVIDERS: readonly SandboxProvider[] = [
  { id: '6f1c2a4e-0b5d-4c1e-9a31-5e0f7d2b8a01', name: 'Shopify' },
  { id: '6f1c2a4e-0b5d-4c1e-9a31-5e0f7d2b8a02', name: 'WooCommerce' },
  { id: '6f1c2a4e-0b5d-4c1e-9a31-5e0f7d2b8a03', name: 'Magento' },
  { id: '6f1c2a4e-0b5d-4c1e-9a31-5e0f7d2b8a04', name: 'BigCommerce' },
];

/** A trigger as Dispatch lists it; the sandbox describes every one. */
export type SandboxTrigger = Required<Schemas['Trigger']>;

const trigger = (
  entity: DispatchEntityType,
  index: number,
  event: string,
  description: string,
): SandboxTrigger => ({
  guid: `7a0e0000-4d2f-4b6a-9c1e-${index.toString().padStart(12, '0')}`,
  name: `${entity} ${event
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ')}`,
  code: `${entity.toLowerCase()}_${event}`,
  description,
});

export const SANDBOX_TRIGGERS: Record<DispatchEntityType, readonly SandboxTrigger[]> = {
  Order: [
    trigger('Order', 1, 'created', 'Fires when a new order is created'),
    trigger('Order', 2, 'status_changed', 'Fires when order status changes'),
    trigger('Order', 3, 'cancelled', 'Fires when an order is cancelled'),
  ],
  Shipment: [
    trigger('Shipment', 4, 'created', 'Fires when a shipment is created'),
    trigger('Shipment', 5, 'dispatched', 'Fires when a shipment leaves the warehouse'),
    trigger('Shipment', 6, 'delivered', 'Fires when a shipment is delivered'),
    trigger('Shipment', 7, 'failed_delivery', 'Fires when a delivery attempt fails'),
  ],
  Customer: [
    trigger('Customer', 8, 'created', 'Fires when a new customer signs up'),
    trigger('Customer', 9, 'updated', 'Fires when customer details change'),
  ],
  Product: [
    trigger('Product', 10, 'created', 'Fires when a product is added to the catalogue'),
    trigger('Product', 11, 'low_stock', 'Fires when stock falls below the reorder level'),
  ],
};

export function parseEntityType(value: string | undefined): DispatchEntityType | undefined {
  return DISPATCH_ENTITY_TYPES.find((t) => t.toLowerCase() === value?.toLowerCase());
}

/** A configured workflow as the sandbox keeps it. */
export interface WorkflowState {
  guid: string;
  name: string;
  entityType: DispatchEntityType;
  trigger: string;
  action: string;
  isActive: boolean;
  isManaged: boolean;
}

/** Workflows every new account starts with (ids are drawn when the account is created). */
export const SANDBOX_SEEDED_WORKFLOWS: ReadonlyArray<Omit<WorkflowState, 'guid'>> = [
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

/** The seeded workflow that starts with an execution waiting to be resumed. */
export const SANDBOX_PAUSED_WORKFLOW = 'Low stock alert';
