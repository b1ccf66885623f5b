/**
 * Remembers which GraphQL type an object returned by `Query.node` is, so `Node.__resolveType`
 * works for any internal model without every model carrying a `__typename` field.
 */
const nodeTypes = new WeakMap<object, string>();

export function tagNodeType<T extends object>(value: T, type: string): T {
  nodeTypes.set(value, type);
  return value;
}

export function nodeTypeOf(value: object): string | undefined {
  return nodeTypes.get(value) ?? (value as { __typename?: string }).__typename;
}
