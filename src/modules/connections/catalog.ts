import type { ConnectionCategory, ConnectionIntegrationType } from '../../generated/graphql.js';
import type { ApiPandaIntegrationType } from '../../upstreams/apipanda/apipanda-client.js';

type KnownCategory = Exclude<ConnectionCategory, 'UNKNOWN'>;
type KnownIntegrationType = Exclude<ConnectionIntegrationType, 'UNKNOWN'>;

/** The seed's relation table, in its order: which integration types belong to which category. */
export const INTEGRATION_CATALOG: ReadonlyArray<{
  category: KnownCategory;
  integrationTypes: readonly KnownIntegrationType[];
}> = [
  { category: 'MARKETPLACE', integrationTypes: ['SHOPIFY', 'ETSY', 'TIKTOK', 'AMAZON'] },
  { category: 'PRINT_ON_DEMAND', integrationTypes: ['PRINTIFY', 'PRINTFUL'] },
];

/** API Panda's spelling of each of our values. */
const UPSTREAM_CATEGORY: Record<KnownCategory, string> = {
  MARKETPLACE: 'Marketplace',
  PRINT_ON_DEMAND: 'PrintOnDemand',
};

const UPSTREAM_INTEGRATION_TYPE: Record<KnownIntegrationType, ApiPandaIntegrationType> = {
  SHOPIFY: 'Shopify',
  ETSY: 'Etsy',
  TIKTOK: 'TikTok',
  AMAZON: 'Amazon',
  PRINTIFY: 'Printify',
  PRINTFUL: 'Printful',
};

const invert = <K extends string>(map: Record<K, string>): Map<string, K> =>
  new Map(
    Object.entries(map).map(([ours, theirs]) => [(theirs as string).toLowerCase(), ours as K]),
  );

const CATEGORY_FROM_UPSTREAM = invert(UPSTREAM_CATEGORY);
const INTEGRATION_TYPE_FROM_UPSTREAM = invert(UPSTREAM_INTEGRATION_TYPE);

/** Case-insensitive, so `PrintOnDemand` and `printondemand` both map; anything new is UNKNOWN. */
export const categoryFromUpstream = (value: string): ConnectionCategory =>
  CATEGORY_FROM_UPSTREAM.get(value.toLowerCase()) ?? 'UNKNOWN';

export const integrationTypeFromUpstream = (value: string): ConnectionIntegrationType =>
  INTEGRATION_TYPE_FROM_UPSTREAM.get(value.toLowerCase()) ?? 'UNKNOWN';

export const integrationTypeToUpstream = (value: KnownIntegrationType): ApiPandaIntegrationType =>
  UPSTREAM_INTEGRATION_TYPE[value];

export function categoryOf(integrationType: ConnectionIntegrationType): KnownCategory | undefined {
  return INTEGRATION_CATALOG.find((c) =>
    (c.integrationTypes as readonly string[]).includes(integrationType),
  )?.category;
}

export const isKnownIntegrationType = (
  value: ConnectionIntegrationType,
): value is KnownIntegrationType => value !== 'UNKNOWN';

export const isKnownCategory = (value: ConnectionCategory): value is KnownCategory =>
  value !== 'UNKNOWN';
