import type { UserErrorModel } from '../base/mutations.js';
import type {
  IntegrationModel,
  PushSubscriptionModel,
  WorkflowModel,
  WorkflowRef,
} from './models.js';

/** Mutation payloads as resolvers build them (plain data, kept for idempotent replays). */

interface WithErrors {
  userErrors: UserErrorModel[];
}

export interface IntegrationPayload extends WithErrors {
  integration: IntegrationModel | null;
}

export interface RemoveIntegrationResult extends WithErrors {
  removedIntegrationId: string | null;
}

export interface SavePushSubscriptionResult extends WithErrors {
  pushSubscription: PushSubscriptionModel | null;
  endpoint: string | null;
}

export interface ConfigureWorkflowResult extends WithErrors {
  workflow: WorkflowModel | null;
}

export interface ToggleWorkflowResult extends WithErrors {
  workflow: WorkflowRef | null;
  workflowId: string | null;
  isActive: boolean | null;
}

export interface DeleteWorkflowResult extends WithErrors {
  deletedWorkflowId: string | null;
}

export interface ResumeWorkflowResult extends WithErrors {
  workflow: WorkflowRef | null;
  workflowId: string | null;
  resumed: boolean;
}
