import { randomBytes, randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import {
  operationDoneAt,
  operationStatus,
  type CodatCompanyState,
  type PullOperation,
  type SyncObserver,
} from './state.js';

/**
 * The signing secret of the sandbox's webhook endpoint. Codat (through Svix) shows one per
 * endpoint in its portal; the sandbox has this one, and sandbox mode gives it to the gateway.
 */
export const SANDBOX_CODAT_WEBHOOK_SECRET = `whsec_${Buffer.from('commerce-graph sandbox codat webhooks').toString('base64')}`;

/** Waits between delivery attempts of one message (Svix retries on its own, longer schedule). */
const RETRY_DELAYS_MS = [0, 500, 2000];

export interface WebhookDelivery {
  messageId: string;
  eventType: string;
  companyId: string;
  dataTypes: string[];
  /** HTTP status of the last attempt; 0 when the gateway could not be reached. */
  status: number;
  attempts: number;
}

/**
 * Codat's webhooks, as Codat delivers them through Svix (Standard Webhooks): when the dataset
 * syncs of a company complete, one `read.completed` event (Codat's platform OpenAPI:
 * ReadCompletedWebhook) listing every data type that completed, POSTed to the configured
 * endpoint with `svix-id`, `svix-timestamp` and `svix-signature` (`v1,` + base64
 * HMAC-SHA256 of `<id>.<timestamp>.<body>` under the secret's key). A delivery that fails is
 * retried with the same message id. Nothing is sent, and no timer runs, until an endpoint is set.
 */
export class CodatWebhookSender implements SyncObserver {
  private endpoint: { url: string; signer: Webhook } | undefined;
  private readonly pending = new Map<
    string,
    { company: CodatCompanyState; ops: Set<PullOperation> }
  >();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly log: WebhookDelivery[] = [];

  /** Where Codat sends its events from now on, signed with `secret` (`whsec_…`). */
  deliverTo(url: string, secret = SANDBOX_CODAT_WEBHOOK_SECRET): void {
    this.endpoint = { url, signer: new Webhook(secret) };
    for (const { company, ops } of this.pending.values())
      for (const op of ops) this.schedule(company, op);
  }

  /** Every delivery made, oldest first (tests and the sandbox's own checks). */
  deliveries(): readonly WebhookDelivery[] {
    return this.log;
  }

  /** A dataset sync started: its completion is announced when it happens. */
  started(company: CodatCompanyState, op: PullOperation): void {
    if (!this.endpoint) return;
    let entry = this.pending.get(company.id);
    if (!entry) this.pending.set(company.id, (entry = { company, ops: new Set() }));
    entry.ops.add(op);
    this.schedule(company, op);
  }

  /** Syncs of the company were finished early (`completeSync`): announce them now. */
  completedEarly(company: CodatCompanyState): void {
    const entry = this.pending.get(company.id);
    if (entry) this.after(0, () => this.flush(entry.company));
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.endpoint = undefined;
    await Promise.allSettled([...this.inFlight]);
  }

  private schedule(company: CodatCompanyState, op: PullOperation): void {
    if (!this.endpoint) return;
    this.after(Math.max(0, operationDoneAt(op) - Date.now()), () => this.flush(company));
  }

  private after(ms: number, fn: () => void): void {
    if (!this.endpoint) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    timer.unref();
    this.timers.add(timer);
  }

  /** One event for every sync of the company that has completed and was not announced yet. */
  private flush(company: CodatCompanyState): void {
    const entry = this.pending.get(company.id);
    if (!entry || !this.endpoint) return;
    const now = Date.now();
    const done = [...entry.ops].filter((op) => operationStatus(op, now) === 'Complete');
    for (const op of entry.ops)
      if (operationStatus(op, now) !== 'Queued' && operationStatus(op, now) !== 'Fetching')
        entry.ops.delete(op);
    if (entry.ops.size === 0) this.pending.delete(company.id);
    if (done.length === 0) return;
    const generatedDate = new Date(Math.max(...done.map(operationDoneAt))).toISOString();
    const event = {
      id: randomUUID(),
      eventType: 'read.completed',
      generatedDate,
      payload: {
        referenceCompany: {
          id: company.id,
          name: company.name,
          ...(company.description ? { description: company.description } : {}),
          links: { portal: `https://app.codat.io/companies/${company.id}/summary` },
        },
        modifiedFromDate: generatedDate,
        dataTypes: done.map((op) => ({
          connectionId: op.connectionId,
          dataType: op.dataType,
          recordsModified: true,
          status: 'Complete',
          issues: [],
        })),
      },
    };
    const delivery = this.deliver(event.eventType, company.id, event);
    this.inFlight.add(delivery);
    void delivery.finally(() => this.inFlight.delete(delivery));
  }

  private async deliver(
    eventType: string,
    companyId: string,
    event: { payload: { dataTypes: Array<{ dataType: string }> } },
  ): Promise<void> {
    const body = JSON.stringify(event);
    const record: WebhookDelivery = {
      messageId: `msg_${randomBytes(16).toString('hex')}`,
      eventType,
      companyId,
      dataTypes: event.payload.dataTypes.map((t) => t.dataType),
      status: 0,
      attempts: 0,
    };
    this.log.push(record);
    for (const delayMs of RETRY_DELAYS_MS) {
      const endpoint = this.endpoint;
      if (!endpoint) return;
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs).unref());
      const sentAt = new Date();
      record.attempts++;
      try {
        const res = await fetch(endpoint.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'svix-id': record.messageId,
            'svix-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
            'svix-signature': endpoint.signer.sign(record.messageId, sentAt, body),
          },
          body,
          signal: AbortSignal.timeout(5000),
        });
        await res.arrayBuffer();
        record.status = res.status;
        if (res.ok) return;
      } catch {
        record.status = 0;
      }
    }
  }
}
