import { and, asc, eq } from 'drizzle-orm';
import type { Database } from '../../store/database.js';
import { integrations } from '../../store/tables/index.js';
import type { IntegrationModel, IntegrationSettingsModel } from './models.js';

type Row = typeof integrations.$inferSelect;

const toModel = (row: Row): IntegrationModel => ({
  guid: row.guid,
  providerId: row.providerId,
  providerType: 'ecommerce',
  providerName: row.providerName,
  status: row.status,
  settings: row.settings,
  connectedAt: row.connectedAt?.toISOString() ?? null,
  updatedAt: row.updatedAt.toISOString(),
});

/** Parses Dispatch's timestamp; an unreadable one is recorded as unknown rather than guessed. */
function parseTime(value: string | null | undefined): Date | null {
  if (!value || !/(Z|[+-]\d{2}:?\d{2})$/.test(value)) return null;
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? null : time;
}

/**
 * The workspace's record of its Dispatch integrations (Dispatch has no list endpoint): what
 * configure, disable and remove returned. There is no column for credentials.
 */
export class IntegrationRecords {
  constructor(private readonly db: Database) {}

  async list(workspaceId: string): Promise<IntegrationModel[]> {
    const rows = await this.db
      .select()
      .from(integrations)
      .where(eq(integrations.workspaceId, workspaceId))
      .orderBy(asc(integrations.createdAt), asc(integrations.guid));
    return rows.map(toModel);
  }

  async find(workspaceId: string, guid: string): Promise<IntegrationModel | null> {
    const [row] = await this.db
      .select()
      .from(integrations)
      .where(and(eq(integrations.workspaceId, workspaceId), eq(integrations.guid, guid)))
      .limit(1);
    return row ? toModel(row) : null;
  }

  async recordConfigured(
    workspaceId: string,
    configured: {
      guid: string;
      providerId: string;
      providerName: string;
      status: string;
      settings: IntegrationSettingsModel;
      connectedAt: string | null | undefined;
    },
  ): Promise<IntegrationModel> {
    const values = {
      providerId: configured.providerId,
      providerType: 'ecommerce',
      providerName: configured.providerName,
      status: configured.status,
      settings: configured.settings,
      connectedAt: parseTime(configured.connectedAt),
      updatedAt: new Date(),
    };
    const [row] = await this.db
      .insert(integrations)
      .values({ workspaceId, guid: configured.guid, ...values })
      .onConflictDoUpdate({ target: [integrations.workspaceId, integrations.guid], set: values })
      .returning();
    return toModel(row!);
  }

  async recordStatus(
    workspaceId: string,
    guid: string,
    status: string,
  ): Promise<IntegrationModel | null> {
    const [row] = await this.db
      .update(integrations)
      .set({ status, updatedAt: new Date() })
      .where(and(eq(integrations.workspaceId, workspaceId), eq(integrations.guid, guid)))
      .returning();
    return row ? toModel(row) : null;
  }

  async remove(workspaceId: string, guid: string): Promise<void> {
    await this.db
      .delete(integrations)
      .where(and(eq(integrations.workspaceId, workspaceId), eq(integrations.guid, guid)));
  }
}
