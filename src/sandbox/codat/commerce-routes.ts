import { toExactJson } from '../commerce-data/exact-json.js';
import { isReply, type SandboxReply, type SandboxRequest } from '../framework.js';
import type { CodatCommerceDataType, CodatListDataset } from './data.js';
import { recordsWithIds } from './datasets.js';
import { QueryError, idsOnly, matches, parseQuery, queryFields, type QueryNode } from './query.js';
import {
  envelope,
  findCompany,
  findConnection,
  parsePaging,
  type CodatContext,
  type CodatHandler,
} from './replies.js';
import {
  latestOperation,
  operationStatus,
  type CodatCompanyState,
  type CodatConnectionState,
} from './state.js';

/**
 * Codat's commerce API: each dataset of a connection, served only once its latest sync is
 * complete (409 before), with Codat's paging, `query` and `orderBy`, and single records by id.
 */
export function commerceHandlers(ctx: CodatContext) {
  const { datasets, errors } = ctx;

  const notReady = (
    company: CodatCompanyState,
    dataType: CodatCommerceDataType,
  ): SandboxReply | undefined => {
    const now = Date.now();
    const latest = latestOperation(company, dataType);
    if (!latest) return errors.error(409, 'The data set has not been requested.');
    if (operationStatus(latest, now) !== 'Complete')
      return errors.error(
        409,
        `The data set is being synced (status ${operationStatus(latest, now)}); try again once the sync is complete.`,
      );
    return undefined;
  };

  const commerceScope = (
    req: SandboxRequest,
  ): { company: CodatCompanyState; connection: CodatConnectionState } | SandboxReply => {
    const company = findCompany(ctx, req);
    if (isReply(company)) return company;
    const connection = findConnection(ctx, company, req);
    if (isReply(connection)) return connection;
    return { company, connection };
  };

  const unknownProperty = (name: string) =>
    errors.error(
      400,
      `Error parsing query - Could not resolve property ${name} on Dataset`,
      'PullApi',
    );

  const listDataset =
    (dataset: CodatListDataset): CodatHandler =>
    (req) => {
      const scope = commerceScope(req);
      if (isReply(scope)) return scope;
      const { company, connection } = scope;
      const p = parsePaging(req, errors);
      if (isReply(p)) return p;
      const fields = datasets.fieldsOf(company, dataset);
      const extra = new URLSearchParams();
      let filter: QueryNode | undefined;
      const query = req.query.get('query');
      if (query !== null) {
        try {
          filter = parseQuery(query);
        } catch (e) {
          return errors.error(
            400,
            e instanceof QueryError ? e.message : 'Error parsing query - Malformed query.',
            'PullApi',
          );
        }
        const unknown = queryFields(filter).find((f) => !fields.has(f.split('.')[0] ?? ''));
        if (unknown) return unknownProperty(unknown);
        extra.set('query', query);
      }
      const orderBy = req.query.get('orderBy') ?? 'createdDate';
      if (!fields.has(orderBy.replace(/^-/, ''))) return unknownProperty(orderBy.replace(/^-/, ''));
      if (req.query.has('orderBy')) extra.set('orderBy', orderBy);
      const blocked = notReady(company, dataset);
      if (blocked) return blocked;
      const view = datasets.sorted(company, dataset, orderBy);
      const ids = filter && idsOnly(filter);
      const items = ids
        ? recordsWithIds(view, ids)
        : filter
          ? view.records.filter((r) => matches(r, filter))
          : view.records;
      const basePath = `/companies/${company.id}/connections/${connection.id}/data/${dataset}`;
      const page = envelope(basePath, items, p.page, p.pageSize, extra);
      return {
        status: 200,
        json: toExactJson({ ...page, results: page.results.map(datasets.recordJson) }),
      };
    };

  const getRecord =
    (dataset: CodatListDataset): CodatHandler =>
    (req) => {
      const scope = commerceScope(req);
      if (isReply(scope)) return scope;
      const blocked = notReady(scope.company, dataset);
      if (blocked) return blocked;
      const id = req.params['recordId'] ?? '';
      const record = datasets.recordById(scope.company, dataset, id);
      if (!record) return errors.error(404, `No ${dataset} record was found with ID ${id}`);
      return { status: 200, json: datasets.recordJson(record).text };
    };

  const companyInfo: CodatHandler = (req) => {
    const scope = commerceScope(req);
    if (isReply(scope)) return scope;
    const blocked = notReady(scope.company, 'commerce-companyInfo');
    if (blocked) return blocked;
    return { status: 200, json: datasets.recordJson(datasets.of(scope.company).info).text };
  };

  return { listDataset, getRecord, companyInfo };
}
