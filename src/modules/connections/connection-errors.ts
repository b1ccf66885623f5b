import type { ApiPandaRejection } from '../../upstreams/apipanda/apipanda-errors.js';
import { userError, type UserErrorModel } from '../base/mutations.js';

/** API Panda's property names that are fields of our `startConnection` input. */
const INPUT_FIELD_OF_PROPERTY: Record<string, string> = {
  name: 'name',
  slug: 'slug',
  integrationType: 'integrationType',
};

/**
 * API Panda's 400 refusals as userErrors: a property of our input is named as that field (code
 * INVALID: nothing was created, so a corrected retry may reuse the idempotency key); anything
 * else (a token, a header) is the gateway's business, reported without a field.
 */
export function userErrorsFromRejection(rejection: ApiPandaRejection): UserErrorModel[] {
  return rejection.errors.map((e) => {
    const field = e.propertyName ? INPUT_FIELD_OF_PROPERTY[e.propertyName] : undefined;
    return field
      ? userError(['input', field], e.message, 'INVALID')
      : userError(null, `API Panda refused the request (code ${e.code})`, 'UPSTREAM_REJECTED');
  });
}
