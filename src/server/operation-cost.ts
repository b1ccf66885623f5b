import {
  getNamedType,
  getNullableType,
  isCompositeType,
  isListType,
  isObjectType,
  isInterfaceType,
  Kind,
  valueFromASTUntyped,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { DEFAULT_PAGE_SIZE } from '../modules/base/relay-page.js';

/**
 * What an operation costs, read from its document before anything runs, in the manner of
 * Shopify's and GitHub's calculated query cost:
 *
 * - a field whose value is an object costs 1, a scalar or enum 0;
 * - a field that calls an upstream costs `upstreamWeight` more (`upstreamFields`);
 * - a list multiplies the cost of what it selects by its size: for a connection, `first` or
 *   `last` (the default page size, 20, when neither is given) sizes its `edges` and `nodes`;
 *   `ids` sizes `nodes(ids:)` (and `representations` federation's `_entities`); any other list (an order's line items, a product's variants)
 *   counts `defaultListSize` entries. Sizes multiply through nested lists, so 250 orders of 5
 *   line items each cost 1,250 line items.
 * - introspection (`__schema`, `__type`) costs 1: it reads only the schema.
 *
 * Each named fragment's cost is computed once per enclosing page size and remembered, so the
 * estimate is linear in the document however often fragments spread one another.
 */
export interface CostRules {
  upstreamWeight: number;
  defaultListSize: number;
  /** `Type.field` coordinates of fields whose resolver calls an upstream. */
  upstreamFields: ReadonlySet<string>;
  /** Root types all of whose fields call an upstream (Mutation). */
  upstreamRootTypes: ReadonlySet<string>;
}

export function estimateOperationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>>,
  rules: CostRules,
): number {
  return estimateWithVariables(schema, document, operation, variables, rules).cost;
}

/**
 * The estimate, and whether a variable's value entered it (a page size or an id list passed as
 * a variable). When none did, the estimate holds for every request of the operation, whatever
 * its variables: s1's `node(id: $id)` and a mutation's `input` never size anything.
 */
export function estimateWithVariables(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>>,
  rules: CostRules,
): { cost: number; readsVariables: boolean } {
  const root = schema.getRootType(operation.operation);
  if (!root) return { cost: 0, readsVariables: false };
  const walk = new CostWalk(schema, document, variables, rules);
  const cost = walk.selectionSet(operation.selectionSet, root, undefined);
  return { cost, readsVariables: walk.readsVariables };
}

class CostWalk {
  private readonly fragments = new Map<string, FragmentDefinitionNode>();
  private readonly fragmentCosts = new Map<string, number>();
  private readonly inProgress = new Set<string>();
  /** Whether an argument read for a size held a variable. */
  readsVariables = false;

  constructor(
    private readonly schema: GraphQLSchema,
    document: DocumentNode,
    private readonly variables: Readonly<Record<string, unknown>>,
    private readonly rules: CostRules,
  ) {
    for (const def of document.definitions) {
      if (def.kind === Kind.FRAGMENT_DEFINITION) this.fragments.set(def.name.value, def);
    }
  }

  /** `pageSize`: the size of the connection this set belongs to, for its `edges`/`nodes`. */
  selectionSet(
    set: SelectionSetNode,
    parent: GraphQLCompositeType,
    pageSize: number | undefined,
  ): number {
    let total = 0;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        total += this.field(sel, parent, pageSize);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        const type = sel.typeCondition ? this.schema.getType(sel.typeCondition.name.value) : parent;
        if (type && isCompositeType(type))
          total += this.selectionSet(sel.selectionSet, type, pageSize);
      } else {
        total += this.fragment(sel.name.value, pageSize);
      }
    }
    return total;
  }

  private fragment(name: string, pageSize: number | undefined): number {
    const key = `${name}\u0000${pageSize ?? ''}`;
    const known = this.fragmentCosts.get(key);
    if (known !== undefined) return known;
    const fragment = this.fragments.get(name);
    // Unknown fragments and cycles are graphql-js's to report (validation runs first).
    if (!fragment || this.inProgress.has(key)) return 0;
    const type = this.schema.getType(fragment.typeCondition.name.value);
    if (!type || !isCompositeType(type)) return 0;
    this.inProgress.add(key);
    const cost = this.selectionSet(fragment.selectionSet, type, pageSize);
    this.inProgress.delete(key);
    this.fragmentCosts.set(key, cost);
    return cost;
  }

  private field(node: FieldNode, parent: GraphQLCompositeType, pageSize: number | undefined) {
    const name = node.name.value;
    if (name === '__schema' || name === '__type') return 1;
    if (name.startsWith('__')) return 0;
    const def = fieldOf(parent, name);
    if (!def) return 0;
    const weight = this.isUpstream(parent.name, name) ? this.rules.upstreamWeight : 0;
    const named = getNamedType(def.type);
    if (!isCompositeType(named) || !node.selectionSet) return weight;
    const ownPage = this.pageArgument(node, def);
    const multiplier = isListType(getNullableType(def.type))
      ? (this.idsArgument(node, def) ?? pageSize ?? this.rules.defaultListSize)
      : 1;
    return weight + multiplier * (1 + this.selectionSet(node.selectionSet, named, ownPage));
  }

  private isUpstream(type: string, field: string): boolean {
    return (
      this.rules.upstreamRootTypes.has(type) || this.rules.upstreamFields.has(`${type}.${field}`)
    );
  }

  /** `first`/`last` of a paged field (the default page size when absent); else undefined. */
  private pageArgument(node: FieldNode, def: GraphQLField<unknown, unknown>): number | undefined {
    const paged = def.args.some((a) => a.name === 'first' || a.name === 'last');
    if (!paged) return undefined;
    const first = this.argumentValue(node, 'first');
    const last = this.argumentValue(node, 'last');
    const sizes = [first, last].filter((v): v is number => typeof v === 'number' && v >= 0);
    return sizes.length > 0 ? Math.max(...sizes) : DEFAULT_PAGE_SIZE;
  }

  /** `nodes(ids:)` and federation's `_entities(representations:)` return one entry per input. */
  private idsArgument(node: FieldNode, def: GraphQLField<unknown, unknown>): number | undefined {
    const arg = def.args.find((a) => a.name === 'ids' || a.name === 'representations');
    if (!arg) return undefined;
    const ids = this.argumentValue(node, arg.name);
    return Array.isArray(ids) ? ids.length : undefined;
  }

  private argumentValue(node: FieldNode, name: string): unknown {
    const arg = node.arguments?.find((a) => a.name.value === name);
    if (!arg) return undefined;
    if (containsVariable(arg.value)) this.readsVariables = true;
    return valueFromASTUntyped(arg.value, this.variables);
  }
}

function containsVariable(value: ValueNode): boolean {
  switch (value.kind) {
    case Kind.VARIABLE:
      return true;
    case Kind.LIST:
      return value.values.some(containsVariable);
    case Kind.OBJECT:
      return value.fields.some((f) => containsVariable(f.value));
    default:
      return false;
  }
}

export function fieldOf(
  type: GraphQLCompositeType,
  name: string,
): GraphQLField<unknown, unknown> | undefined {
  return isObjectType(type) || isInterfaceType(type) ? type.getFields()[name] : undefined;
}
