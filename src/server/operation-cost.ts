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
  const root = schema.getRootType(operation.operation);
  if (!root) return 0;
  return new CostWalk(schema, document, variables, rules).selectionSet(
    operation.selectionSet,
    root,
    undefined,
  );
}

class CostWalk {
  private readonly fragments = new Map<string, FragmentDefinitionNode>();
  private readonly fragmentCosts = new Map<string, number>();
  private readonly inProgress = new Set<string>();

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
    return arg ? valueFromASTUntyped(arg.value, this.variables) : undefined;
  }
}

function fieldOf(
  type: GraphQLCompositeType,
  name: string,
): GraphQLField<unknown, unknown> | undefined {
  return isObjectType(type) || isInterfaceType(type) ? type.getFields()[name] : undefined;
}

interface CollectedField {
  name: string;
  parent: GraphQLCompositeType;
  /** Selection sets of every occurrence of the response key (fragments merged). */
  children: SelectionSetNode[];
}

/**
 * The same rules applied to an answer: lists count the entries they returned, a null object
 * costs nothing below it, and an upstream field costs its weight where it was answered. Each
 * merged selection is collected once and reused for every entry of a list.
 */
export function measureResultCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  data: unknown,
  rules: CostRules,
): number {
  const root = schema.getRootType(operation.operation);
  if (!root || !isRecord(data)) return 0;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) {
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  }
  const plans = new Map<SelectionSetNode[], Map<string, CollectedField>>();

  const collect = (sets: SelectionSetNode[], parent: GraphQLCompositeType) => {
    const known = plans.get(sets);
    if (known) return known;
    const fields = new Map<string, CollectedField>();
    const seenFragments = new Set<string>();
    const visit = (set: SelectionSetNode, type: GraphQLCompositeType) => {
      for (const sel of set.selections) {
        if (sel.kind === Kind.FIELD) {
          const key = sel.alias?.value ?? sel.name.value;
          let entry = fields.get(key);
          if (!entry)
            fields.set(key, (entry = { name: sel.name.value, parent: type, children: [] }));
          if (sel.selectionSet) entry.children.push(sel.selectionSet);
        } else if (sel.kind === Kind.INLINE_FRAGMENT) {
          const cond = sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : type;
          if (cond && isCompositeType(cond)) visit(sel.selectionSet, cond);
        } else if (!seenFragments.has(sel.name.value)) {
          seenFragments.add(sel.name.value);
          const fragment = fragments.get(sel.name.value);
          const cond = fragment && schema.getType(fragment.typeCondition.name.value);
          if (fragment && cond && isCompositeType(cond)) visit(fragment.selectionSet, cond);
        }
      }
    };
    for (const set of sets) visit(set, parent);
    plans.set(sets, fields);
    return fields;
  };

  const objectCost = (
    sets: SelectionSetNode[],
    parent: GraphQLCompositeType,
    value: Record<string, unknown>,
  ): number => {
    let total = 0;
    for (const [key, field] of collect(sets, parent)) {
      if (!(key in value)) continue;
      if (field.name === '__schema' || field.name === '__type') total += 1;
      if (field.name.startsWith('__')) continue;
      const def = fieldOf(field.parent, field.name);
      if (!def) continue;
      if (
        rules.upstreamRootTypes.has(field.parent.name) ||
        rules.upstreamFields.has(`${field.parent.name}.${field.name}`)
      )
        total += rules.upstreamWeight;
      const named = getNamedType(def.type);
      if (isCompositeType(named) && field.children.length > 0)
        total += valueCost(field.children, named, value[key]);
    }
    return total;
  };

  const valueCost = (
    sets: SelectionSetNode[],
    type: GraphQLCompositeType,
    value: unknown,
  ): number => {
    if (Array.isArray(value)) {
      let total = 0;
      for (const item of value) total += valueCost(sets, type, item);
      return total;
    }
    return isRecord(value) ? 1 + objectCost(sets, type, value) : 0;
  };

  return objectCost([operation.selectionSet], root, data);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
