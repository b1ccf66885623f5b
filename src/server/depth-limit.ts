import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';
import { ErrorCode } from '../errors.js';

/**
 * Rejects operations nested deeper than `maxDepth` fields, fragments followed, before any
 * resolver runs. A query 200 levels deep is a cheap way to burn CPU; a real client never needs
 * more than a couple of dozen levels (GraphiQL's introspection query needs 13).
 */
export function depthLimitRule(maxDepth: number) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const def of context.getDocument().definitions) {
      if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    }

    const depthOf = (set: SelectionSetNode, depth: number, seen: Set<string>): number => {
      if (depth > maxDepth) return depth;
      let max = depth;
      for (const sel of set.selections) {
        if (sel.kind === Kind.FIELD) {
          if (sel.selectionSet) max = Math.max(max, depthOf(sel.selectionSet, depth + 1, seen));
        } else if (sel.kind === Kind.INLINE_FRAGMENT) {
          max = Math.max(max, depthOf(sel.selectionSet, depth, seen));
        } else {
          const name = sel.name.value;
          const fragment = fragments.get(name);
          // A fragment cycle is reported by graphql-js's own NoFragmentCycles rule.
          if (!fragment || seen.has(name)) continue;
          max = Math.max(max, depthOf(fragment.selectionSet, depth, new Set(seen).add(name)));
        }
        if (max > maxDepth) break;
      }
      return max;
    };

    return {
      OperationDefinition(node) {
        const depth = depthOf(node.selectionSet, 1, new Set());
        if (depth > maxDepth) {
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
