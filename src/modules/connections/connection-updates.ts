import type { GraphQLContext } from '../../request-context.js';
import { filterEvents } from '../../store/event-bus.js';
import type { ConnectionModel } from './connection-model.js';
import { connectionTopic } from './connection-service.js';

/**
 * Events of the caller's workspace topic only; the workspace check repeats the topic's scoping
 * so a mis-published event can never cross tenants.
 */
export function connectionUpdates(
  ctx: Pick<GraphQLContext, 'services' | 'workspace'>,
  onlyId: string | undefined,
): AsyncIterableIterator<ConnectionModel> {
  return filterEvents(
    ctx.services.eventBus.subscribe<ConnectionModel>(connectionTopic(ctx.workspace.id)),
    (c) => c.workspaceId === ctx.workspace.id && (onlyId === undefined || c.id === onlyId),
  );
}
