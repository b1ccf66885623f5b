import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type DocumentNode,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';
import { ErrorCode } from '../errors.js';

/** Counts the selections a depth measurement looks at (tests check it stays linear). */
export interface DepthMeter {
  visits: number;
}

/**
 * Measures how many field levels each selection set nests, fragments followed. Each fragment's
 * depth is computed once and remembered: a document whose fragments each spread the next one
 * twice would otherwise be walked 2^n times (24 such fragments, under 1 KB, blocked the event
 * loop for 14 s), so the work is one look at every selection in the document.
 */
export class DocumentDepth {
  private readonly fragments = new Map<string, FragmentDefinitionNode>();
  private readonly fragmentDepths = new Map<string, number>();
  /** Fragments being measured right now: a spread of one of them closes a cycle. */
  private readonly inProgress = new Set<string>();

  constructor(
    document: DocumentNode,
    private readonly meter?: DepthMeter,
  ) {
    for (const def of document.definitions) {
      if (def.kind === Kind.FRAGMENT_DEFINITION) this.fragments.set(def.name.value, def);
    }
  }

  /** Field levels below `set`: `{ a }` is 1, `{ a { b } }` is 2, an empty set 0. */
  of(set: SelectionSetNode): number {
    let max = 0;
    for (const sel of set.selections) {
      if (this.meter) this.meter.visits++;
      if (sel.kind === Kind.FIELD) {
        max = Math.max(max, 1 + (sel.selectionSet ? this.of(sel.selectionSet) : 0));
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        max = Math.max(max, this.of(sel.selectionSet));
      } else {
        max = Math.max(max, this.fragment(sel.name.value));
      }
    }
    return max;
  }

  private fragment(name: string): number {
    const known = this.fragmentDepths.get(name);
    if (known !== undefined) return known;
    const fragment = this.fragments.get(name);
    // An unknown fragment or a cycle is reported by graphql-js's own rules (KnownFragmentNames,
    // NoFragmentCycles); it adds no depth here.
    if (!fragment || this.inProgress.has(name)) return 0;
    this.inProgress.add(name);
    const depth = this.of(fragment.selectionSet);
    this.inProgress.delete(name);
    this.fragmentDepths.set(name, depth);
    return depth;
  }
}

/**
 * Rejects operations nested deeper than `maxDepth` fields, fragments followed, before any
 * resolver runs. A query 200 levels deep is a cheap way to burn CPU; a real client never needs
 * more than a couple of dozen levels (GraphiQL's introspection query needs 13).
 */
export function depthLimitRule(maxDepth: number, meter?: DepthMeter) {
  return (context: ValidationContext): ASTVisitor => {
    const depths = new DocumentDepth(context.getDocument(), meter);
    return {
      OperationDefinition(node) {
        if (depths.of(node.selectionSet) > maxDepth) {
          context.reportError(
            new GraphQLError(`Operation is nested more than ${maxDepth} levels deep, the limit`, {
              nodes: [node],
              extensions: { code: ErrorCode.BAD_USER_INPUT },
            }),
          );
        }
      },
    };
  };
}
