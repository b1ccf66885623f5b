import { type ApolloServer, HeaderMap } from '@apollo/server';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCode, GatewayError } from '../errors.js';
import { inOperationSpan } from '../observability/spans.js';
import { createContext, type GraphQLContext, type Principal } from '../request-context.js';
import { runWithLogger } from '../request-scope.js';
import type { OperationAdmission } from './admission.js';
import { sendGraphiqlIfWanted } from './graphiql.js';
import { sendGraphqlErrors, sendOverloaded } from './http-errors.js';
import type { GatewayServices } from './services.js';
import { resolveTrustedDocument, type TrustedDocumentsPolicy } from './trusted-request.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

export interface GraphqlRouteOptions {
  apollo: ApolloServer<GraphQLContext>;
  admission: OperationAdmission;
  services: GatewayServices;
  trusted: TrustedDocumentsPolicy;
  /** Headers GraphiQL starts with (the sandbox's demo key); read on every page load. */
  graphiqlHeaders?: () => Record<string, string>;
}

/**
 * `GET|POST /graphql`: authenticates the caller, waits for an admission slot, then hands the
 * request to Apollo. A browser asking for HTML gets the GraphiQL page instead.
 */
export function registerGraphqlRoute(
  app: FastifyInstance,
  { apollo, admission, services, trusted, graphiqlHeaders }: GraphqlRouteOptions,
): void {
  const graphqlHandler = async (request: FastifyRequest, reply: FastifyReply) => {
    let principal: Principal;
    try {
      principal = await services.authenticator.authenticate(request.headers);
    } catch (error) {
      if (error instanceof GatewayError) {
        return sendGraphqlErrors(
          request,
          reply,
          error.code === ErrorCode.UNAUTHENTICATED ? 401 : 403,
          error.message,
          error.code,
        );
      }
      throw error;
    }
    request.principal = principal;
    // What the request runs: a trusted document named by id, or a refusal before anything runs.
    const resolved = resolveTrustedDocument(
      { method: request.method, body: request.body, search: searchOf(request.url) },
      trusted,
      principal.roles.includes('admin'),
    );
    if (resolved.kind === 'refuse') {
      return sendGraphqlErrors(request, reply, resolved.status, resolved.message, resolved.code);
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(request.headers)) {
      if (value === undefined) continue;
      const text = Array.isArray(value) ? value.join(', ') : value;
      if (key !== 'accept' || !ACCEPTS_ANY_JSON.has(text)) headers.set(key, text);
    }
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: {
        method: request.method.toUpperCase(),
        headers,
        search: resolved.search,
        body: resolved.body,
      },
      context: async () =>
        createContext({ requestId: request.id, log: request.log, principal, services }),
    });
    for (const [key, value] of response.headers) void reply.header(key, value);
    void reply.code(response.status ?? 200);
    if (response.body.kind === 'complete') return reply.send(response.body.string);
    // Incremental delivery (@defer) is not enabled, so every body is complete.
    throw new Error('unexpected chunked GraphQL response');
  };
  const admittedHandler = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!admission.tryEnter()) {
      const outcome = await admission.wait(reply.raw);
      // For 'client-closed' the answer goes to a closed socket: Fastify needs one all the same.
      if (outcome !== 'admitted') return sendOverloaded(request, reply, outcome);
    }
    try {
      return await runWithLogger(request.log, () => graphqlHandler(request, reply));
    } finally {
      admission.leave();
    }
  };
  app.route({
    method: ['GET', 'POST'],
    url: '/graphql',
    handler: (request, reply) => {
      // The GraphiQL page is a static document, not an operation: it never waits for a slot.
      const page = sendGraphiqlIfWanted(request, reply, {
        defaultHeaders: graphiqlHeaders?.() ?? {},
        sandbox: services.config.sandbox,
      });
      if (page) return page;
      // With tracing on, the request's span covers its wait for a slot and its run.
      return inOperationSpan(request.headers, () => admittedHandler(request, reply));
    },
  });
}

const searchOf = (url: string) => (url.includes('?') ? url.slice(url.indexOf('?')) : '');

/**
 * `Accept` values for which Apollo's content negotiation (the `negotiator` package, run twice per
 * request) chooses what it chooses when there is no `Accept` header at all: `application/json`
 * for the answer, no incremental delivery. Such a header is left out of what Apollo sees, which
 * then skips one negotiation; any other value is negotiated by Apollo as sent.
 */
const ACCEPTS_ANY_JSON = new Set(['application/json', '*/*']);
