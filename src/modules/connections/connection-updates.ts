import type { GraphQLContext } from '../../request-context.js';
import type { ConnectionModel } from './connection-model.js';
import { connectionTopic } from './connection-service.js';

/**
 * Events of the caller's workspace topic only; the workspace check repeats the topic's scoping
 * so a mis-published event can never cross tenants. A hand-written iterator rather than an async
 * generator: a generator queues `return()` behind its pending `next()`, so an unsubscribing
 * client would keep its listener until the workspace's next event.
 */
export function connectionUpdates(
  ctx: Pick<GraphQLContext, 'services' | 'workspace'>,
  onlyId: string | undefined,
): AsyncIterableIterator<ConnectionModel> {
  const events = ctx.services.eventBus.subscribe<ConnectionModel>(
    connectionTopic(ctx.workspace.id),
  );
  const wanted = (c: ConnectionModel) =>
    c.workspaceId === ctx.workspace.id && (onlyId === undefined || c.id === onlyId);
  return {
    async next() {
      for (;;) {
        const result = await events.next();
        if (result.done || wanted(result.value)) return result;
      }
    },
    async return() {
      await events.return?.();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
