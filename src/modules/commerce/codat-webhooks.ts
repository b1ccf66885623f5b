import type { IncomingHttpHeaders } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { z } from 'zod';
import { cacheKey, type Cache } from '../../store/cache.js';
import type { CommerceLinkRepository } from './link-repository.js';
import { codatSyncStatus } from './sources/codat/codat-source.js';
import type { DatasetSyncStatus } from './sources/source.js';
import { syncEvent, type CommerceSyncEvent } from './sync-events.js';

/** Standard Webhooks' (and Svix's) tolerance for a message's timestamp, either way. */
export const CODAT_WEBHOOK_TOLERANCE_SECONDS = 5 * 60;

/** Why a delivery was refused; the route answers `{ code, message }` with `status`. */
export interface WebhookRefusal {
  status: 400 | 401;
  code:
    | 'WEBHOOK_SIGNATURE_MISSING'
    | 'WEBHOOK_TIMESTAMP_INVALID'
    | 'WEBHOOK_SIGNATURE_INVALID'
    | 'WEBHOOK_PAYLOAD_INVALID';
  message: string;
}

export type WebhookOutcome =
  | { outcome: 'announced'; events: number }
  | { outcome: 'ignored'; reason: string }
  | { outcome: 'duplicate' };

/** Codat's `read.completed` event (platform OpenAPI: ReadCompletedWebhook). */
const readCompleted = z.object({
  id: z.string().min(1).optional(),
  eventType: z.string(),
  generatedDate: z.string().optional(),
  payload: z
    .object({
      referenceCompany: z.object({ id: z.string().min(1) }),
      dataTypes: z
        .array(
          z.object({
            connectionId: z.string().min(1).optional(),
            dataType: z.string(),
            status: z.string().optional(),
          }),
        )
        .max(1000),
    })
    .optional(),
});

const READ_COMPLETED = new Set(['read.completed', 'read.completed.initial']);
/** A delivered message's id is remembered this long: Svix retries within its own schedule. */
const SEEN_TTL_SECONDS = 24 * 3600;

/**
 * Codat's webhooks, which Codat delivers through Svix (Standard Webhooks): the signature
 * (`svix-signature`: `v1,<base64 HMAC-SHA256>` of `<svix-id>.<svix-timestamp>.<body>`, keyed by
 * the base64 after `whsec_`) is checked on the raw bytes before anything is parsed, with the
 * maintained `standardwebhooks` verifier. A `read.completed` event announces the end of the
 * sync of the company's commerce data types to every link of that company and connection.
 */
export class CodatWebhooks {
  private readonly verifier: Webhook;

  constructor(
    secret: string,
    private readonly repository: CommerceLinkRepository,
    private readonly cache: Cache,
    private readonly announce: (event: CommerceSyncEvent) => Promise<boolean>,
  ) {
    this.verifier = new Webhook(secret);
  }

  /** The message id when the signature is Codat's, or why the delivery is refused. */
  verify(body: Buffer, headers: IncomingHttpHeaders, nowMs = Date.now()): string | WebhookRefusal {
    const header = (name: string) => {
      const value = headers[`svix-${name}`] ?? headers[`webhook-${name}`];
      return typeof value === 'string' && value.length > 0 ? value : undefined;
    };
    const id = header('id');
    const timestamp = header('timestamp');
    const signature = header('signature');
    if (!id || !timestamp || !signature)
      return refusal(
        401,
        'WEBHOOK_SIGNATURE_MISSING',
        'svix-id, svix-timestamp and svix-signature headers are required',
      );
    if (
      !/^\d{1,12}$/.test(timestamp) ||
      Math.abs(nowMs / 1000 - Number(timestamp)) > CODAT_WEBHOOK_TOLERANCE_SECONDS
    )
      return refusal(
        401,
        'WEBHOOK_TIMESTAMP_INVALID',
        `svix-timestamp must be Unix seconds within ${CODAT_WEBHOOK_TOLERANCE_SECONDS} s of the gateway's clock (replayed or clock skew)`,
      );
    try {
      this.verifier.verify(
        body,
        { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signature },
        { jsonParse: false },
      );
    } catch {
      return refusal(
        401,
        'WEBHOOK_SIGNATURE_INVALID',
        'svix-signature does not match the body, id and timestamp under this endpoint’s secret',
      );
    }
    return id;
  }

  /** Handles a verified message (its body not parsed yet). */
  async handle(messageId: string, body: Buffer): Promise<WebhookOutcome | WebhookRefusal> {
    let parsed: z.infer<typeof readCompleted>;
    try {
      const result = readCompleted.safeParse(JSON.parse(body.toString('utf8')));
      if (!result.success) throw new Error(result.error.issues[0]?.message);
      parsed = result.data;
    } catch (error) {
      return refusal(
        400,
        'WEBHOOK_PAYLOAD_INVALID',
        `Not a Codat event (${(error as Error).message})`,
      );
    }
    if (!READ_COMPLETED.has(parsed.eventType) || !parsed.payload)
      return { outcome: 'ignored', reason: `event type ${parsed.eventType}` };
    // Claimed atomically before anything is announced: of concurrent deliveries of one message
    // (Svix retrying while the first is handled, on any replica) exactly one goes on.
    const seenKey = cacheKey('_codat', 'webhook-message', messageId);
    if (!(await this.cache.add(seenKey, true, SEEN_TTL_SECONDS))) return { outcome: 'duplicate' };
    try {
      return await this.announceRead(parsed.payload, parsed.generatedDate);
    } catch (error) {
      // Not handled: Svix's retry of this message must be handled, not refused as a duplicate.
      await this.cache.delete(seenKey).catch(() => undefined);
      throw error;
    }
  }

  private async announceRead(
    payload: NonNullable<z.infer<typeof readCompleted>['payload']>,
    generatedDate: string | undefined,
  ): Promise<WebhookOutcome> {
    const { referenceCompany, dataTypes } = payload;
    const links = await this.repository.findCodatLinks(referenceCompany.id);
    let events = 0;
    let repeated = 0;
    for (const link of links) {
      const datasets = dataTypes.flatMap((t): DatasetSyncStatus[] => {
        if (t.connectionId && t.connectionId !== link.externalRefs['connectionId']) return [];
        // The read ended when Codat generated the event: its data is as of then.
        const status = codatSyncStatus(t.dataType, t.status, generatedDate);
        if (status?.state === 'COMPLETE') return [status];
        return status?.state === 'ERROR' ? [{ ...status, dataAsOf: null }] : [];
      });
      if (datasets.length === 0) continue;
      // False when this sync was announced already (another message, or a poll, told of it).
      if (await this.announce(syncEvent(link, 'WEBHOOK', datasets))) events++;
      else repeated++;
    }
    if (events > 0) return { outcome: 'announced', events };
    return repeated > 0
      ? { outcome: 'duplicate' }
      : { outcome: 'ignored', reason: 'no commerce data type of a linked company' };
  }
}

function refusal(
  status: WebhookRefusal['status'],
  code: WebhookRefusal['code'],
  message: string,
): WebhookRefusal {
  return { status, code, message };
}
