import type { z } from 'zod';
import type { QueryValue } from '../http-body.js';
import type { HttpMethod, UpstreamHttpClient } from '../http-client.js';
import {
  DispatchRejection,
  malformed,
  mapDispatchFailure,
  unwrapEnvelope,
  type DispatchTokenSource,
} from './errors.js';
import {
  configuredIntegrationSchema,
  integrationStatusSchema,
  savedWorkflowSchema,
  toggledWorkflowSchema,
  triggerSchema,
  workflowSchema,
  type ConfigureIntegrationRequest,
  type ConfigureWorkflowRequest,
  type DispatchConfiguredIntegration,
  type DispatchEntityType,
  type DispatchIntegrationStatus,
  type DispatchSavedWorkflow,
  type DispatchToggledWorkflow,
  type DispatchTrigger,
  type DispatchWorkflow,
  type PushSubscriptionRequest,
} from './types.js';

/** The bearer token of one call and where it came from. */
export interface DispatchAuth {
  token: string;
  source: DispatchTokenSource;
}

interface Call<T> {
  method: HttpMethod;
  path: string;
  operation: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
  idempotent?: boolean;
  /** Undefined for endpoints documented as `{success:true}` only. */
  schema?: z.ZodType<T>;
  /** Reads have no payload for userErrors: their documented errors become GatewayErrors here. */
  read?: boolean;
}

const seg = encodeURIComponent;

/**
 * Typed client of the Dispatch Integrations API: one method per endpoint of the seed. Auth is a
 * per-call bearer token (the caller's own, or a service token), added in one place; documented
 * errors surface as DispatchRejection, everything else as GatewayError.
 */
export class DispatchClient {
  constructor(private readonly http: UpstreamHttpClient) {}

  configureIntegration(
    auth: DispatchAuth,
    body: ConfigureIntegrationRequest,
  ): Promise<DispatchConfiguredIntegration> {
    return this.call(auth, {
      method: 'POST',
      path: '/api/integrations/provider/configure',
      operation: 'POST /api/integrations/provider/configure',
      body,
      schema: configuredIntegrationSchema,
    });
  }

  disableIntegration(
    auth: DispatchAuth,
    integrationId: string,
  ): Promise<DispatchIntegrationStatus> {
    return this.call(auth, {
      method: 'GET',
      path: `/api/integrations/provider/disable/${seg(integrationId)}`,
      operation: 'GET /api/integrations/provider/disable/{id}',
      schema: integrationStatusSchema,
    });
  }

  async removeIntegration(auth: DispatchAuth, integrationId: string): Promise<void> {
    await this.call(auth, {
      method: 'DELETE',
      path: `/api/integrations/providers/ecommerce/remove/${seg(integrationId)}`,
      operation: 'DELETE /api/integrations/providers/ecommerce/remove/{id}',
      // A retried DELETE whose first attempt went through would answer 404 and hide the success.
      idempotent: false,
    });
  }

  async savePushSubscription(auth: DispatchAuth, body: PushSubscriptionRequest): Promise<void> {
    await this.call(auth, {
      method: 'POST',
      path: '/api/integrations/save-vapid-subscription',
      operation: 'POST /api/integrations/save-vapid-subscription',
      body,
      // Saving the same subscription twice leaves the same state.
      idempotent: true,
    });
  }

  listTriggers(auth: DispatchAuth, entityType: DispatchEntityType): Promise<DispatchTrigger[]> {
    return this.call(auth, {
      method: 'GET',
      path: `/api/workflows/triggers/${seg(entityType)}`,
      operation: 'GET /api/workflows/triggers/{entityType}',
      schema: triggerSchema.array(),
      read: true,
    });
  }

  listWorkflows(
    auth: DispatchAuth,
    entityType: DispatchEntityType,
    managed: boolean,
  ): Promise<DispatchWorkflow[]> {
    return this.call(auth, {
      method: 'GET',
      path: `/api/workflows/${seg(entityType)}/configured`,
      operation: 'GET /api/workflows/{entityType}/configured',
      query: { managed },
      schema: workflowSchema.array(),
      read: true,
    });
  }

  configureWorkflow(
    auth: DispatchAuth,
    body: ConfigureWorkflowRequest,
  ): Promise<DispatchSavedWorkflow> {
    return this.call(auth, {
      method: 'POST',
      path: '/api/workflows/configure',
      operation: 'POST /api/workflows/configure',
      body,
      schema: savedWorkflowSchema,
    });
  }

  toggleWorkflow(auth: DispatchAuth, workflowGuid: string): Promise<DispatchToggledWorkflow> {
    return this.call(auth, {
      method: 'GET',
      path: `/api/workflows/configured/${seg(workflowGuid)}/toggle`,
      operation: 'GET /api/workflows/configured/{guid}/toggle',
      // A GET that flips state: retrying it after a lost answer would flip it back.
      idempotent: false,
      schema: toggledWorkflowSchema,
    });
  }

  async deleteWorkflow(auth: DispatchAuth, workflowGuid: string): Promise<void> {
    await this.call(auth, {
      method: 'DELETE',
      path: `/api/workflows/configured/${seg(workflowGuid)}`,
      operation: 'DELETE /api/workflows/configured/{guid}',
      idempotent: false,
    });
  }

  async resumeWorkflow(auth: DispatchAuth, workflowGuid: string): Promise<void> {
    await this.call(auth, {
      method: 'GET',
      path: '/api/workflows/resume-workflow',
      operation: 'GET /api/workflows/resume-workflow',
      query: { workflowId: workflowGuid },
      // Resuming twice would run the paused execution's next step twice.
      idempotent: false,
    });
  }

  private async call<T>(auth: DispatchAuth, call: Call<T>): Promise<T> {
    try {
      return await this.exchange(auth, call);
    } catch (error) {
      throw call.read && error instanceof DispatchRejection ? error.toGatewayError() : error;
    }
  }

  private async exchange<T>(auth: DispatchAuth, call: Call<T>): Promise<T> {
    let body: unknown;
    try {
      const response = await this.http.request({
        method: call.method,
        path: call.path,
        operation: call.operation,
        headers: { authorization: `Bearer ${auth.token}` },
        ...(call.query ? { query: call.query } : {}),
        ...(call.body !== undefined ? { body: call.body } : {}),
        ...(call.idempotent !== undefined ? { idempotent: call.idempotent } : {}),
      });
      body = response.body;
    } catch (error) {
      throw mapDispatchFailure(error, call.operation, auth.source);
    }
    const data = unwrapEnvelope(body, call.operation, call.schema !== undefined);
    if (!call.schema) return undefined as T;
    const parsed = call.schema.safeParse(data);
    if (!parsed.success)
      throw malformed(
        call.operation,
        `data does not match the contract at ${parsed.error.issues[0]?.path.join('.') || 'root'}`,
      );
    return parsed.data;
  }
}
