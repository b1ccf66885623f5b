import { and, asc, count, desc, eq, gt, lt, type SQL } from 'drizzle-orm';
import type { Database } from '../../store/database.js';
import { connections } from '../../store/tables/index.js';
import type { ConnectionCategory, ConnectionIntegrationType } from '../../generated/graphql.js';
import type { ConnectionModel, ConnectionStatusValue } from './connection-model.js';

type Row = typeof connections.$inferSelect;

export interface NewConnection {
  id: string;
  workspaceId: string;
  name: string;
  slug: string | null;
  category: ConnectionCategory;
  integrationType: ConnectionIntegrationType;
  authenticationUrl: string;
  linkTokenSealed: string;
}

/** Undefined fields do not filter. */
export interface ConnectionListFilter {
  category?: ConnectionCategory | undefined;
  integrationType?: ConnectionIntegrationType | undefined;
  status?: ConnectionStatusValue | undefined;
}

export interface ConnectionPageRequest {
  /** Rows to read, one more than the page to learn whether more follow. */
  limit: number;
  /** Newest first: `after` reads older rows (smaller seq), `before` newer ones. */
  direction: 'forward' | 'backward';
  afterSeq?: number | undefined;
  beforeSeq?: number | undefined;
}

/** The sealed tokens of one connection, for the service only. */
export interface ConnectionSecrets {
  linkTokenSealed: string;
  publicTokenSealed: string | null;
}

/** Storage of connections. Every read is scoped to a workspace; sealed columns stay in here. */
export class ConnectionRepository {
  constructor(private readonly db: Database) {}

  async insert(values: NewConnection): Promise<ConnectionModel> {
    const now = new Date();
    const [row] = await this.db
      .insert(connections)
      .values({ ...values, status: 'PENDING_AUTH', createdAt: now, updatedAt: now })
      .returning();
    return toModel(row!);
  }

  async find(workspaceId: string, id: string): Promise<ConnectionModel | undefined> {
    const row = await this.findRow(workspaceId, id);
    return row ? toModel(row) : undefined;
  }

  async findWithSecrets(
    workspaceId: string,
    id: string,
  ): Promise<{ connection: ConnectionModel; secrets: ConnectionSecrets } | undefined> {
    const row = await this.findRow(workspaceId, id);
    if (!row) return undefined;
    return {
      connection: toModel(row),
      secrets: { linkTokenSealed: row.linkTokenSealed, publicTokenSealed: row.publicTokenSealed },
    };
  }

  /**
   * Moves a PENDING_AUTH connection to `status`. The status condition makes concurrent
   * refreshers (the poller, a mutation, another replica) agree: only one of them wins, and only
   * the winner announces the change. Returns the updated connection, or undefined when it was no
   * longer pending.
   */
  async settle(
    workspaceId: string,
    id: string,
    change: {
      status: Exclude<ConnectionStatusValue, 'PENDING_AUTH'>;
      publicTokenSealed?: string;
      accessTokenSealed?: string;
      failureCode?: string;
    },
  ): Promise<ConnectionModel | undefined> {
    const now = new Date();
    const [row] = await this.db
      .update(connections)
      .set({
        status: change.status,
        authenticationUrl: null,
        updatedAt: now,
        ...(change.status === 'ESTABLISHED' ? { establishedAt: now } : {}),
        ...(change.publicTokenSealed ? { publicTokenSealed: change.publicTokenSealed } : {}),
        ...(change.accessTokenSealed ? { accessTokenSealed: change.accessTokenSealed } : {}),
        ...(change.failureCode ? { failureCode: change.failureCode } : {}),
      })
      .where(
        and(
          eq(connections.workspaceId, workspaceId),
          eq(connections.id, id),
          eq(connections.status, 'PENDING_AUTH'),
        ),
      )
      .returning();
    return row ? toModel(row) : undefined;
  }

  async page(
    workspaceId: string,
    filter: ConnectionListFilter,
    request: ConnectionPageRequest,
  ): Promise<{ rows: Array<ConnectionModel & { seq: number }>; totalCount: number }> {
    const where = this.filterCondition(workspaceId, filter);
    const bounds: SQL[] = [];
    if (request.afterSeq !== undefined) bounds.push(lt(connections.seq, request.afterSeq));
    if (request.beforeSeq !== undefined) bounds.push(gt(connections.seq, request.beforeSeq));
    const rows = await this.db
      .select()
      .from(connections)
      .where(and(where, ...bounds))
      .orderBy(request.direction === 'forward' ? desc(connections.seq) : asc(connections.seq))
      .limit(request.limit);
    const [total] = await this.db.select({ n: count() }).from(connections).where(where);
    const ordered = request.direction === 'forward' ? rows : rows.reverse();
    return { rows: ordered.map((r) => ({ ...toModel(r), seq: r.seq })), totalCount: total?.n ?? 0 };
  }

  /** Connections still waiting for their owner, started after `since` (to resume watching them). */
  async pendingSince(since: Date): Promise<ConnectionModel[]> {
    const rows = await this.db
      .select()
      .from(connections)
      .where(and(eq(connections.status, 'PENDING_AUTH'), gt(connections.createdAt, since)));
    return rows.map(toModel);
  }

  private async findRow(workspaceId: string, id: string): Promise<Row | undefined> {
    const [row] = await this.db
      .select()
      .from(connections)
      .where(and(eq(connections.workspaceId, workspaceId), eq(connections.id, id)))
      .limit(1);
    return row;
  }

  private filterCondition(workspaceId: string, filter: ConnectionListFilter): SQL {
    const conditions: SQL[] = [eq(connections.workspaceId, workspaceId)];
    if (filter.category !== undefined) conditions.push(eq(connections.category, filter.category));
    if (filter.integrationType !== undefined) {
      conditions.push(eq(connections.integrationType, filter.integrationType));
    }
    if (filter.status !== undefined) conditions.push(eq(connections.status, filter.status));
    return and(...conditions)!;
  }
}

function toModel(row: Row): ConnectionModel {
  return {
    id: row.id,
    workspaceId: row.workspaceId,
    name: row.name,
    slug: row.slug,
    category: row.category as ConnectionCategory,
    integrationType: row.integrationType as ConnectionIntegrationType,
    status: row.status,
    authenticationUrl: row.status === 'PENDING_AUTH' ? row.authenticationUrl : null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    establishedAt: row.establishedAt,
  };
}
