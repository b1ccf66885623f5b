import type { FastifyInstance } from 'fastify';
import type { AppServices } from '../../app-services.js';

/**
 * `POST /webhooks/codat`, in the commerce module's own Fastify scope: the body is read as bytes
 * up to CODAT_WEBHOOK_MAX_BODY_BYTES (413 past it) and its signature checked before it is parsed.
 * Refusals are `{ code, message }`; Svix retries anything but a 2xx, so a verified event the
 * gateway has no use for is still answered 200.
 */
export function registerCodatWebhookRoute(app: FastifyInstance, services: AppServices): void {
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer', bodyLimit: services.config.codat.webhookMaxBodyBytes },
    (_req, body, done) => done(null, body),
  );

  app.post('/webhooks/codat', async (request, reply) => {
    const webhooks = services.commerce.codatWebhooks;
    if (!webhooks)
      return reply.code(503).send({
        code: 'WEBHOOK_NOT_CONFIGURED',
        message: 'CODAT_WEBHOOK_SECRET is not set on this gateway',
      });
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const verified = webhooks.verify(body, request.headers);
    if (typeof verified !== 'string') {
      request.log.warn({ code: verified.code }, 'Codat webhook refused');
      return reply.code(verified.status).send({ code: verified.code, message: verified.message });
    }
    const handled = await webhooks.handle(verified, body);
    if ('code' in handled) {
      request.log.warn({ code: handled.code }, 'Codat webhook refused');
      return reply.code(handled.status).send({ code: handled.code, message: handled.message });
    }
    request.log.info({ messageId: verified, ...handled }, 'Codat webhook accepted');
    return reply.code(200).send({ received: true, ...handled });
  });
}
