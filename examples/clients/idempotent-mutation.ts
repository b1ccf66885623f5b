import { gql, type ApolloClient } from '@apollo/client';

const LINK_STORE = gql`
  mutation LinkStore($input: LinkCommerceSourceInput!) {
    linkCommerceSource(input: $input) {
      link {
        id
        authorizationUrl
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;

interface LinkStoreData {
  linkCommerceSource: {
    link: { id: string; authorizationUrl: string } | null;
    userErrors: Array<{ field: string[] | null; message: string; code: string }>;
  };
}

/**
 * The key is made once per user action and sent again by every retry of that action (RetryLink,
 * a reconnecting app, the user tapping again): the gateway then answers the first result and
 * never links twice.
 */
export async function linkStore(
  client: ApolloClient,
  name: string,
  idempotencyKey: string = crypto.randomUUID(),
): Promise<{ id: string; authorizationUrl: string }> {
  const { data, error } = await client.mutate<LinkStoreData>({
    mutation: LINK_STORE,
    variables: { input: { source: 'CODAT', platform: 'shopify', name, idempotencyKey } },
    errorPolicy: 'all',
  });
  if (error) throw error;
  const { link, userErrors } = data!.linkCommerceSource;
  // IDEMPOTENCY_KEY_IN_PROGRESS: the first attempt still runs; send again after retryAfter.
  if (!link) throw new Error(userErrors.map((e) => `${e.code}: ${e.message}`).join('; '));
  return link;
}
