import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import {
  buildSchema,
  getIntrospectionQuery,
  Kind,
  parse,
  type DocumentNode,
  type OperationDefinitionNode,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import {
  checkDocumentLimits,
  maxRepeatedResponseName,
} from '../../../src/server/document-limits.js';
import { estimateOperationCost } from '../../../src/server/operation-cost.js';
import { costRules } from '../../../src/server/upstream-fields.js';

const root = new URL('../../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');
const schema = buildSchema(read('schema.graphql'));
const defaults = loadConfig({ SANDBOX: 'true' }).operationCost;
const rules = costRules({
  upstreamWeight: defaults.upstreamFieldWeight,
  defaultListSize: defaults.defaultListSize,
});

const operations = (document: DocumentNode) =>
  document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
const cost = (source: string, variables: Record<string, unknown> = {}) => {
  const document = parse(source);
  return estimateOperationCost(schema, document, operations(document)[0]!, variables, rules);
};

/** Every GraphQL example a user reads: README and docs code blocks, and the benchmark queries. */
function documentedExamples(): Array<{ where: string; source: string }> {
  const examples: Array<{ where: string; source: string }> = [];
  const docs = ['README.md', ...readdirSync(new URL('docs/', root)).map((f) => `docs/${f}`)];
  for (const file of docs.filter((f) => f.endsWith('.md'))) {
    for (const [, block] of read(file).matchAll(/```graphql\n([\s\S]*?)```/g))
      examples.push({ where: file, source: block! });
  }
  for (const file of ['bench/scenarios/index.ts', 'bench/scenarios/fixtures.ts']) {
    const text = read(file);
    for (const [, q] of text.matchAll(/\/\* GraphQL \*\/ `([^`]*)`/g))
      examples.push({ where: file, source: q! });
    for (const [, q] of text.matchAll(/`(\{ commerce[^`]*)`/g))
      examples.push({ where: file, source: q! });
  }
  return examples;
}

describe('operation cost', () => {
  it('lets every documented example, the benchmark queries and GraphiQL introspection through', () => {
    const examples = [
      ...documentedExamples(),
      { where: 'introspection', source: getIntrospectionQuery() },
      // GraphiQL asks with every option on.
      {
        where: 'introspection (all options)',
        source: getIntrospectionQuery({
          descriptions: true,
          specifiedByUrl: true,
          directiveIsRepeatable: true,
          schemaDescription: true,
          inputValueDeprecation: true,
        }),
      },
    ];
    expect(examples.length).toBeGreaterThan(8);
    for (const { where, source } of examples) {
      const document = parse(source);
      expect(() => checkDocumentLimits(schema, document, defaults), where).not.toThrow();
      for (const operation of operations(document)) {
        const c = estimateOperationCost(schema, document, operation, { first: 50 }, rules);
        expect(c, `${where}: ${operation.name?.value ?? 'anonymous'}`).toBeLessThanOrEqual(
          defaults.maxCost,
        );
      }
    }
  });

  it('multiplies list sizes from first/last through nested lists and weighs upstream fields', () => {
    // commerce 1 + orders (10 upstream + 1) + 250 nodes of 1.
    expect(cost('{ commerce { orders(first: 250) { nodes { id } } } }')).toBe(1 + 11 + 250);
    // Without first, the default page size (20).
    expect(cost('{ commerce { orders { nodes { id } } } }')).toBe(1 + 11 + 20);
    // From variables, and `last` counts like `first`.
    expect(
      cost('query ($n: Int) { commerce { orders(first: $n) { nodes { id } } } }', { n: 5 }),
    ).toBe(1 + 11 + 5);
    expect(cost('{ commerce { orders(last: 7) { edges { node { id } } } } }')).toBe(1 + 11 + 7 * 2);
    // A plain list below a page counts the default list size (5) per entry: 250 × (1 + 5 × 2).
    expect(
      cost('{ commerce { orders(first: 250) { nodes { lineItems { product { id } } } } } }'),
    ).toBe(1 + 11 + 250 * (1 + 5 * (1 + 1)));
    // nodes(ids:) is sized by its ids.
    expect(cost('{ nodes(ids: ["a", "b", "c"]) { id } }')).toBe(10 + 3);
    // Every mutation calls an upstream or writes.
    expect(cost('mutation { syncCommerceData(input: { linkId: "x" }) { queued { state } } }')).toBe(
      10 + 1 + 5,
    );
    // Introspection reads only the schema.
    expect(cost(getIntrospectionQuery())).toBe(1);
  });

  it('prices fragments as if they were written out, once per fragment however often spread', () => {
    // Each fragment spreads the next twice: 2^30 orders pages, priced without walking them.
    const n = 30;
    const fragments = Array.from({ length: n }, (_, i) =>
      i < n - 1
        ? `fragment F${i} on CommerceQuery { ...F${i + 1} a${i}: orders(first: 1) { nodes { id } } ...F${i + 1} }`
        : `fragment F${i} on CommerceQuery { orders(first: 1) { nodes { id } } }`,
    );
    const source = `{ commerce { ...F0 } } ${fragments.join('\n')}`;
    const c = cost(source);
    // F(n-1) = 12, F(i) = 2 F(i+1) + 12.
    let expected = 12;
    for (let i = n - 2; i >= 0; i--) expected = 2 * expected + 12;
    expect(c).toBe(1 + expected);
  });

  it('matches the cost of the document with fragments written out (generated documents)', () => {
    const field = fc.constantFrom(
      'orders(first: 3) { nodes { id lineItems { quantity } } }',
      'customers { edges { node { id name } } }',
      'sources { id status }',
      'products(last: 2) { pageInfo { hasNextPage } nodes { variants { id } } }',
    );
    fc.assert(
      fc.property(
        fc.array(fc.array(field, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 5 }),
        (bodies) => {
          // Fragment i holds its own fields and spreads fragment i+1.
          const defs = bodies.map(
            (fields, i) =>
              `fragment F${i} on CommerceQuery { ${fields.map((f, j) => `f${i}_${j}: ${f}`).join(' ')} ${i + 1 < bodies.length ? `...F${i + 1}` : ''} }`,
          );
          const inline = bodies
            .map(
              (fields, i) =>
                `... on CommerceQuery { ${fields.map((f, j) => `f${i}_${j}: ${f}`).join(' ')} }`,
            )
            .join(' ');
          return (
            cost(`{ commerce { ...F0 } } ${defs.join(' ')}`) === cost(`{ commerce { ${inline} } }`)
          );
        },
      ),
    );
  });

  it('counts fields repeated under one response name, fragments spread in the set included', () => {
    expect(maxRepeatedResponseName(parse(`{ ${'viewer { id } '.repeat(40)} }`))).toBe(40);
    expect(
      maxRepeatedResponseName(
        parse(
          '{ viewer { ...A ...B ... on Viewer { id } id } } fragment A on Viewer { id } fragment B on Viewer { id x: id }',
        ),
      ),
    ).toBe(4);
  });
});
