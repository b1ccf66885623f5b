import { randomUUID } from 'node:crypto';
import { and, desc, eq, sql } from 'drizzle-orm';
import { cacheKey, type Cache } from '../../store/cache.js';
import type { Database } from '../../store/database.js';
import { commerceLinkRemovals, commerceLinks } from '../../store/tables/index.js';
import type { CommerceSourceKind } from './model.js';
import type { CommerceLink, CommerceLinkStatus } from './sources/source.js';

/** Links change only through this repository, which drops the cached list on every change. */
const LINKS_TTL_SECONDS = 300;
const linksKey = (workspaceId: string) => cacheKey(workspaceId, 'commerce', 'links');

/**
 * The commerce links and Qard provider settings of each workspace. Every commerce read needs the
 * workspace's links, so the list is cached (workspace-keyed; shared through Redis when
 * configured, so a change on one replica is seen by all).
 */
export class CommerceLinkRepository {
  constructor(
    private readonly db: Database,
    private readonly cache: Cache,
  ) {}

  async create(link: Omit<CommerceLink, 'id' | 'createdAt'>): Promise<CommerceLink> {
    const [row] = await this.db
      .insert(commerceLinks)
      .values({ id: randomUUID(), ...link })
      .returning();
    await this.cache.delete(linksKey(link.workspaceId));
    return toLink(row!);
  }

  /** The workspace's links, newest first. */
  async list(workspaceId: string): Promise<CommerceLink[]> {
    const cached = await this.cache.get<CommerceLink[]>(linksKey(workspaceId));
    // Through Redis the list comes back as JSON: the creation time is text again.
    if (cached)
      return cached.map((l) =>
        l.createdAt instanceof Date ? l : { ...l, createdAt: new Date(l.createdAt) },
      );
    const rows = await this.db
      .select()
      .from(commerceLinks)
      .where(eq(commerceLinks.workspaceId, workspaceId))
      .orderBy(desc(commerceLinks.createdAt), desc(commerceLinks.id));
    const links = rows.map(toLink);
    await this.cache.set(linksKey(workspaceId), links, LINKS_TTL_SECONDS);
    return links;
  }

  async find(workspaceId: string, id: string): Promise<CommerceLink | undefined> {
    const rows = await this.db
      .select()
      .from(commerceLinks)
      .where(and(eq(commerceLinks.workspaceId, workspaceId), eq(commerceLinks.id, id)))
      .limit(1);
    return rows[0] ? toLink(rows[0]) : undefined;
  }

  /** The links of a Codat company, in every workspace (Codat's webhooks name the company). */
  async findCodatLinks(companyId: string): Promise<CommerceLink[]> {
    const rows = await this.db
      .select()
      .from(commerceLinks)
      .where(
        and(
          eq(commerceLinks.source, 'CODAT'),
          sql`(${commerceLinks.externalRefs} ->> 'companyId') = ${companyId}`,
        ),
      );
    return rows.map(toLink);
  }

  async updateStatus(workspaceId: string, id: string, status: CommerceLinkStatus): Promise<void> {
    await this.db
      .update(commerceLinks)
      .set({ status, updatedAt: new Date() })
      .where(and(eq(commerceLinks.workspaceId, workspaceId), eq(commerceLinks.id, id)));
    await this.cache.delete(linksKey(workspaceId));
  }

  /**
   * Removes the link from the workspace (the row of a stored link; for links another module
   * keeps, only the record of its removal) and records the removal, in one transaction.
   */
  async remove(link: CommerceLink): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx
        .delete(commerceLinks)
        .where(and(eq(commerceLinks.workspaceId, link.workspaceId), eq(commerceLinks.id, link.id)));
      await tx
        .insert(commerceLinkRemovals)
        .values({ workspaceId: link.workspaceId, linkId: link.id, source: link.source })
        .onConflictDoUpdate({
          target: [commerceLinkRemovals.workspaceId, commerceLinkRemovals.linkId],
          set: { removedAt: new Date() },
        });
    });
    await this.cache.delete(linksKey(link.workspaceId));
  }

  /** Whether the workspace removed a link of this id. */
  async wasRemoved(workspaceId: string, linkId: string): Promise<boolean> {
    const rows = await this.db
      .select({ linkId: commerceLinkRemovals.linkId })
      .from(commerceLinkRemovals)
      .where(
        and(
          eq(commerceLinkRemovals.workspaceId, workspaceId),
          eq(commerceLinkRemovals.linkId, linkId),
        ),
      )
      .limit(1);
    return rows.length > 0;
  }
}

function toLink(row: typeof commerceLinks.$inferSelect): CommerceLink {
  return {
    id: row.id,
    workspaceId: row.workspaceId,
    source: row.source as CommerceSourceKind,
    platform: row.platform,
    name: row.name,
    status: row.status as CommerceLinkStatus,
    externalRefs: row.externalRefs,
    authorizationUrl: row.authorizationUrl,
    createdAt: row.createdAt,
  };
}
