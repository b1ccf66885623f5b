import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { UpstreamHttpError } from '../../upstreams/upstream-http-error.js';
import type { AppServices } from '../../app-services.js';
import { eventFromPayload } from './webhook-inbox.js';
import { checkSignatureHeaders, verifySignature } from './webhook-signature.js';

/**
 * `POST /webhooks/shopline` and `GET /shopline/landing`, in the module's own Fastify scope so the
 * raw-body JSON parser below applies to these routes only.
 */
export function registerShoplineRoutes(app: FastifyInstance, services: AppServices): void {
  // The signature covers the body, so the route receives the exact bytes and parses them itself,
  // once they are known to be signed. SHOPLINE's payloads are a few kilobytes.
  const { webhookMaxBodyBytes, webhookCanonicalizeMaxBytes } = services.config.shopline;
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer', bodyLimit: webhookMaxBodyBytes },
    (_req, body, done) => done(null, body),
  );

  const signatureHeaders = (request: FastifyRequest) => {
    const sign = (request.query as Record<string, unknown>)['sign'];
    const timestamp = request.headers['x-shopline-developer-event-timestamp'];
    return {
      sign: typeof sign === 'string' ? sign : undefined,
      timestamp: typeof timestamp === 'string' ? timestamp : undefined,
      toleranceSeconds: services.shopline.toleranceSeconds,
    };
  };
  const reject = (request: FastifyRequest, reply: FastifyReply, status: number, error: string) => {
    request.log.warn({ reason: error }, 'SHOPLINE webhook rejected');
    return reply.code(status).send({ error });
  };

  app.post('/webhooks/shopline', {
    // Before the body is read: without a secret, a well-formed `sign` and a fresh timestamp,
    // no body can be signed, so none is read or parsed.
    onRequest: async (request, reply) => {
      if (!services.shopline.appSecret) {
        return reply.code(503).send({ error: 'SHOPLINE_APP_SECRET is not configured' });
      }
      const rejection = checkSignatureHeaders(signatureHeaders(request));
      if (rejection) return reject(request, reply, rejection.status, rejection.message);
    },
    handler: async (request, reply) => {
      const shopline = services.shopline;
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const rejection = verifySignature({
        ...signatureHeaders(request),
        secret: shopline.appSecret!,
        raw,
        canonicalizeMaxBytes: webhookCanonicalizeMaxBytes,
      });
      if (rejection) return reject(request, reply, rejection.status, rejection.message);
      // Signed: only now is the body parsed.
      const text = raw.toString('utf8');
      let payload: unknown;
      try {
        payload = JSON.parse(text);
      } catch (error) {
        return reject(request, reply, 400, `Malformed JSON body: ${(error as Error).message}`);
      }
      const event = eventFromPayload(payload);
      if (!event) {
        return reply.code(400).send({
          error:
            'The payload must have string trace_id, ts (nanoseconds), topic and merchant_id, and an object resource',
        });
      }
      const outcome = await shopline.handleEvent(event, text);
      request.log.info({ topic: event.topic, outcome }, 'SHOPLINE webhook accepted');
      return reply.code(200).send({ received: true, duplicate: outcome === 'duplicate' });
    },
  });

  app.get('/shopline/landing', async (request, reply) => landing(services, request, reply));
}

/**
 * The app's "External Page": proves which merchant the visitor administers by an OAuth round trip
 * through SHOPLINE ("Link Account"), then shows a one-time claim code for that merchant.
 */
async function landing(services: AppServices, request: FastifyRequest, reply: FastifyReply) {
  // The URL carries SHOPLINE's authorization code: keep it out of caches and Referer headers.
  void reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
  const { oauth, landingState, claims } = services.shopline;
  if (!oauth)
    return page(
      reply,
      503,
      'Not configured',
      '<p>SHOPLINE_CLIENT_ID and SHOPLINE_CLIENT_SECRET are not set on this gateway.</p>',
    );
  const q = request.query as Record<string, string | undefined>;
  const redirectUri = `${request.protocol}://${request.host}/shopline/landing`;

  if (q['error']) {
    return page(
      reply,
      400,
      'Not authorised',
      `<p>SHOPLINE did not authorise the app (${escapeHtml(q['error'])}). Open the app from your SHOPLINE admin to try again.</p>`,
    );
  }
  if (!q['code']) {
    const target = oauth.authorizeUrl({
      redirectUri,
      state: landingState.issue(),
      scopes: services.shopline.linkScopes,
      ...(q['merchant_id'] ? { merchantId: q['merchant_id'] } : {}),
    });
    return reply.redirect(target, 302);
  }
  const stateProblem = landingState.check(q['state']);
  if (stateProblem)
    return page(
      reply,
      400,
      'Link expired or invalid',
      `<p>${escapeHtml(stateProblem)}. Open the app from your SHOPLINE admin to try again.</p>`,
    );

  let merchantId: string;
  try {
    const token = await oauth.exchangeCode(q['code'], redirectUri);
    merchantId = await oauth.merchantOf(token);
  } catch (error) {
    if (error instanceof UpstreamHttpError && error.status >= 400 && error.status < 500) {
      return page(
        reply,
        400,
        'Authorisation refused',
        '<p>SHOPLINE refused the authorisation code (used or expired). Open the app from your SHOPLINE admin to try again.</p>',
      );
    }
    request.log.warn(
      { err: error instanceof Error ? error.name : 'unknown' },
      'SHOPLINE landing: token exchange failed',
    );
    return page(
      reply,
      502,
      'SHOPLINE unavailable',
      '<p>SHOPLINE could not be reached. Try again in a minute.</p>',
    );
  }
  const { code, expiresAt } = await claims.issue(merchantId);
  request.log.info('SHOPLINE landing: claim code issued');
  return page(
    reply,
    200,
    'Link your SHOPLINE store',
    `<p>SHOPLINE confirmed you administer merchant <code>${escapeHtml(merchantId)}</code>.</p>
<p>Your one-time claim code:</p><p><strong id="claim-code" data-merchant-id="${escapeHtml(merchantId)}">${code}</strong></p>
<p>An admin of your commerce-graph workspace enters it with the <code>claimShoplineMerchant</code> mutation before
<time datetime="${expiresAt.toISOString()}">${expiresAt.toISOString()}</time>. It works once.</p>`,
  );
}

function page(reply: FastifyReply, status: number, title: string, body: string) {
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`,
    );
}

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
