import {
  getNamedType,
  isCompositeType,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { fieldOf, type CostRules } from './operation-cost.js';

/** A response key of a merged selection, with what it costs wherever an answer holds it. */
interface MeasuredField {
  key: string;
  /** Its own cost: 1 for introspection, the upstream weight for an upstream field, else 0. */
  own: number;
  /** What it selects, when its value is an object or a list of objects. */
  child: ChildSelection | undefined;
}

interface ChildSelection {
  /** Selection sets of every occurrence of the response key (fragments merged). */
  sets: SelectionSetNode[];
  type: GraphQLCompositeType;
  /** Collected on the first answer that holds a value there. */
  fields?: MeasuredField[];
}

/**
 * Measures answers to one operation with the operation cost rules (operation-cost.ts): lists
 * count the entries they returned, a null object costs nothing below it, and an upstream field
 * costs its weight where it was answered. Each merged selection is collected once, with its
 * fields' definitions and weights, when an answer first reaches it; the meter is kept per
 * operation, so a repeated operation's answers are measured without looking at the schema.
 */
export function resultCostMeter(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  rules: CostRules,
): (data: unknown) => number {
  const root = schema.getRootType(operation.operation);
  if (!root) return () => 0;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) {
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  }

  const collect = (sets: SelectionSetNode[], parent: GraphQLCompositeType): MeasuredField[] => {
    const byKey = new Map<
      string,
      { name: string; parent: GraphQLCompositeType; sets: SelectionSetNode[] }
    >();
    const seenFragments = new Set<string>();
    const visit = (set: SelectionSetNode, type: GraphQLCompositeType) => {
      for (const sel of set.selections) {
        if (sel.kind === Kind.FIELD) {
          const key = sel.alias?.value ?? sel.name.value;
          let entry = byKey.get(key);
          if (!entry) byKey.set(key, (entry = { name: sel.name.value, parent: type, sets: [] }));
          if (sel.selectionSet) entry.sets.push(sel.selectionSet);
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
    const fields: MeasuredField[] = [];
    for (const [key, entry] of byKey) {
      if (entry.name === '__schema' || entry.name === '__type') {
        fields.push({ key, own: 1, child: undefined });
        continue;
      }
      if (entry.name.startsWith('__')) continue;
      const def = fieldOf(entry.parent, entry.name);
      if (!def) continue;
      const upstream =
        rules.upstreamRootTypes.has(entry.parent.name) ||
        rules.upstreamFields.has(`${entry.parent.name}.${entry.name}`);
      const named = getNamedType(def.type);
      fields.push({
        key,
        own: upstream ? rules.upstreamWeight : 0,
        child:
          isCompositeType(named) && entry.sets.length > 0
            ? { sets: entry.sets, type: named }
            : undefined,
      });
    }
    return fields;
  };

  const objectCost = (fields: MeasuredField[], value: Record<string, unknown>): number => {
    let total = 0;
    for (const field of fields) {
      if (!(field.key in value)) continue;
      total += field.own;
      const child = field.child;
      if (child) total += valueCost(child, value[field.key]);
    }
    return total;
  };

  const valueCost = (child: ChildSelection, value: unknown): number => {
    if (Array.isArray(value)) {
      let total = 0;
      for (const item of value) total += valueCost(child, item);
      return total;
    }
    if (!isRecord(value)) return 0;
    const fields = (child.fields ??= collect(child.sets, child.type));
    return 1 + objectCost(fields, value);
  };

  let rootFields: MeasuredField[] | undefined;
  return (data) => {
    if (!isRecord(data)) return 0;
    rootFields ??= collect([operation.selectionSet], root);
    return objectCost(rootFields, data);
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
