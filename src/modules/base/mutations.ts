import type { UserErrorCode } from '../../generated/graphql.js';
import type { GraphQLContext } from '../../request-context.js';

export interface UserErrorModel {
  field: string[] | null;
  message: string;
  code: UserErrorCode;
  /** Seconds after which a retry may succeed (IDEMPOTENCY_KEY_IN_PROGRESS). */
  retryAfter?: number;
}

export const userError = (
  field: string[] | null,
  message: string,
  code: UserErrorCode = 'INVALID',
): UserErrorModel => ({
  field,
  message,
  code,
});

/** Idempotency keys are client-generated (UUIDs, ULIDs); anything longer is a mistake. */
const IDEMPOTENCY_KEY = /^[\w.:-]{1,255}$/;

/**
 * Runs a mutation at most once per idempotency key and caller (principal) in a workspace. A mobile client
 * retrying over a flaky network gets the first call's payload back without the upstream being
 * called again. The payload is kept as JSON, so it must be plain data (Dates become ISO strings,
 * which the DateTime scalar serialises unchanged).
 *
 * `failed` is the payload shape with only `userErrors` set, used when the key itself is at fault.
 * Payloads with userErrors (a refusal: nothing happened) are not kept, so a retry with the same
 * key, by a caller whose role or circumstances changed, is not answered with the old refusal.
 */
export async function idempotentMutation<P extends { userErrors: UserErrorModel[] }>(args: {
  ctx: GraphQLContext;
  operation: string;
  idempotencyKey: string | null | undefined;
  input: unknown;
  failed: (userErrors: UserErrorModel[]) => P;
  run: () => Promise<P>;
}): Promise<P> {
  const { ctx, idempotencyKey } = args;
  if (idempotencyKey === null || idempotencyKey === undefined) return args.run();
  if (!IDEMPOTENCY_KEY.test(idempotencyKey)) {
    return args.failed([
      userError(
        ['input', 'idempotencyKey'],
        'idempotencyKey must be 1-255 letters, digits, or . _ : -',
      ),
    ]);
  }
  const outcome = await ctx.services.idempotency.execute({
    workspaceId: ctx.workspace.id,
    principalId: ctx.principal.id,
    operation: args.operation,
    key: idempotencyKey,
    input: args.input,
    run: async () => JSON.parse(JSON.stringify(await args.run())) as P,
    // Only what was done is kept. A refusal may depend on more than the input (the caller's
    // role or upstream permissions, another workspace's claim, an upstream's state), so a
    // retry asks again instead of being told the old answer.
    keep: (payload) => payload.userErrors.length === 0,
  });
  switch (outcome.kind) {
    case 'fresh':
    case 'replayed':
      return outcome.value;
    case 'key-reused':
      return args.failed([
        userError(['input', 'idempotencyKey'], outcome.message, 'IDEMPOTENCY_KEY_REUSED'),
      ]);
    case 'in-progress':
      return args.failed([
        {
          ...userError(['input', 'idempotencyKey'], outcome.message, 'IDEMPOTENCY_KEY_IN_PROGRESS'),
          retryAfter: outcome.retryAfterSeconds,
        },
      ]);
  }
}
