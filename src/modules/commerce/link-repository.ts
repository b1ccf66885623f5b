import { randomUUID } from 'node:crypto';
import { and, desc, eq } from 'drizzle-orm';
import type { Database } from '../../store/database.js';
import { commerceLinks, commerceQardProviders } from '../../store/tables/index.js';
import type { CommerceSourceKind } from './model.js';
import type { CommerceLink, CommerceLinkStatus } from './sources/source.js';

/** The commerce links and Qard provider settings of each workspace. */
export class CommerceLinkRepository {
  constructor(private readonly db: Database) {}

  async create(link: Omit<CommerceLink, 'id' | 'createdAt'>): Promise<CommerceLink> {
    const [row] = await this.db
      .insert(commerceLinks)
      .values({ id: randomUUID(), ...link })
      .returning();
    return toLink(row!);
  }

  /** The workspace's links, newest first. */
  async list(workspaceId: string): Promise<CommerceLink[]> {
    const rows = await this.db
      .select()
      .from(commerceLinks)
      .where(eq(commerceLinks.workspaceId, workspaceId))
      .orderBy(desc(commerceLinks.createdAt), desc(commerceLinks.id));
    return rows.map(toLink);
  }

  async find(workspaceId: string, id: string): Promise<CommerceLink | undefined> {
    const rows = await this.db
      .select()
      .from(commerceLinks)
      .where(and(eq(commerceLinks.workspaceId, workspaceId), eq(commerceLinks.id, id)))
      .limit(1);
    return rows[0] ? toLink(rows[0]) : undefined;
  }

  async updateStatus(workspaceId: string, id: string, status: CommerceLinkStatus): Promise<void> {
    await this.db
      .update(commerceLinks)
      .set({ status, updatedAt: new Date() })
      .where(and(eq(commerceLinks.workspaceId, workspaceId), eq(commerceLinks.id, id)));
  }

  async saveQardProvider(row: {
    workspaceId: string;
    provider: string;
    enabled: boolean;
    autoConnect: boolean;
    credentialsSealed: string | null;
  }): Promise<QardProviderRecord> {
    const now = new Date();
    const credentials =
      row.credentialsSealed === null
        ? {}
        : { credentialsSealed: row.credentialsSealed, credentialsUpdatedAt: now };
    const [saved] = await this.db
      .insert(commerceQardProviders)
      .values({ ...row, ...credentials, updatedAt: now })
      .onConflictDoUpdate({
        target: [commerceQardProviders.workspaceId, commerceQardProviders.provider],
        set: { enabled: row.enabled, autoConnect: row.autoConnect, updatedAt: now, ...credentials },
      })
      .returning();
    return {
      provider: saved!.provider,
      enabled: saved!.enabled,
      autoConnect: saved!.autoConnect,
      credentialsUpdatedAt: saved!.credentialsUpdatedAt,
    };
  }
}

/** What the API may show of a provider configuration: never the credentials. */
export interface QardProviderRecord {
  provider: string;
  enabled: boolean;
  autoConnect: boolean;
  credentialsUpdatedAt: Date | null;
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
