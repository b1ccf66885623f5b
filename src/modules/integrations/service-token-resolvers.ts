import type { MutationResolvers, WorkspaceResolvers } from '../../generated/graphql.js';
import { hasRole } from '../../request-context.js';
import { idempotentMutation, userError, type UserErrorModel } from '../base/mutations.js';

const MAX_TOKEN = 8192;

/** Write-only: the token is sealed and stored; no field ever returns it. */
/** Read afresh (not from the payload kept for replays), so a replay shows the token as it is now. */
export const workspaceTokenFields: Pick<WorkspaceResolvers, 'dispatchServiceTokenConfigured'> = {
  dispatchServiceTokenConfigured: (w, _args, ctx) =>
    ctx.services.dispatch.auth.hasWorkspaceToken(w.id),
};

export const serviceTokenMutations: Pick<MutationResolvers, 'setDispatchServiceToken'> = {
  setDispatchServiceToken: async (_root, { input }, ctx) => {
    const { auth } = ctx.services.dispatch;
    // What a failed call leaves in place, so the payload stays truthful whatever failed.
    const configuredBefore = await auth.hasWorkspaceToken(ctx.workspace.id);
    const failed = (userErrors: UserErrorModel[]) => ({
      workspace: ctx.workspace,
      serviceTokenConfigured: configuredBefore,
      userErrors,
    });
    if (!hasRole(ctx, 'admin')) {
      return failed([userError(null, 'This change needs the ADMIN role', 'FORBIDDEN')]);
    }
    const token = input.token ?? null;
    if (token !== null && (token.trim() === '' || token.length > MAX_TOKEN || /\s/.test(token))) {
      return failed([
        userError(['input', 'token'], 'token must be a non-empty bearer token without spaces'),
      ]);
    }
    return idempotentMutation({
      ctx,
      operation: 'setDispatchServiceToken',
      idempotencyKey: input.idempotencyKey,
      input,
      failed,
      run: async () => {
        await auth.setWorkspaceToken(ctx.workspace.id, token);
        return { workspace: ctx.workspace, serviceTokenConfigured: token !== null, userErrors: [] };
      },
    });
  },
};
