import { hasRole, type GraphQLContext } from '../../request-context.js';
import type { DispatchAuth } from '../../upstreams/dispatch/client.js';
import { DispatchRejection } from '../../upstreams/dispatch/errors.js';
import { idempotentMutation, userError, type UserErrorModel } from '../base/mutations.js';

/**
 * The shape every Dispatch mutation shares: role check and input validation (no upstream call on
 * failure), then an idempotent run with the workspace's bearer token, where Dispatch's documented
 * errors (NOT_FOUND, CONFIGURATION_ERROR, CONFLICT) become userErrors of this payload.
 */
export async function dispatchMutation<P extends { userErrors: UserErrorModel[] }>(args: {
  ctx: GraphQLContext;
  operation: string;
  input: { idempotencyKey?: string | null };
  /** Configuration changes need ADMIN; day-to-day operations any role. */
  adminOnly: boolean;
  failed: (userErrors: UserErrorModel[]) => P;
  validate?: () => UserErrorModel[];
  /** Input field a documented Dispatch error is attached to (null: the whole input). */
  rejectionField?: string[] | null;
  /** Input values that must not appear in a userError message (credentials). */
  secrets?: string[];
  run: (auth: DispatchAuth) => Promise<P>;
}): Promise<P> {
  const { ctx } = args;
  if (args.adminOnly && !hasRole(ctx, 'admin')) {
    return args.failed([userError(null, 'This change needs the ADMIN role', 'FORBIDDEN')]);
  }
  const invalid = args.validate?.() ?? [];
  if (invalid.length > 0) return args.failed(invalid);
  return idempotentMutation({
    ctx,
    operation: args.operation,
    idempotencyKey: args.input.idempotencyKey,
    input: args.input,
    failed: args.failed,
    run: async () => {
      const auth = await ctx.services.dispatch.auth.authFor(ctx.principal);
      try {
        return await args.run(auth);
      } catch (error) {
        if (!(error instanceof DispatchRejection)) throw error;
        const message = redact(`Dispatch: ${error.upstreamMessage}`, args.secrets ?? []);
        return args.failed([userError(args.rejectionField ?? null, message, error.code)]);
      }
    },
  });
}

function redact(message: string, secrets: string[]): string {
  return secrets
    .filter((s) => s.length >= 4)
    .reduce((m, s) => m.split(s).join('[redacted]'), message);
}
