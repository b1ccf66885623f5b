import { eq } from 'drizzle-orm';
import { ErrorCode, GatewayError } from '../../errors.js';
import type { Principal } from '../../request-context.js';
import type { Database } from '../../store/database.js';
import type { SecretBox } from '../../store/secret-box.js';
import { dispatchServiceTokens } from '../../store/tables/index.js';
import type { DispatchAuth } from '../../upstreams/dispatch/client.js';

/** A token change reaches every replica within this long. */
const CACHE_MS = 10_000;

/**
 * Chooses the bearer token of a Dispatch call. A workspace that holds its own service token uses
 * it; otherwise the caller's own JWT is forwarded (apps and Dispatch share one identity
 * provider); otherwise the deployment's token (DISPATCH_SERVICE_TOKEN, the demo token in the
 * sandbox). Service tokens are sealed at rest with the workspace id as associated data.
 */
export class DispatchAuthProvider {
  private readonly cache = new Map<string, { token: string | undefined; until: number }>();

  constructor(
    private readonly db: Database,
    private readonly secretBox: SecretBox,
    private readonly deploymentToken: string | undefined,
  ) {}

  async authFor(principal: Principal): Promise<DispatchAuth> {
    const own = await this.workspaceToken(principal.workspace.id);
    if (own) return { token: own, source: 'workspace' };
    if (principal.bearerToken) return { token: principal.bearerToken, source: 'caller' };
    if (this.deploymentToken) return { token: this.deploymentToken, source: 'deployment' };
    throw new GatewayError(
      ErrorCode.FORBIDDEN,
      'Dispatch needs a bearer token: call with a JWT, or have an admin set a service token with setDispatchServiceToken',
      { upstream: 'dispatch' },
    );
  }

  async hasWorkspaceToken(workspaceId: string): Promise<boolean> {
    return (await this.workspaceToken(workspaceId)) !== undefined;
  }

  /** Stores the token sealed; null removes it. */
  async setWorkspaceToken(workspaceId: string, token: string | null): Promise<void> {
    if (token === null) {
      await this.db
        .delete(dispatchServiceTokens)
        .where(eq(dispatchServiceTokens.workspaceId, workspaceId));
    } else {
      const sealedToken = this.secretBox.seal(token, aad(workspaceId));
      await this.db
        .insert(dispatchServiceTokens)
        .values({ workspaceId, sealedToken })
        .onConflictDoUpdate({
          target: dispatchServiceTokens.workspaceId,
          set: { sealedToken, updatedAt: new Date() },
        });
    }
    this.cache.delete(workspaceId);
  }

  private async workspaceToken(workspaceId: string): Promise<string | undefined> {
    const cached = this.cache.get(workspaceId);
    if (cached && cached.until > Date.now()) return cached.token;
    const [row] = await this.db
      .select({ sealedToken: dispatchServiceTokens.sealedToken })
      .from(dispatchServiceTokens)
      .where(eq(dispatchServiceTokens.workspaceId, workspaceId))
      .limit(1);
    const token = row ? this.secretBox.open(row.sealedToken, aad(workspaceId)) : undefined;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(workspaceId, { token, until: Date.now() + CACHE_MS });
    return token;
  }
}

const aad = (workspaceId: string) => `dispatch-service-token:${workspaceId}`;
