import fc from 'fast-check';
import {
  buildSchema,
  Kind,
  parse,
  specifiedRules,
  validate,
  visit,
  type DocumentNode,
  type SelectionSetNode,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { depthLimitRule, type DepthMeter } from '../../../src/server/depth-limit.js';

const schema = buildSchema(`
  type Query { a: Int b: Query c(x: Int): Query }
`);

/** A selection in a generated document; spreads name a later fragment, so fragments form a DAG. */
type Sel =
  | { kind: 'leaf'; alias?: string }
  | { kind: 'field'; name: 'b' | 'c'; alias?: string; children: Sel[] }
  | { kind: 'inline'; children: Sel[] }
  | { kind: 'spread'; offset: number };

const alias = fc.option(fc.constantFrom('x', 'y', 'z'), { nil: undefined });
const selection = fc.letrec<{ sel: Sel; list: Sel[] }>((tie) => ({
  sel: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ kind: fc.constant('leaf' as const), alias }),
    fc.record({ kind: fc.constant('spread' as const), offset: fc.nat(4) }),
    fc.record({
      kind: fc.constant('field' as const),
      name: fc.constantFrom('b' as const, 'c' as const),
      alias,
      children: tie('list'),
    }),
    fc.record({ kind: fc.constant('inline' as const), children: tie('list') }),
  ),
  list: fc.array(tie('sel'), { minLength: 1, maxLength: 4 }),
}));

/** Fragment i may spread fragments i+1 … i+5 (each as often as generated): a DAG with fan-out. */
const fragmentDag = fc.record({
  operation: selection.list,
  fragments: fc.array(selection.list, { minLength: 1, maxLength: 40 }),
});

function render(list: Sel[], index: number, count: number): string {
  return list
    .map((sel) => {
      switch (sel.kind) {
        case 'leaf':
          return sel.alias ? `${sel.alias}_a: a` : 'a';
        case 'field': {
          const args = sel.name === 'c' ? '(x: 1)' : '';
          const name = sel.alias ? `${sel.alias}_${sel.name}: ${sel.name}` : sel.name;
          return `${name}${args} { ${render(sel.children, index, count)} }`;
        }
        case 'inline':
          return `... on Query { ${render(sel.children, index, count)} }`;
        case 'spread': {
          const target = index + 1 + sel.offset;
          return target < count ? `...F${target}` : 'a';
        }
      }
    })
    .join(' ');
}

function documentOf(dag: { operation: Sel[]; fragments: Sel[][] }): string {
  const count = dag.fragments.length;
  const op = `query Q { ...F0 ${render(dag.operation, -1, count)} }`;
  const fragments = dag.fragments.map(
    (body, i) => `fragment F${i} on Query { ${render(body, i, count)} }`,
  );
  return [op, ...fragments].join('\n');
}

function selectionsIn(doc: DocumentNode): number {
  let n = 0;
  const count = () => {
    n++;
  };
  visit(doc, { Field: count, InlineFragment: count, FragmentSpread: count });
  return n;
}

/** The definition, fragments expanded every time they are spread (exponential, for small docs). */
function naiveDepth(doc: DocumentNode): number {
  const fragments = new Map(
    doc.definitions.flatMap((d) =>
      d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d.selectionSet] as const] : [],
    ),
  );
  const depth = (set: SelectionSetNode): number =>
    Math.max(
      0,
      ...set.selections.map((s) =>
        s.kind === Kind.FIELD
          ? 1 + (s.selectionSet ? depth(s.selectionSet) : 0)
          : s.kind === Kind.INLINE_FRAGMENT
            ? depth(s.selectionSet)
            : depth(fragments.get(s.name.value)!),
      ),
    );
  const op = doc.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION)!;
  return depth(op.selectionSet);
}

function depthErrors(doc: DocumentNode, maxDepth: number, meter: DepthMeter) {
  return validate(schema, doc, [...specifiedRules, depthLimitRule(maxDepth, meter)]).filter((e) =>
    /levels deep/.test(e.message),
  );
}

describe('depth limit', () => {
  it('looks at each selection of the document at most once, whatever the fragment fan-out', () => {
    fc.assert(
      fc.property(fragmentDag, (dag) => {
        const doc = parse(documentOf(dag));
        const meter: DepthMeter = { visits: 0 };
        depthErrors(doc, 30, meter);
        expect(meter.visits).toBeLessThanOrEqual(selectionsIn(doc));
      }),
      { numRuns: 300 },
    );
  });

  it('measures the same depth as expanding every fragment where it is spread', () => {
    const small = fc.record({
      operation: selection.list,
      fragments: fc.array(selection.list, { minLength: 1, maxLength: 6 }),
    });
    fc.assert(
      fc.property(small, fc.integer({ min: 1, max: 12 }), (dag, limit) => {
        const doc = parse(documentOf(dag));
        const refused = depthErrors(doc, limit, { visits: 0 }).length > 0;
        expect(refused).toBe(naiveDepth(doc) > limit);
      }),
      { numRuns: 300 },
    );
  });

  it('walks a doubling chain of 1,000 fragments in about as many steps', () => {
    const n = 1000;
    const fragments = Array.from(
      { length: n },
      (_, i) => `fragment F${i} on Query { ${i + 1 < n ? `...F${i + 1} ...F${i + 1}` : 'a'} }`,
    );
    const doc = parse(['query { ...F0 }', ...fragments].join('\n'));
    const meter: DepthMeter = { visits: 0 };
    expect(depthErrors(doc, 30, meter)).toEqual([]);
    expect(meter.visits).toBe(2 * n);
  });
});
