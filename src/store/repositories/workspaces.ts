import { hash, randomBytes, randomUUID } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import type { Database } from '../database.js';
import { apiKeys, workspaces } from '../tables/index.js';

export type Role = 'admin' | 'member';

export interface WorkspaceRecord {
  id: string;
  name: string;
  createdAt: Date;
}

export interface ApiKeyMatch {
  keyId: string;
  workspace: WorkspaceRecord;
  roles: Role[];
}

/** Keys look like `cg_<prefix>_<secret>`: the prefix identifies a key in listings and logs. */
export function digestApiKey(key: string): string {
  // One-shot `hash`: digested on every request, and a Hash object per call showed in profiles.
  return hash('sha256', key, 'hex');
}

export class WorkspaceRepository {
  constructor(private readonly db: Database) {}

  async ensure(id: string, name = id): Promise<WorkspaceRecord> {
    await this.db.insert(workspaces).values({ id, name }).onConflictDoNothing();
    const found = await this.find(id);
    if (!found) throw new Error(`workspace ${id} could not be created`);
    return found;
  }

  async find(id: string): Promise<WorkspaceRecord | undefined> {
    const rows = await this.db.select().from(workspaces).where(eq(workspaces.id, id)).limit(1);
    return rows[0];
  }

  /** Creates a key and returns it in clear text: the only time it is ever visible. */
  async createApiKey(
    workspaceId: string,
    options: { name?: string; roles?: Role[]; key?: string } = {},
  ): Promise<{ id: string; key: string }> {
    const prefix = randomBytes(4).toString('hex');
    const key = options.key ?? `cg_${prefix}_${randomBytes(24).toString('base64url')}`;
    const id = randomUUID();
    await this.db.insert(apiKeys).values({
      id,
      workspaceId,
      name: options.name ?? 'default',
      keyDigest: digestApiKey(key),
      keyPrefix: key.slice(0, 11),
      roles: options.roles ?? ['admin'],
    });
    return { id, key };
  }

  async findByApiKey(key: string): Promise<ApiKeyMatch | undefined> {
    const rows = await this.db
      .select({ key: apiKeys, workspace: workspaces })
      .from(apiKeys)
      .innerJoin(workspaces, eq(apiKeys.workspaceId, workspaces.id))
      .where(and(eq(apiKeys.keyDigest, digestApiKey(key)), isNull(apiKeys.revokedAt)))
      .limit(1);
    const row = rows[0];
    if (!row) return undefined;
    return { keyId: row.key.id, workspace: row.workspace, roles: row.key.roles as Role[] };
  }

  async revokeApiKey(id: string): Promise<void> {
    await this.db.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, id));
  }
}
