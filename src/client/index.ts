import type { FieldPolicy, InMemoryCacheConfig, Reference, TypePolicies } from '@apollo/client';
import { relayStylePagination } from '@apollo/client/utilities';
import { connectionFields, singletonTypes } from '../generated/client-fields.js';
import generated from '../generated/possible-types.js';

/**
 * The cache configuration Apollo Client apps use with this API (`commerce-graph/client`):
 *
 *   new InMemoryCache({ possibleTypes, typePolicies })
 *
 * Both are derived from the schema by `npm run codegen`, so a new interface implementation or a
 * new paginated field is covered without editing this module. The gateway itself never imports
 * it, so `@apollo/client` is an (optional) peer of apps, not a dependency of the server.
 */

/** Concrete types per interface (`Node`, `CommerceRecord`, …), so interface fragments match. */
export const possibleTypes: Record<string, string[]> = generated.possibleTypes;

/**
 * Relay-style pagination (`fetchMore({ variables: { after } })` appends, `before` prepends), keyed
 * by the field's other arguments. `nodes` is read from the merged edges when the list was
 * fetched with `edges`, so a screen may render either one.
 */
export function connectionPolicy(keyArgs: readonly string[]): FieldPolicy {
  const base = relayStylePagination(keyArgs.length ? [...keyArgs] : false);
  const read = base.read as Extract<NonNullable<typeof base.read>, (...args: never[]) => unknown>;
  return {
    ...base,
    read(existing, options) {
      const merged = read(existing, options);
      const edges = merged?.edges;
      if (!merged || !edges?.length) return merged;
      return {
        ...merged,
        nodes: edges.map((edge) => options.readField<Reference>('node', edge)),
      };
    },
  } as FieldPolicy;
}

/**
 * Every paginated field gets `connectionPolicy`, and the per-workspace singletons without an id
 * (`commerce`, `viewer`) are merged, so two screens' queries of `commerce { … }` keep each
 * other's lists instead of replacing them.
 */
export function createTypePolicies(): TypePolicies {
  const policies: TypePolicies = {};
  for (const type of singletonTypes) policies[type] = { merge: true };
  for (const [type, fields] of Object.entries(connectionFields)) {
    const fieldPolicies: Record<string, FieldPolicy> = {};
    for (const [field, keyArgs] of Object.entries(fields))
      fieldPolicies[field] = connectionPolicy(keyArgs);
    policies[type] = { ...policies[type], fields: fieldPolicies };
  }
  return policies;
}

/** The options to spread into `new InMemoryCache({ ...cacheConfig(), ...yours })`. */
export function cacheConfig(): Pick<InMemoryCacheConfig, 'possibleTypes' | 'typePolicies'> {
  return { possibleTypes, typePolicies: createTypePolicies() };
}
