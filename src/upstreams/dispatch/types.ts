import { z } from 'zod';
import type { components } from '../../generated/upstreams/dispatch.js';

type Schemas = components['schemas'];

/**
 * Wire shapes of the Dispatch Integrations API (schema/upstreams/dispatch.yaml). Responses are
 * checked with these schemas, so a renamed or missing field is an UPSTREAM_ERROR at the call
 * instead of a null deep inside a resolver. Unknown extra fields are tolerated.
 */

/** Entity types as Dispatch spells them in paths and bodies. */
export type DispatchEntityType = Schemas['EntityType'];
export type DispatchActionType = Schemas['ActionType'];

export const configuredIntegrationSchema = z.object({
  guid: z.string().min(1),
  provider: z.string(),
  status: z.string(),
  connectedAt: z.string().nullish(),
});
export type DispatchConfiguredIntegration = z.infer<typeof configuredIntegrationSchema>;

export const integrationStatusSchema = z.object({
  guid: z.string().min(1),
  status: z.string(),
});
export type DispatchIntegrationStatus = z.infer<typeof integrationStatusSchema>;

export const triggerSchema = z.object({
  guid: z.string().min(1),
  name: z.string(),
  code: z.string(),
  description: z.string().nullish(),
});
export type DispatchTrigger = z.infer<typeof triggerSchema>;

export const workflowSchema = z.object({
  guid: z.string().min(1),
  name: z.string(),
  entityType: z.string(),
  trigger: z.string().nullish(),
  action: z.string().nullish(),
  isActive: z.boolean(),
  isManaged: z.boolean(),
});
export type DispatchWorkflow = z.infer<typeof workflowSchema>;

export const savedWorkflowSchema = z.object({
  guid: z.string().min(1),
  name: z.string(),
  isActive: z.boolean(),
});
export type DispatchSavedWorkflow = z.infer<typeof savedWorkflowSchema>;

export const toggledWorkflowSchema = z.object({
  guid: z.string().min(1),
  isActive: z.boolean(),
});
export type DispatchToggledWorkflow = z.infer<typeof toggledWorkflowSchema>;

export type ConfigureIntegrationRequest = Schemas['ConfigureIntegrationRequest'];
export type PushSubscriptionRequest = Schemas['PushSubscription'];
export type ConfigureWorkflowRequest = Schemas['ConfigureWorkflowRequest'];

/**
 * Compile-time proof that every validated response shape is what the OpenAPI document
 * promises: if either side changes, the type check fails here.
 */
type Conforms<Validated extends Contract, Contract> = Validated;
/** The validators also accept `null` for optional fields, which JSON senders often write. */
type NullableOptional<T, K extends keyof T> = Omit<T, K> & { [P in K]?: T[P] | null };
export type ResponseShapesConform = [
  Conforms<
    DispatchConfiguredIntegration,
    NullableOptional<Schemas['ConfiguredIntegration'], 'connectedAt'>
  >,
  Conforms<DispatchIntegrationStatus, Schemas['IntegrationStatus']>,
  Conforms<DispatchTrigger, NullableOptional<Schemas['Trigger'], 'description'>>,
  Conforms<DispatchWorkflow, NullableOptional<Schemas['Workflow'], 'trigger' | 'action'>>,
  Conforms<DispatchSavedWorkflow, Schemas['SavedWorkflow']>,
  Conforms<DispatchToggledWorkflow, Schemas['ToggledWorkflow']>,
];

/** The three failures the Dispatch documentation promises, each an expected outcome. */
export const DOCUMENTED_ERROR_CODES = ['NOT_FOUND', 'CONFIGURATION_ERROR', 'CONFLICT'] as const;
export type DispatchDocumentedErrorCode = (typeof DOCUMENTED_ERROR_CODES)[number];

export const errorEnvelopeSchema = z.object({
  success: z.literal(false),
  error: z
    .object({
      code: z.string().optional(),
      message: z.string().optional(),
    })
    .optional(),
});
