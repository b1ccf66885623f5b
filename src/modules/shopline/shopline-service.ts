import type { Logger } from 'pino';
import type { Database } from '../../store/database.js';
import type { EventBus } from '../../store/event-bus.js';
import { ShoplineOAuthClient } from '../../upstreams/shopline/oauth-client.js';
import { ShoplineOpenApiClient } from '../../upstreams/shopline/open-api-client.js';
import type { ModuleDependencies } from '../module.js';
import { ShoplineClaimCodes, type ClaimOutcome } from './claim-codes.js';
import { LandingStateSigner } from './landing-state.js';
import { ShoplineMerchantRepository } from './merchant-repository.js';
import type { ShoplineEvent } from './merchant-state.js';
import type { ShoplineUpdateReason } from './model.js';
import { ShoplineWebhookInbox } from './webhook-inbox.js';

/** What `Subscription.shoplineMerchantUpdated` carries on the event bus. */
export interface ShoplineMerchantUpdatedEvent {
  merchantId: string;
  reason: ShoplineUpdateReason;
}

export const merchantUpdatedTopic = (workspaceId: string) =>
  `shopline:merchant-updated:${workspaceId}`;

const REASON_BY_TOPIC: Record<string, ShoplineUpdateReason> = {
  'application/install': 'INSTALLED',
  'application/uninstall': 'UNINSTALLED',
  'access_token/create': 'TOKEN_CREATED',
  'access_token/revoke': 'TOKEN_REVOKED',
};

/** Scopes the landing round trip asks for: identity only needs the least, the app's own. */
const LINK_SCOPES = ['orders'];

declare module '../../app-services.js' {
  interface ModuleServices {
    /** SHOPLINE webhook inbox, merchants, claim flow and Open API (`ctx.services.shopline`). */
    shopline: ShoplineService;
  }
}

/**
 * SHOPLINE for the rest of the gateway: the webhook inbox, merchant/token state, the claim flow
 * that links a merchant to a workspace, and (when a token is usable) the Open API.
 */
export class ShoplineService {
  readonly merchants: ShoplineMerchantRepository;
  readonly inbox: ShoplineWebhookInbox;
  readonly claims: ShoplineClaimCodes;
  readonly landingState: LandingStateSigner;
  /** Undefined when neither SHOPLINE_API_BASE_URL nor the sandbox gives an Open API. */
  readonly openApi: ShoplineOpenApiClient | undefined;
  /** Undefined until SHOPLINE_CLIENT_ID and SHOPLINE_CLIENT_SECRET are set. */
  readonly oauth: ShoplineOAuthClient | undefined;
  readonly appSecret: string | undefined;
  readonly toleranceSeconds: number;
  private readonly logger: Logger;
  private readonly db: Database;
  private readonly eventBus: EventBus;

  constructor(deps: ModuleDependencies) {
    const { config } = deps;
    const { db } = deps.store;
    this.logger = deps.logger;
    this.db = db;
    this.eventBus = deps.eventBus;
    this.merchants = new ShoplineMerchantRepository(db, deps.secretBox, deps.cache);
    this.inbox = new ShoplineWebhookInbox(db, deps.secretBox, this.merchants, deps.logger);
    this.claims = new ShoplineClaimCodes(db);
    if (!config.secretsKey) throw new Error('SECRETS_KEY must be resolved before services start');
    this.landingState = new LandingStateSigner(config.secretsKey);
    this.appSecret = config.shopline.appSecret;
    this.toleranceSeconds = config.shopline.webhookToleranceSeconds;

    this.openApi = config.upstreams.shopline.baseUrl
      ? new ShoplineOpenApiClient(deps.upstreamHttp('shopline'))
      : undefined;
    const { clientId, clientSecret, oauthBaseUrl } = config.shopline;
    this.oauth =
      clientId && clientSecret
        ? new ShoplineOAuthClient(
            deps.upstreamHttp('shopline', { baseUrl: oauthBaseUrl }),
            oauthBaseUrl,
            {
              clientId,
              clientSecret,
            },
          )
        : undefined;
  }

  get linkScopes(): string[] {
    return LINK_SCOPES;
  }

  /**
   * Stores a verified event, then applies it. Once stored the delivery is safe: a failure to
   * apply is logged and repaired by the next event of the merchant or by `recover` at start.
   */
  async handleEvent(event: ShoplineEvent, rawBody: string): Promise<'stored' | 'duplicate'> {
    const outcome = await this.inbox.receive(event, rawBody);
    if (outcome === 'duplicate') return outcome;
    try {
      const { workspaceId } = await this.inbox.apply(event.merchantId);
      if (workspaceId) {
        await this.publish(workspaceId, {
          merchantId: event.merchantId,
          reason: REASON_BY_TOPIC[event.topic] ?? 'UPDATED',
        });
      }
    } catch (error) {
      this.logger.error(
        { err: error, topic: event.topic },
        'SHOPLINE event stored but not applied yet',
      );
    }
    return outcome;
  }

  /** Links the merchant named by a claim code to the workspace. */
  async claim(code: string, workspaceId: string): Promise<ClaimOutcome> {
    const outcome = await this.db.transaction(async (tx) => {
      const result = await this.claims.use(tx as unknown as Database, code, workspaceId);
      if (result.kind === 'claimed')
        await this.merchants.link(tx as unknown as Database, result.merchantId, workspaceId);
      return result;
    });
    if (outcome.kind === 'claimed') {
      await this.merchants.changed();
      await this.publish(workspaceId, { merchantId: outcome.merchantId, reason: 'LINKED' });
    }
    return outcome;
  }

  /** Releases the merchant from the workspace (nothing happens when another workspace has it). */
  async release(merchantId: string, workspaceId: string): Promise<void> {
    if (await this.merchants.unlink(merchantId, workspaceId))
      await this.publish(workspaceId, { merchantId, reason: 'UNLINKED' });
  }

  /** SHOPLINE refused a token with 401: it is never used again, and subscribers hear of it. */
  async rejectToken(merchantId: string, tokenId: string): Promise<void> {
    await this.merchants.markRejected(tokenId);
    const merchant = await this.merchants.get(merchantId);
    if (merchant?.workspaceId)
      await this.publish(merchant.workspaceId, { merchantId, reason: 'TOKEN_REJECTED' });
  }

  async publish(workspaceId: string, event: ShoplineMerchantUpdatedEvent): Promise<void> {
    try {
      await this.eventBus.publish(merchantUpdatedTopic(workspaceId), event);
    } catch (error) {
      this.logger.warn({ err: error }, 'could not publish a SHOPLINE merchant update');
    }
  }
}
