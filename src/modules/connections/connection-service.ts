import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { ErrorCode, GatewayError } from '../../errors.js';
import type { ConnectionCategory, ConnectionIntegrationType } from '../../generated/graphql.js';
import type { EventBus } from '../../store/event-bus.js';
import type { SecretBox } from '../../store/secret-box.js';
import type { ApiPandaClient } from '../../upstreams/apipanda/apipanda-client.js';
import {
  ApiPandaRejection,
  AUTHORISATION_DENIED,
  ApiPandaTokenRevokedError,
} from '../../upstreams/apipanda/apipanda-errors.js';
import { categoryFromUpstream, integrationTypeToUpstream } from './catalog.js';
import type { ConnectionModel } from './connection-model.js';
import { ConnectionPoller, type PollingOptions } from './connection-poller.js';
import type {
  ConnectionListFilter,
  ConnectionPageRequest,
  ConnectionRepository,
} from './connection-repository.js';

/** A validated `startConnection` input. */
export interface StartConnectionCommand {
  name: string;
  slug: string | null;
  integrationType: Exclude<ConnectionIntegrationType, 'UNKNOWN'>;
}

export interface StartedConnection {
  connection: ConnectionModel;
  authenticationUrl: string;
}

/** The subscription topic of a workspace's connection changes: one topic per tenant. */
export const connectionTopic = (workspaceId: string) => `connections:${workspaceId}`;

/** SecretBox context of each token: a sealed value only opens in its own row and column. */
const aad = (connectionId: string, token: 'link' | 'public' | 'access') =>
  `connection:${connectionId}:${token}`;

/**
 * API Panda onboarding for a workspace: starts connections, settles them when the owner has
 * answered (exchanging and sealing the access token), announces every status change on the
 * workspace's topic and watches new connections until they settle.
 */
export class ConnectionService {
  private readonly poller: ConnectionPoller;

  constructor(
    private readonly deps: {
      repository: ConnectionRepository;
      /** Undefined when API Panda is neither configured nor sandboxed. */
      client: ApiPandaClient | undefined;
      secretBox: SecretBox;
      eventBus: EventBus;
      logger: Logger;
      publicToken: string | undefined;
      polling: PollingOptions;
    },
  ) {
    this.poller = new ConnectionPoller((ws, id) => this.refresh(ws, id), deps.polling, deps.logger);
  }

  /**
   * Link token → initiate → store (PENDING_AUTH) → announce → watch. API Panda refusals come out
   * as `ApiPandaRejection`; a revoked public token as `ApiPandaTokenRevokedError`.
   */
  async start(workspaceId: string, command: StartConnectionCommand): Promise<StartedConnection> {
    const client = this.client();
    const publicToken = this.deps.publicToken;
    if (!publicToken) {
      throw new GatewayError(
        ErrorCode.UPSTREAM_ERROR,
        'API Panda is not set up: APIPANDA_PUBLIC_TOKEN is missing',
        {
          upstream: 'apipanda',
        },
      );
    }
    const linkToken = await client.createLinkToken(publicToken);
    const profile = await client.initiate(linkToken, {
      name: command.name,
      ...(command.slug !== null ? { slug: command.slug } : {}),
      integrationType: integrationTypeToUpstream(command.integrationType),
    });
    const id = randomUUID();
    const category: ConnectionCategory = categoryFromUpstream(profile.category);
    const connection = await this.deps.repository.insert({
      id,
      workspaceId,
      name: command.name,
      slug: command.slug,
      category,
      integrationType: command.integrationType,
      authenticationUrl: profile.authenticationUrl,
      linkTokenSealed: this.deps.secretBox.seal(linkToken, aad(id, 'link')),
    });
    await this.announce(connection);
    this.poller.watch(workspaceId, id);
    return { connection, authenticationUrl: profile.authenticationUrl };
  }

  /**
   * Asks API Panda about a pending connection and settles it when the owner has answered.
   * Settled connections are returned as stored, without an upstream call. Undefined when the
   * workspace has no such connection.
   */
  async refresh(workspaceId: string, id: string): Promise<ConnectionModel | undefined> {
    const found = await this.deps.repository.findWithSecrets(workspaceId, id);
    if (!found) return undefined;
    if (found.connection.status !== 'PENDING_AUTH') return found.connection;
    const client = this.client();
    const linkToken = this.deps.secretBox.open(found.secrets.linkTokenSealed, aad(id, 'link'));

    let settled: ConnectionModel | undefined;
    try {
      const state = await client.established(linkToken);
      if (!state.established || !state.publicToken) return found.connection;
      const accessToken = await client.exchangeAccessToken(state.publicToken);
      settled = await this.deps.repository.settle(workspaceId, id, {
        status: 'ESTABLISHED',
        publicTokenSealed: this.deps.secretBox.seal(state.publicToken, aad(id, 'public')),
        accessTokenSealed: this.deps.secretBox.seal(accessToken, aad(id, 'access')),
      });
    } catch (error) {
      const failure = terminalFailure(error);
      if (!failure) throw error;
      settled = await this.deps.repository.settle(workspaceId, id, failure);
    }
    if (settled) {
      await this.announce(settled);
      return settled;
    }
    // Another refresher settled it first; it announced the change.
    return this.deps.repository.find(workspaceId, id);
  }

  get(workspaceId: string, id: string): Promise<ConnectionModel | undefined> {
    return this.deps.repository.find(workspaceId, id);
  }

  page(workspaceId: string, filter: ConnectionListFilter, request: ConnectionPageRequest) {
    return this.deps.repository.page(workspaceId, filter, request);
  }

  /** Resumes watching connections started within the polling window (after a restart). */
  async resumeWatching(): Promise<number> {
    const pending = await this.deps.repository.pendingSince(
      new Date(Date.now() - this.deps.polling.timeoutMs),
    );
    for (const c of pending)
      this.poller.watch(c.workspaceId, c.id, new Date(c.createdAt).getTime());
    return pending.length;
  }

  /** How many connections the gateway is watching right now. */
  get watching(): number {
    return this.poller.watching;
  }

  /** Stops every watcher and waits for a running check; called at shutdown. */
  stop(): Promise<void> {
    return this.poller.stop();
  }

  private async announce(connection: ConnectionModel): Promise<void> {
    try {
      await this.deps.eventBus.publish(connectionTopic(connection.workspaceId), connection);
    } catch (error) {
      // The change is stored; a lost notification must not fail the mutation that made it.
      this.deps.logger.warn(
        { connectionId: connection.id, err: error },
        'could not publish a connection update',
      );
    }
  }

  private client(): ApiPandaClient {
    if (!this.deps.client) {
      throw new GatewayError(
        ErrorCode.UPSTREAM_UNAVAILABLE,
        'API Panda is not configured (APIPANDA_BASE_URL)',
        {
          upstream: 'apipanda',
        },
      );
    }
    return this.deps.client;
  }
}

/**
 * API Panda answers that end a connection for good: the owner denied access (4103), the token
 * was revoked (4101), or the link token is no longer accepted. Transport failures and 5xx are
 * not terminal: the caller (or the poller) tries again later.
 */
function terminalFailure(
  error: unknown,
): { status: 'DENIED' | 'FAILED'; failureCode: string } | undefined {
  if (error instanceof ApiPandaTokenRevokedError) return { status: 'FAILED', failureCode: '4101' };
  if (!(error instanceof ApiPandaRejection)) return undefined;
  if (error.has(AUTHORISATION_DENIED))
    return { status: 'DENIED', failureCode: String(AUTHORISATION_DENIED) };
  return { status: 'FAILED', failureCode: error.errors.map((e) => e.code).join(',') };
}
