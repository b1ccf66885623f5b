import { toExactJson } from '../commerce-data/exact-json.js';
import { isReply } from '../framework.js';
import { QARD_LISTS, type QardList } from './data.js';
import {
  envelope,
  findUser,
  parsePaging,
  qardError,
  type QardContext,
  type QardHandler,
} from './replies.js';
import { isSynced } from './state.js';

/**
 * The commerce lists and single records of a user: empty (lists) or 404 (records) until a sync
 * of their data type has succeeded.
 */
export function commerceHandlers({ state, records }: QardContext) {
  const listCommerce =
    (list: QardList): QardHandler =>
    (req) => {
      const user = findUser(state, req);
      if (isReply(user)) return user;
      const p = parsePaging(req);
      if (isReply(p)) return p;
      const served = isSynced(user, QARD_LISTS[list]) ? records.of(user)[list] : [];
      const page = envelope(served, p.page, p.perPage);
      return {
        status: 200,
        json: toExactJson({ ...page, result: page.result.map(records.recordJson) }),
      };
    };

  const getCommerce =
    (list: QardList): QardHandler =>
    (req) => {
      const user = findUser(state, req);
      if (isReply(user)) return user;
      const id = req.params['recordId'];
      const record = isSynced(user, QARD_LISTS[list])
        ? records.of(user)[list].find((r) => r.id === id)
        : undefined;
      return record
        ? { status: 200, json: records.recordJson(record).text }
        : qardError(404, 'NOT_FOUND', `Record ${id ?? ''} not found`);
    };

  return { listCommerce, getCommerce };
}
