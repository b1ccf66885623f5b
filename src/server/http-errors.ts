import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCode } from '../errors.js';
import type { AdmissionRefusal } from './admission.js';

/**
 * Errors answered over HTTP before or instead of a GraphQL execution, in the GraphQL-over-HTTP
 * shape (`{ errors: [...] }` with a typed `extensions.code`), never with a stack trace.
 */

/**
 * Errors Fastify raises before GraphQL runs (malformed JSON, oversized or unsupported bodies)
 * answered in the GraphQL-over-HTTP shape with the status the spec asks for; never a stack trace.
 */
export function sendHttpError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const status =
    error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
  let message: string;
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      message = `Request body is larger than the ${request.server.initialConfig.bodyLimit} bytes allowed`;
      break;
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      message = 'Unsupported Content-Type: send application/json';
      break;
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      message = 'Request body is empty: send a JSON object with a "query"';
      break;
    default:
      message =
        status === 500
          ? 'Internal server error'
          : error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY'
            ? 'Request body is not valid JSON'
            : error.message;
  }
  if (status === 500) request.log.error({ err: error }, 'unhandled error');
  const code =
    status === 500
      ? ErrorCode.INTERNAL_SERVER_ERROR
      : status === 404
        ? ErrorCode.NOT_FOUND
        : ErrorCode.BAD_USER_INPUT;
  return sendGraphqlErrors(request, reply, status, message, code);
}

/** 404 for a path no route serves, in the same error shape as every other refusal. */
export function sendNotFound(request: FastifyRequest, reply: FastifyReply) {
  return reply.code(404).send({
    errors: [
      {
        message: `No route ${request.method} ${request.url.split('?')[0]}`,
        extensions: { code: ErrorCode.NOT_FOUND },
      },
    ],
  });
}

/** Seconds a refused client is told to wait: about one turn of a saturated loop's queue. */
const OVERLOADED_RETRY_AFTER_SECONDS = 1;

/** 503 for an operation refused before it ran: nothing was read or changed upstream. */
export function sendOverloaded(
  request: FastifyRequest,
  reply: FastifyReply,
  reason: AdmissionRefusal,
) {
  const message =
    reason === 'queue-full'
      ? 'The gateway is running as many operations as it can and its queue is full; retry later'
      : 'The gateway is running as many operations as it can and this one waited too long; retry later';
  void reply.header('retry-after', String(OVERLOADED_RETRY_AFTER_SECONDS));
  return sendGraphqlErrors(request, reply, 503, message, ErrorCode.OVERLOADED, {
    retryAfter: OVERLOADED_RETRY_AFTER_SECONDS,
  });
}

/** One error answered with `status`, typed as the client's Accept header asks. */
export function sendGraphqlErrors(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  message: string,
  code: string,
  extra: Record<string, unknown> = {},
) {
  const accept = request.headers.accept ?? '';
  const type = accept.includes('application/graphql-response+json')
    ? 'application/graphql-response+json'
    : 'application/json';
  return reply
    .code(status)
    .header('content-type', `${type}; charset=utf-8`)
    .send(JSON.stringify({ errors: [{ message, extensions: { code, ...extra } }] }));
}
