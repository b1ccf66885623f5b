import { isReply, type SandboxReply, type SandboxRequest } from '../framework.js';
import { CODAT_COMMERCE_DATA_TYPES, type CodatCommerceDataType } from './data.js';
import { companyJson, connectionJson, dataStatusJson, operationJson } from './json.js';
import {
  envelope,
  findCompany,
  findConnection,
  parsePaging,
  type CodatContext,
  type CodatHandler,
} from './replies.js';
import {
  CODAT_PLATFORMS,
  isCommerceDataType,
  linkedConnection,
  type CodatCompanyState,
  type PullOperation,
} from './state.js';

/** Codat's documented company-name pattern. */
const COMPANY_NAME = /^[A-Za-z0-9\s\-',&@.,?!]+$/;

/**
 * Codat's platform API: companies, their data connections, and dataset syncs (queue one or all,
 * status, history).
 */
export function platformHandlers(ctx: CodatContext) {
  const { state, errors } = ctx;

  const createCompany: CodatHandler = (req) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const name = body['name'];
    if (typeof name !== 'string' || !name.trim())
      return errors.badRequest('Company name is required.', 'name');
    if (!COMPANY_NAME.test(name))
      return errors.badRequest('Company name contains characters that are not allowed.', 'name');
    const description = body['description'];
    if (description !== undefined && typeof description !== 'string')
      return errors.badRequest('Description must be a string.', 'description');
    const platformType = body['platformType'];
    if (
      platformType !== undefined &&
      (typeof platformType !== 'string' || !CODAT_PLATFORMS[platformType.toLowerCase()])
    ) {
      return errors.badRequest(
        `Integration with key ${String(platformType)} not found.`,
        'platformType',
      );
    }
    const company = state.createCompany(name.trim(), description, req.baseUrl, platformType);
    return { status: 200, body: companyJson(company) };
  };

  const listCompanies: CodatHandler = (req) => {
    const p = parsePaging(req, errors);
    if (isReply(p)) return p;
    return {
      status: 200,
      body: envelope(
        '/companies',
        [...state.companies.values()].map(companyJson),
        p.page,
        p.pageSize,
        new URLSearchParams(),
      ),
    };
  };

  const getCompany: CodatHandler = (req) => {
    const company = findCompany(ctx, req);
    return isReply(company) ? company : { status: 200, body: companyJson(company) };
  };

  const listConnections: CodatHandler = (req) => {
    const company = findCompany(ctx, req);
    if (isReply(company)) return company;
    const p = parsePaging(req, errors);
    if (isReply(p)) return p;
    return {
      status: 200,
      body: envelope(
        `/companies/${company.id}/connections`,
        company.connections.map(connectionJson),
        p.page,
        p.pageSize,
        new URLSearchParams(),
      ),
    };
  };

  const postConnection: CodatHandler = (req) => {
    const company = findCompany(ctx, req);
    if (isReply(company)) return company;
    const platformKey = (req.body as Record<string, unknown> | undefined)?.['platformKey'];
    if (typeof platformKey !== 'string' || !CODAT_PLATFORMS[platformKey.toLowerCase()]) {
      return errors.badRequest(
        `Integration with key ${String(platformKey)} not found.`,
        'platformKey',
      );
    }
    return {
      status: 200,
      body: connectionJson(state.createConnection(company, req.baseUrl, platformKey)),
    };
  };

  const getConnection: CodatHandler = (req) => {
    const company = findCompany(ctx, req);
    if (isReply(company)) return company;
    const connection = findConnection(ctx, company, req);
    return isReply(connection) ? connection : { status: 200, body: connectionJson(connection) };
  };

  const patchConnection: CodatHandler = (req) => {
    const company = findCompany(ctx, req);
    if (isReply(company)) return company;
    const connection = findConnection(ctx, company, req);
    if (isReply(connection)) return connection;
    const status = (req.body as Record<string, unknown> | undefined)?.['status'];
    if (status !== 'Unlinked')
      return errors.badRequest('Only status "Unlinked" can be set.', 'status');
    connection.status = 'Unlinked';
    return { status: 200, body: connectionJson(connection) };
  };

  const dataStatus: CodatHandler = (req) => {
    const company = findCompany(ctx, req);
    return isReply(company) ? company : { status: 200, body: dataStatusJson(company) };
  };

  const queue = (
    req: SandboxRequest,
    dataTypes: readonly CodatCommerceDataType[],
  ): SandboxReply | { company: CodatCompanyState; ops: PullOperation[] } => {
    const company = findCompany(ctx, req);
    if (isReply(company)) return company;
    const wanted = req.query.get('connectionId');
    if (wanted !== null && !company.connections.some((c) => c.id === wanted)) {
      return errors.error(404, `Data connection ${wanted} not found`);
    }
    const connection = wanted
      ? company.connections.find((c) => c.id === wanted && c.status === 'Linked')
      : linkedConnection(company);
    if (!connection) {
      return errors.badRequest(
        `Company ${company.id} has no linked data connection.`,
        'connectionId',
      );
    }
    return { company, ops: dataTypes.map((t) => state.startOperation(company, t, connection.id)) };
  };

  const queueDataType: CodatHandler = (req) => {
    const dataType = req.params['dataType'] ?? '';
    if (!isCommerceDataType(dataType))
      return errors.badRequest(
        `Data type ${dataType} is not supported by this sandbox.`,
        'dataType',
      );
    const result = queue(req, [dataType]);
    if (isReply(result)) return result;
    const [op] = result.ops;
    return { status: 200, body: op ? operationJson(result.company, op, Date.now()) : {} };
  };

  const queueAll: CodatHandler = (req) => {
    const result = queue(req, CODAT_COMMERCE_DATA_TYPES);
    if (isReply(result)) return result;
    const now = Date.now();
    return { status: 200, body: result.ops.map((op) => operationJson(result.company, op, now)) };
  };

  const history: CodatHandler = (req) => {
    const company = findCompany(ctx, req);
    if (isReply(company)) return company;
    const p = parsePaging(req, errors);
    if (isReply(p)) return p;
    const now = Date.now();
    const ops = [...company.operations].reverse().map((op) => operationJson(company, op, now));
    return {
      status: 200,
      body: envelope(
        `/companies/${company.id}/data/history`,
        ops,
        p.page,
        p.pageSize,
        new URLSearchParams(),
      ),
    };
  };

  return {
    createCompany,
    listCompanies,
    getCompany,
    listConnections,
    postConnection,
    getConnection,
    patchConnection,
    dataStatus,
    queueDataType,
    queueAll,
    history,
  };
}
