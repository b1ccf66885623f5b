import type { CostRules } from './operation-cost.js';

/**
 * Fields whose resolver calls an upstream (once per link for the commerce lists), each of which
 * weighs `upstreamWeight` in an operation's cost. Lookups below a list (an order's customer, a
 * line item's product) are batched into one call per page by DataLoader, so they are not here:
 * they cost what any object costs. Every mutation writes upstream or to the store.
 */
const UPSTREAM_FIELDS = [
  'Query.node',
  'Query.nodes',
  'Query._entities',
  'Query.workflowTriggers',
  'Query.workflows',
  'CommerceQuery.customers',
  'CommerceQuery.orders',
  'CommerceQuery.products',
  'CommerceQuery.payments',
  'CommerceQuery.transactions',
  'CommerceQuery.disputes',
  'CommerceQuery.locations',
  'CommerceQuery.companyInfo',
  'CommerceLink.status',
  'CommerceLink.syncStatus',
];

export function costRules(options: { upstreamWeight: number; defaultListSize: number }): CostRules {
  return {
    ...options,
    upstreamFields: new Set(UPSTREAM_FIELDS),
    upstreamRootTypes: new Set(['Mutation']),
  };
}
