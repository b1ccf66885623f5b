import {
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  Kind,
  getDirectiveValues,
  type FieldNode,
  type GraphQLResolveInfo,
  type SelectionSetNode,
} from 'graphql';
import type { GraphQLContext } from '../../request-context.js';
import type { CommerceDataset, DatasetRecords, OrderModel } from './model.js';
import { addId, recordLookup } from './record-loaders.js';

/**
 * Look-ahead from a list field into the records its selection reaches next. When a query asks
 * for `orders { nodes { customer { … } lineItems { product { … } } } }`, the customers and
 * products of the page are loaded in one step, in parallel, before the list resolves; the
 * `customer` and `product` fields then answer synchronously from the request's lookups.
 *
 * Why: the same upstream calls happen without it (the lookups batch them one level down), but
 * graphql-js would complete every one of those fields through a promise of its own, hundreds per
 * page, and keep each list's records alive across the extra turns. Resolved values complete on
 * the synchronous path. A relation the walk does not see is still loaded by its resolver, so
 * look-ahead only ever saves work; it never decides what a field returns.
 */

export interface Relation<R> {
  /** Field path under the list's record, e.g. ['lineItems', 'product']. */
  path: readonly string[];
  dataset: CommerceDataset;
  ids(record: R): Iterable<string>;
}

const ORDER_RELATIONS: ReadonlyArray<Relation<OrderModel>> = [
  { path: ['customer'], dataset: 'customers', ids: (o) => (o.customer ? [o.customer.id] : []) },
  { path: ['location'], dataset: 'locations', ids: (o) => (o.location ? [o.location.id] : []) },
  { path: ['lineItems', 'product'], dataset: 'products', ids: lineItemProducts },
  // A line's variant is read from its product record.
  { path: ['lineItems', 'variant'], dataset: 'products', ids: lineItemProducts },
];

function* lineItemProducts(o: OrderModel): Iterable<string> {
  for (const line of o.lineItems) if (line.product) yield line.product.id;
}

const RELATIONS: { [D in CommerceDataset]?: ReadonlyArray<Relation<DatasetRecords[D]>> } = {
  orders: ORDER_RELATIONS,
};

/** Loads the related records the selection under `info` will read for `records`. */
export async function prefetchRelations<D extends CommerceDataset>(
  ctx: GraphQLContext,
  dataset: D,
  records: ReadonlyArray<DatasetRecords[D] & { linkId: string }>,
  info: GraphQLResolveInfo,
): Promise<void> {
  if (records.length === 0 || !ctx.services.config.dataloaderBatching) return;
  const wanted = new Map<CommerceDataset, Map<string, Set<string>>>();
  for (const relation of selectedRelations(dataset, info)) {
    let idsByLink = wanted.get(relation.dataset);
    if (!idsByLink) wanted.set(relation.dataset, (idsByLink = new Map()));
    for (const record of records)
      for (const id of relation.ids(record)) addId(idsByLink, record.linkId, id);
  }
  await Promise.all(
    [...wanted].map(([target, idsByLink]) => recordLookup(ctx, target).loadMany(idsByLink)),
  );
}

/** The relations of `dataset` that the selection under a list field `info` reads. */
export function selectedRelations<D extends CommerceDataset>(
  dataset: D,
  info: GraphQLResolveInfo,
): ReadonlyArray<Relation<DatasetRecords[D]>> {
  const relations = RELATIONS[dataset];
  if (!relations) return [];
  const selections = recordSelections(info);
  return relations.filter((r) => selects(info, selections, r.path));
}

/** The selection sets that apply to a list's records: under `nodes` and under `edges { node }`. */
function recordSelections(info: GraphQLResolveInfo): SelectionSetNode[] {
  const sets: SelectionSetNode[] = [];
  for (const field of fieldsOf(
    info,
    info.fieldNodes.map((f) => f.selectionSet),
  )) {
    if (field.name.value === 'nodes' && field.selectionSet) sets.push(field.selectionSet);
    if (field.name.value === 'edges' && field.selectionSet) {
      for (const edgeField of fieldsOf(info, [field.selectionSet]))
        if (edgeField.name.value === 'node' && edgeField.selectionSet)
          sets.push(edgeField.selectionSet);
    }
  }
  return sets;
}

function selects(
  info: GraphQLResolveInfo,
  sets: readonly SelectionSetNode[],
  path: readonly string[],
): boolean {
  const [name, ...rest] = path;
  if (name === undefined) return true;
  const children: SelectionSetNode[] = [];
  let found = false;
  for (const field of fieldsOf(info, sets)) {
    if (field.name.value !== name) continue;
    found = true;
    if (field.selectionSet) children.push(field.selectionSet);
  }
  return found && (rest.length === 0 || selects(info, children, rest));
}

/** The fields of selection sets, through inline fragments and fragment spreads, skipped ones left out. */
function* fieldsOf(
  info: GraphQLResolveInfo,
  sets: ReadonlyArray<SelectionSetNode | undefined>,
): Generator<FieldNode> {
  for (const set of sets) {
    if (!set) continue;
    for (const selection of set.selections) {
      if (!included(info, selection)) continue;
      if (selection.kind === Kind.FIELD) yield selection;
      else if (selection.kind === Kind.INLINE_FRAGMENT)
        yield* fieldsOf(info, [selection.selectionSet]);
      else {
        const fragment = info.fragments[selection.name.value];
        if (fragment) yield* fieldsOf(info, [fragment.selectionSet]);
      }
    }
  }
}

function included(
  info: GraphQLResolveInfo,
  node: Parameters<typeof getDirectiveValues>[1],
): boolean {
  if (!node.directives || node.directives.length === 0) return true;
  if (getDirectiveValues(GraphQLSkipDirective, node, info.variableValues)?.['if'] === true)
    return false;
  return getDirectiveValues(GraphQLIncludeDirective, node, info.variableValues)?.['if'] !== false;
}
