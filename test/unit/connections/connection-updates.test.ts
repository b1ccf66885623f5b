import { describe, expect, it } from 'vitest';
import type { ConnectionModel } from '../../../src/modules/connections/connection-model.js';
import { connectionTopic } from '../../../src/modules/connections/connection-service.js';
import { connectionUpdates } from '../../../src/modules/connections/connection-updates.js';
import type { AppServices } from '../../../src/app-services.js';
import { MemoryEventBus } from '../../../src/store/event-bus.js';
import type { WorkspaceRecord } from '../../../src/store/repositories/workspaces.js';

const update = (workspaceId: string, id: string) =>
  ({ id, workspaceId, status: 'ESTABLISHED' }) as ConnectionModel;

function subscriber(eventBus: MemoryEventBus, workspaceId: string, onlyId?: string) {
  return connectionUpdates(
    {
      services: { eventBus } as unknown as AppServices,
      workspace: { id: workspaceId } as WorkspaceRecord,
    },
    onlyId,
  );
}

describe('connection updates', () => {
  it('yields only the workspace’s updates, and only of one connection when asked', async () => {
    const bus = new MemoryEventBus();
    const all = subscriber(bus, 'ws-a');
    const one = subscriber(bus, 'ws-a', 'c2');
    const pendingAll = all.next();
    const pendingOne = one.next();
    // a mis-published event of another workspace on ws-a's topic is still dropped
    await bus.publish(connectionTopic('ws-a'), update('ws-b', 'x'));
    await bus.publish(connectionTopic('ws-a'), update('ws-a', 'c1'));
    await bus.publish(connectionTopic('ws-a'), update('ws-a', 'c2'));
    expect((await pendingAll).value).toMatchObject({ id: 'c1' });
    expect((await pendingOne).value).toMatchObject({ id: 'c2' });
    await all.return!();
    await one.return!();
  });

  it('unsubscribes at once, even while waiting for an event', async () => {
    const bus = new MemoryEventBus();
    const updates = subscriber(bus, 'ws-a');
    const pending = updates.next();
    await updates.return!();
    await expect(pending).resolves.toEqual({ done: true, value: undefined });
  });
});
