import { defineConfig } from '@graphql-hive/gateway';
import { Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/**
 * The batched peer: the same Hive Gateway and Mesh composition, with order → customer and line
 * item → product resolved as Mesh's "Schema Extensions" page shows for a source whose batch
 * lookup does not take a list argument: additional resolvers that call the in-context SDK with
 * `key`, `argsFromKeys` and `valuesFromResults`, so every customer (and every product) of one
 * answer is fetched in one call. Codat's batch lookup is its list endpoint with
 * `query=id=…||id=…`, built here as commerce-graph's Codat client builds it; `maxBatchSize`
 * keeps each URL under the usual 8 KB limit as our client does (about 160 UUIDs a call).
 * Batched execution stays off, as in gateway.config.ts (it loses the arguments of list items).
 */

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required (set by bench/harness/servers.ts)`);
  return value;
};

const companyId = env('BENCH_PEER_CODAT_COMPANY');
const connectionId = env('BENCH_PEER_CODAT_CONNECTION');
const MAX_IDS_PER_CALL = 160;

interface CodatRecord {
  id: string;
}
interface CodatPage {
  results?: Array<CodatRecord | null> | null;
}
type SdkCall = (options: {
  root: unknown;
  context: unknown;
  info: GraphQLResolveInfo;
  key: string | undefined;
  argsFromKeys: (keys: readonly string[]) => Record<string, unknown>;
  valuesFromResults: (page: CodatPage | null, keys: readonly string[]) => unknown[];
  selectionSet: (subtree: SelectionSetNode) => SelectionSetNode;
  dataLoaderOptions: { maxBatchSize: number };
}) => Promise<unknown>;
type Context = Record<string, { Query: Record<string, SdkCall> } | undefined>;

const quoteValue = (value: string) =>
  /^[\w.:-]+$/.test(value) ? value : `"${value.replace(/"/g, '\\"')}"`;

const name = (value: string) => ({ kind: Kind.NAME, value }) as const;
const field = (fieldName: string, selectionSet?: SelectionSetNode): FieldNode => ({
  kind: Kind.FIELD,
  name: name(fieldName),
  ...(selectionSet ? { selectionSet } : {}),
});

/**
 * `Type.field` resolved from the `refField { id }` of its parent through one list call per batch:
 * the client's selection is asked for inside `... on <pageType> { results { id … } }` and each
 * key gets the record with its id (null when Codat has none).
 */
function batchedLookup(listField: string, pageType: string, refField: string) {
  return {
    selectionSet: `{ ${refField} { id } }`,
    resolve(
      root: Record<string, { id?: string } | null | undefined>,
      _args: unknown,
      context: Context,
      info: GraphQLResolveInfo,
    ) {
      const call = context['Codat']?.Query[listField];
      if (!call) throw new Error(`no in-context SDK call Codat.Query.${listField}`);
      return call({
        root,
        context,
        info,
        key: root[refField]?.id ?? undefined,
        argsFromKeys: (keys) => ({
          companyId,
          connectionId,
          page: 1,
          pageSize: keys.length,
          query: keys.map((id) => `id=${quoteValue(id)}`).join('||'),
        }),
        valuesFromResults: (page, keys) => {
          const byId = new Map<string, CodatRecord>();
          for (const record of page?.results ?? []) if (record) byId.set(record.id, record);
          return keys.map((key) => byId.get(key) ?? null);
        },
        selectionSet: (subtree) => ({
          kind: Kind.SELECTION_SET,
          selections: [
            {
              kind: Kind.INLINE_FRAGMENT,
              typeCondition: { kind: Kind.NAMED_TYPE, name: name(pageType) },
              selectionSet: {
                kind: Kind.SELECTION_SET,
                selections: [
                  field('results', {
                    kind: Kind.SELECTION_SET,
                    selections: [field('id'), ...subtree.selections],
                  }),
                ],
              },
            },
          ],
        }),
        dataLoaderOptions: { maxBatchSize: MAX_IDS_PER_CALL },
      });
    },
  };
}

export const gatewayConfig = defineConfig({
  __experimental__batchExecution: false,
  additionalResolvers: {
    [env('BENCH_PEER_ORDER_TYPE')]: {
      customer: batchedLookup(
        env('BENCH_PEER_LIST_CUSTOMERS'),
        env('BENCH_PEER_CUSTOMERS_PAGE_TYPE'),
        'customerRef',
      ),
    },
    [env('BENCH_PEER_LINE_ITEM_TYPE')]: {
      product: batchedLookup(
        env('BENCH_PEER_LIST_PRODUCTS'),
        env('BENCH_PEER_PRODUCTS_PAGE_TYPE'),
        'productRef',
      ),
    },
  },
});
