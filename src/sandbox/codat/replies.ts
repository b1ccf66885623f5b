import { Seeded, hashSeed } from '../commerce-data/seeded.js';
import type { SandboxReply, SandboxRequest } from '../framework.js';
import type { CodatDatasets } from './datasets.js';
import type { CodatCompanyState, CodatConnectionState, CodatState } from './state.js';

/**
 * What every Codat handler shares: Codat's error body, its paging parameters and envelope, and
 * the company and connection lookups that answer 404 in Codat's words.
 */

export const CODAT_MAX_PAGE_SIZE = 5000;
const DEFAULT_PAGE_SIZE = 100;

/** The parts a Codat handler reads and changes. */
export interface CodatContext {
  state: CodatState;
  datasets: CodatDatasets;
  errors: CodatErrors;
}

export type CodatHandler = (req: SandboxRequest) => SandboxReply;

export class CodatErrors {
  // Correlation ids come from their own stream so that errors never shift the generated ids.
  private readonly correlation: Seeded;

  constructor(seed: number) {
    this.correlation = new Seeded(hashSeed(seed, 'codat-correlation'));
  }

  error(
    statusCode: number,
    message: string,
    service = 'PublicApi',
    validationErrors?: Array<{ itemId: string; message: string }>,
  ): SandboxReply {
    return {
      status: statusCode,
      body: {
        statusCode,
        service,
        error: message,
        correlationId: this.correlation.hex(32),
        // Codat's published ErrorMessage has `validation` as an object: present only with results.
        ...(validationErrors
          ? {
              validation: {
                errors: validationErrors.map((e) => ({ ...e, validatorName: 'Sandbox' })),
                warnings: [],
              },
            }
          : {}),
        canBeRetried: statusCode === 409 || statusCode >= 500 ? 'True' : 'Unknown',
        detailedErrorCode: 0,
      },
    };
  }

  badRequest(message: string, itemId?: string): SandboxReply {
    return this.error(400, message, 'PublicApi', itemId ? [{ itemId, message }] : undefined);
  }
}

/** `page` and `pageSize` as Codat validates them. */
export function parsePaging(
  req: SandboxRequest,
  errors: CodatErrors,
): { page: number; pageSize: number } | SandboxReply {
  const rawPage = req.query.get('page');
  const rawSize = req.query.get('pageSize');
  const page = rawPage === null ? 1 : Number(rawPage);
  const pageSize = rawSize === null ? DEFAULT_PAGE_SIZE : Number(rawSize);
  if (!Number.isInteger(page) || page < 1)
    return errors.badRequest('Page number must be an integer greater than or equal to 1.', 'page');
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > CODAT_MAX_PAGE_SIZE) {
    return errors.badRequest(
      `Page size must be an integer between 1 and ${CODAT_MAX_PAGE_SIZE}.`,
      'pageSize',
    );
  }
  return { page, pageSize };
}

/** One page of `items` in Codat's envelope, with `_links` that keep `extra` query parameters. */
export function envelope<T>(
  basePath: string,
  items: readonly T[],
  page: number,
  pageSize: number,
  extra: URLSearchParams,
) {
  const href = (p: number) => {
    const q = new URLSearchParams({ page: String(p), pageSize: String(pageSize) });
    for (const [k, v] of extra) q.set(k, v);
    return { href: `${basePath}?${q.toString()}` };
  };
  const start = (page - 1) * pageSize;
  return {
    results: items.slice(start, start + pageSize),
    pageNumber: page,
    pageSize,
    totalResults: items.length,
    _links: {
      self: { href: basePath },
      current: href(page),
      ...(start + pageSize < items.length ? { next: href(page + 1) } : {}),
      ...(page > 1 ? { previous: href(page - 1) } : {}),
    },
  };
}

export function findCompany(
  { state, errors }: CodatContext,
  req: SandboxRequest,
): CodatCompanyState | SandboxReply {
  const id = req.params['companyId'] ?? '';
  return (
    state.companies.get(id) ?? errors.error(404, `No company was found with ID ${id}`, 'ClientsApi')
  );
}

export function findConnection(
  { errors }: CodatContext,
  company: CodatCompanyState,
  req: SandboxRequest,
): CodatConnectionState | SandboxReply {
  const id = req.params['connectionId'] ?? '';
  return (
    company.connections.find((c) => c.id === id) ??
    errors.error(404, `Data connection ${id} not found`)
  );
}
