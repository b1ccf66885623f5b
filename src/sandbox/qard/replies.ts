import type { SandboxReply, SandboxRequest } from '../framework.js';
import type { QardRecords } from './records.js';
import type { ProviderState, QardDataConnectionState, QardState, QardUserState } from './state.js';

/**
 * What every Qard handler shares: Qard's error body, its `page`/`per_page` parameters and
 * envelope, and the provider, user and connection lookups that answer 404.
 */

export const QARD_MAX_PER_PAGE = 100;
const DEFAULT_PER_PAGE = 20;

/** The parts a Qard handler reads and changes. */
export interface QardContext {
  state: QardState;
  records: QardRecords;
}

export type QardHandler = (req: SandboxRequest) => SandboxReply;

export function qardError(
  status: number,
  code: string,
  message: string,
  field?: string,
): SandboxReply {
  return {
    status,
    body: { status, code, message, ...(field ? { errors: [{ field, message }] } : {}) },
  };
}

export function parsePaging(req: SandboxRequest): { page: number; perPage: number } | SandboxReply {
  const rawPage = req.query.get('page');
  const rawPer = req.query.get('per_page');
  const page = rawPage === null ? 1 : Number(rawPage);
  const perPage = rawPer === null ? DEFAULT_PER_PAGE : Number(rawPer);
  if (!Number.isInteger(page) || page < 1)
    return qardError(400, 'VALIDATION_ERROR', 'page must be an integer >= 1', 'page');
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > QARD_MAX_PER_PAGE) {
    return qardError(
      400,
      'VALIDATION_ERROR',
      `per_page must be an integer between 1 and ${QARD_MAX_PER_PAGE}`,
      'per_page',
    );
  }
  return { page, perPage };
}

export function envelope<T>(items: readonly T[], page: number, perPage: number) {
  return {
    total: items.length,
    per_page: perPage,
    current_page: page,
    last_page: Math.max(1, Math.ceil(items.length / perPage)),
    result: items.slice((page - 1) * perPage, page * perPage),
  };
}

export function findProvider(state: QardState, req: SandboxRequest): ProviderState | SandboxReply {
  return (
    state.providers.get(req.params['name'] ?? '') ??
    qardError(404, 'NOT_FOUND', `Provider ${req.params['name'] ?? ''} not found`)
  );
}

export function findUser(state: QardState, req: SandboxRequest): QardUserState | SandboxReply {
  return (
    state.users.get(req.params['userId'] ?? '') ??
    qardError(404, 'NOT_FOUND', `User ${req.params['userId'] ?? ''} not found`)
  );
}

export function findConnection(
  user: QardUserState,
  req: SandboxRequest,
): QardDataConnectionState | SandboxReply {
  return (
    user.connections.find((c) => c.id === req.params['connectionId']) ??
    qardError(404, 'NOT_FOUND', `Data connection ${req.params['connectionId'] ?? ''} not found`)
  );
}
