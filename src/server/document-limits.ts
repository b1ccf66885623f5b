import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import {
  GraphQLError,
  Kind,
  TypeInfo,
  ValidationContext,
  visit,
  visitInParallel,
  type ASTNode,
  type ASTVisitor,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { ErrorCode, GatewayError } from '../errors.js';

export interface DocumentLimits {
  /** Aliases in an operation, fragments expanded (graphql-armor's max-aliases). */
  maxAliases: number;
  /** Directives in an operation, fragments expanded (graphql-armor's max-directives). */
  maxDirectives: number;
  /** Fields that share one response name in one selection set, fragments spread there included. */
  maxRepeatedFields: number;
}

/** What the walk continues into once a document is refused: nothing. */
const NOTHING: DocumentNode = { kind: Kind.DOCUMENT, definitions: [] };

/**
 * A validation rule that checks the document's shape as the walk enters it, before any other
 * rule looks at a selection set. Validation itself is not linear: OverlappingFieldsCanBeMerged
 * compares every pair of fields that share a response name in one selection set (1,600
 * siblings `b(x: 1) { a }` took ~300 ms), so a refused document is replaced, for the rest of
 * this walk, by an empty one (graphql-js's visitor replaces a node with what `enter` returns):
 * no other rule ever sees its selection sets. Aliases and directives are counted by
 * graphql-armor's rules, which remember each fragment's count; every count here is linear.
 */
export function documentLimitsRule(limits: DocumentLimits, onRefuse?: (limitName: string) => void) {
  return (context: ValidationContext): ASTVisitor => ({
    Document: {
      enter(document) {
        try {
          checkDocumentLimits(context.getSchema(), document, limits);
          return undefined;
        } catch (error) {
          if (!(error instanceof GatewayError)) throw error;
          onRefuse?.(String(error.extensions['limitName']));
          context.reportError(error);
          return NOTHING;
        }
      },
    },
  });
}

/**
 * Throws a BAD_USER_INPUT GatewayError (HTTP 400) naming the limit, the count and the bound
 * when the document has more aliases, directives or repeated fields than `limits` allow.
 */
export function checkDocumentLimits(
  schema: GraphQLSchema,
  document: DocumentNode,
  limits: DocumentLimits,
): void {
  let refusal: GatewayError | undefined;
  const refuse = (what: 'aliases' | 'directives') => (_ctx: unknown, error: GraphQLError) => {
    // Armor's message is "… limit of N exceeded, found M."; the count is all we take from it.
    const found = Number(/found (\d+)/.exec(error.message)?.[1] ?? NaN);
    const limit = what === 'aliases' ? limits.maxAliases : limits.maxDirectives;
    refusal ??= limitError(what, found, limit);
  };
  const context = new ValidationContext(schema, document, new TypeInfo(schema), () => {});
  visit(
    document,
    visitInParallel([
      maxAliasesRule({
        n: limits.maxAliases,
        propagateOnRejection: false,
        onReject: [refuse('aliases')],
      })(context),
      maxDirectivesRule({
        n: limits.maxDirectives,
        propagateOnRejection: false,
        onReject: [refuse('directives')],
      })(context),
    ]),
  );
  if (refusal) throw refusal;
  const repeated = maxRepeatedResponseName(document);
  if (repeated > limits.maxRepeatedFields)
    throw limitError('repeatedFields', repeated, limits.maxRepeatedFields);
}

const DESCRIPTIONS = {
  aliases: 'aliases',
  directives: 'directives',
  repeatedFields: 'fields sharing one response name in a selection set',
} as const;

export function limitError(
  what: keyof typeof DESCRIPTIONS | 'cost',
  found: number,
  limit: number,
): GatewayError {
  const message =
    what === 'cost'
      ? `Operation cost ${found} exceeds the limit of ${limit}: ask for smaller pages (first/last) or fewer nested lists`
      : `Operation has ${found} ${DESCRIPTIONS[what]}, more than the limit of ${limit}`;
  return new GatewayError(ErrorCode.BAD_USER_INPUT, message, {
    extra: { limitName: what, [what]: found, limit, http: { status: 400 } },
  });
}

/**
 * The largest number of fields sharing a response name within one selection set, counting the
 * set's inline fragments and the top level of each distinct fragment spread in it (the fields
 * graphql-js compares pairwise there). Each fragment's counts are computed once.
 */
export function maxRepeatedResponseName(document: DocumentNode): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) {
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  }
  const fragmentCounts = new Map<string, Map<string, number>>();
  const countInto = (
    set: SelectionSetNode,
    counts: Map<string, number>,
    spreads: Set<string> | undefined,
  ) => {
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        const key = sel.alias?.value ?? sel.name.value;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        countInto(sel.selectionSet, counts, spreads);
      } else {
        spreads?.add(sel.name.value);
      }
    }
  };
  const ownCounts = (name: string) => {
    let counts = fragmentCounts.get(name);
    if (!counts) {
      counts = new Map();
      const fragment = fragments.get(name);
      if (fragment) countInto(fragment.selectionSet, counts, undefined);
      fragmentCounts.set(name, counts);
    }
    return counts;
  };
  let max = 0;
  visit(document, {
    SelectionSet(set, _key, parent) {
      // An inline fragment's fields were counted with the selection set that holds it.
      if (isNode(parent) && parent.kind === Kind.INLINE_FRAGMENT) return;
      const counts = new Map<string, number>();
      const spreads = new Set<string>();
      countInto(set, counts, spreads);
      for (const name of spreads) {
        for (const [key, n] of ownCounts(name)) counts.set(key, (counts.get(key) ?? 0) + n);
      }
      for (const n of counts.values()) if (n > max) max = n;
    },
  });
  return max;
}

function isNode(value: unknown): value is ASTNode {
  return typeof value === 'object' && value !== null && 'kind' in value;
}
