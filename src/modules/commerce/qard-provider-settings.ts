import { eq } from 'drizzle-orm';
import type { Database } from '../../store/database.js';
import { qardProviderSettings } from '../../store/tables/index.js';
import type { QardClient } from '../../upstreams/qard/qard-client.js';
import { userError, type UserErrorModel } from '../base/mutations.js';
import { PLATFORM, rejected, type Outcome } from './link-service.js';
import type { QardProviderConfigurationModel } from './model.js';

export interface QardProviderInput {
  provider: string;
  credentials: { clientId: string; clientSecret: string } | null;
  autoConnect: boolean;
  enabled: boolean;
}

/**
 * Qard provider settings (a store platform's app credentials, auto-connect, enabled). The gateway
 * has one Qard account, so a provider's settings apply to every workspace: they are the
 * operator's (`npm run cli -- qard-provider configure`), never a workspace's. The credentials go
 * to Qard and are not kept here.
 */
export class QardProviderSettings {
  constructor(
    private readonly db: Database,
    private readonly qard: QardClient | undefined,
  ) {}

  async configure(input: QardProviderInput): Promise<Outcome<QardProviderConfigurationModel>> {
    const provider = input.provider.trim().toLowerCase();
    const errors: UserErrorModel[] = [];
    if (!PLATFORM.test(provider))
      errors.push(
        userError(['provider'], 'provider must be a Qard provider name such as "shopify"'),
      );
    if (input.credentials) {
      if (!input.credentials.clientId.trim())
        errors.push(userError(['credentials', 'clientId'], 'clientId must not be empty'));
      if (!input.credentials.clientSecret.trim())
        errors.push(userError(['credentials', 'clientSecret'], 'clientSecret must not be empty'));
    }
    if (!this.qard)
      errors.push(userError(['provider'], 'QARD is not configured (QARD_BASE_URL, QARD_API_KEY)'));
    if (errors.length > 0 || !this.qard) return { userErrors: errors };
    try {
      // The seed's order: credentials, then settings, then enable.
      if (input.credentials) {
        await this.qard.setProviderCredentials(provider, {
          client_id: input.credentials.clientId,
          client_secret: input.credentials.clientSecret,
        });
      }
      await this.qard.setProviderSettings(provider, { auto_connect: input.autoConnect });
      await this.qard.enableProvider(provider, input.enabled);
    } catch (error) {
      return rejected(error, ['provider']);
    }
    const now = new Date();
    const credentials = input.credentials ? { credentialsUpdatedAt: now } : {};
    const values = { enabled: input.enabled, autoConnect: input.autoConnect, updatedAt: now };
    const [saved] = await this.db
      .insert(qardProviderSettings)
      .values({ provider, ...values, ...credentials })
      .onConflictDoUpdate({
        target: qardProviderSettings.provider,
        set: { ...values, ...credentials },
      })
      .returning();
    return { ok: toRecord(saved!) };
  }

  async find(provider: string): Promise<QardProviderConfigurationModel | null> {
    const [row] = await this.db
      .select()
      .from(qardProviderSettings)
      .where(eq(qardProviderSettings.provider, provider.trim().toLowerCase()))
      .limit(1);
    return row ? toRecord(row) : null;
  }
}

const toRecord = (
  row: typeof qardProviderSettings.$inferSelect,
): QardProviderConfigurationModel => ({
  provider: row.provider,
  enabled: row.enabled,
  autoConnect: row.autoConnect,
  credentialsUpdatedAt: row.credentialsUpdatedAt,
});
