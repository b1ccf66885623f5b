import { cacheKey, type Cache } from '../../store/cache.js';
import { filterEvents, type EventBus } from '../../store/event-bus.js';
import type { CommerceLink, DatasetSyncStatus } from './sources/source.js';

export type CommerceSyncOutcome = 'COMPLETED' | 'FAILED';
export type CommerceSyncSignal = 'WEBHOOK' | 'POLLING';

/** A link's sync round that ended, as it travels on the event bus (JSON, across replicas). */
export interface CommerceSyncEvent {
  workspaceId: string;
  linkId: string;
  outcome: CommerceSyncOutcome;
  signal: CommerceSyncSignal;
  /** The datasets whose sync ended: COMPLETE or ERROR. */
  datasets: DatasetSyncStatus[];
}

/**
 * Links whose data is about to change or has changed (a sync requested or completed): every
 * replica drops the records it keeps for them (commerce-services.ts).
 */
export const LINK_DATA_CHANGED_TOPIC = 'commerce.sync-requested';

/** One topic per workspace: a replica hears only the workspaces its subscribers belong to. */
const syncedTopic = (workspaceId: string) => `commerce.link-synced:${workspaceId}`;

export function syncEvent(
  link: Pick<CommerceLink, 'workspaceId' | 'id'>,
  signal: CommerceSyncSignal,
  datasets: DatasetSyncStatus[],
): CommerceSyncEvent {
  return {
    workspaceId: link.workspaceId,
    linkId: link.id,
    outcome: datasets.some((d) => d.state === 'ERROR') ? 'FAILED' : 'COMPLETED',
    signal,
    datasets,
  };
}

/**
 * Announces ended syncs to `Subscription.commerceLinkSynced` on every replica (Redis with
 * REDIS_URL, in process otherwise).
 */
export class CommerceSyncEvents {
  /**
   * @param dedupeSeconds how long an announced sync is remembered: the same end seen again in
   *   that time (by webhook and by poll, or by two replicas) is not announced twice.
   */
  constructor(
    private readonly eventBus: EventBus,
    private readonly cache: Cache,
    private readonly dedupeSeconds: number,
  ) {}

  /**
   * Announces an ended sync once: the first caller, on any replica, to mark the sync (the link
   * and each dataset's state and data time) in the shared cache announces it; any other gets
   * false. The mark is one atomic step (Redis `SET NX`), so concurrent announcers cannot both
   * pass. Records of a link with new data are dropped first: the data-changed message is
   * published before the event on the same connection, so every replica has dropped them before
   * its subscribers hear of the sync and read again.
   */
  async announce(event: CommerceSyncEvent): Promise<boolean> {
    const key = announcedKey(event);
    if (!(await this.cache.add(key, true, this.dedupeSeconds))) return false;
    try {
      if (event.datasets.some((d) => d.state === 'COMPLETE'))
        await this.eventBus.publish(LINK_DATA_CHANGED_TOPIC, {
          workspaceId: event.workspaceId,
          id: event.linkId,
        });
      await this.eventBus.publish(syncedTopic(event.workspaceId), event);
    } catch (error) {
      // Not announced: the next announcer of this sync (a poll, Svix's retry) must not be refused.
      await this.cache.delete(key).catch(() => undefined);
      throw error;
    }
    return true;
  }

  /**
   * The workspace's events (of one link when given). The workspace check repeats the topic's
   * scoping so a mis-published event can never cross tenants.
   */
  subscribe(
    workspaceId: string,
    linkId: string | undefined,
    onReturn?: () => void,
  ): AsyncIterableIterator<CommerceSyncEvent> {
    return filterEvents(
      this.eventBus.subscribe<CommerceSyncEvent>(syncedTopic(workspaceId)),
      (e) => e.workspaceId === workspaceId && (linkId === undefined || e.linkId === linkId),
      onReturn,
    );
  }
}

/** What makes two announcements the same sync: the link and each dataset's end (not the signal). */
function announcedKey(event: CommerceSyncEvent): string {
  const ends = event.datasets
    .map((d) => `${d.dataset}=${d.state}@${d.dataAsOf ?? ''}`)
    .sort()
    .join(',');
  return cacheKey(event.workspaceId, 'commerce-sync-announced', event.linkId, ends);
}
