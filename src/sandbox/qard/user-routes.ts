import { isReply } from '../framework.js';
import { QARD_COMMERCE_TYPES, type QardCommerceType } from './data.js';
import { connectionJson, syncJson, userJson } from './json.js';
import {
  envelope,
  findConnection,
  findUser,
  parsePaging,
  qardError,
  type QardHandler,
} from './replies.js';
import { connectedConnection, syncStatus, type QardState } from './state.js';

const validTypes = (value: unknown): value is QardCommerceType[] =>
  Array.isArray(value) &&
  value.length > 0 &&
  value.every((t) => (QARD_COMMERCE_TYPES as readonly unknown[]).includes(t));

/** Users, their data connections and their syncs. */
export function userHandlers(state: QardState) {
  const createUser: QardHandler = (req) => {
    const name = (req.body as Record<string, unknown> | undefined)?.['name'];
    if (typeof name !== 'string' || !name.trim())
      return qardError(400, 'VALIDATION_ERROR', 'name is required', 'name');
    return { status: 201, body: userJson(state.createUser(name.trim())) };
  };

  const getUser: QardHandler = (req) => {
    const user = findUser(state, req);
    return isReply(user) ? user : { status: 200, body: userJson(user) };
  };

  const createConnection: QardHandler = (req) => {
    const user = findUser(state, req);
    if (isReply(user)) return user;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const provider = state.providers.get(String(body['provider_name'] ?? ''));
    if (!provider)
      return qardError(
        400,
        'VALIDATION_ERROR',
        `Unknown provider ${String(body['provider_name'])}`,
        'provider_name',
      );
    if (!provider.enabled)
      return qardError(
        400,
        'PROVIDER_DISABLED',
        `Provider ${provider.name} is not enabled`,
        'provider_name',
      );
    const requested = body['requested_data_types'];
    if (!validTypes(requested)) {
      return qardError(
        400,
        'VALIDATION_ERROR',
        `requested_data_types must be a non-empty list of ${QARD_COMMERCE_TYPES.join(', ')}`,
        'requested_data_types',
      );
    }
    const connection = state.createConnection(user, provider.name, requested);
    return { status: 201, body: connectionJson(connection, req.baseUrl) };
  };

  const listConnections: QardHandler = (req) => {
    const user = findUser(state, req);
    if (isReply(user)) return user;
    const p = parsePaging(req);
    if (isReply(p)) return p;
    return {
      status: 200,
      body: envelope(
        user.connections.map((c) => connectionJson(c, req.baseUrl)),
        p.page,
        p.perPage,
      ),
    };
  };

  const getConnection: QardHandler = (req) => {
    const user = findUser(state, req);
    if (isReply(user)) return user;
    const connection = findConnection(user, req);
    return isReply(connection)
      ? connection
      : { status: 200, body: connectionJson(connection, req.baseUrl) };
  };

  const patchConnection: QardHandler = (req) => {
    const user = findUser(state, req);
    if (isReply(user)) return user;
    const connection = findConnection(user, req);
    if (isReply(connection)) return connection;
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (body['status'] !== undefined) {
      if (body['status'] !== 'DISCONNECTED')
        return qardError(
          400,
          'VALIDATION_ERROR',
          'status can only be set to DISCONNECTED',
          'status',
        );
      connection.status = 'DISCONNECTED';
    }
    if (body['requested_data_types'] !== undefined) {
      if (!validTypes(body['requested_data_types']))
        return qardError(
          400,
          'VALIDATION_ERROR',
          'invalid requested_data_types',
          'requested_data_types',
        );
      connection.requestedDataTypes = [...new Set(body['requested_data_types'])];
    }
    connection.updatedAt = new Date().toISOString();
    return { status: 200, body: connectionJson(connection, req.baseUrl) };
  };

  const postSync: QardHandler = (req) => {
    const user = findUser(state, req);
    if (isReply(user)) return user;
    const dataTypes = (req.body as Record<string, unknown> | undefined)?.['data_types'];
    if (!validTypes(dataTypes)) {
      return qardError(
        400,
        'VALIDATION_ERROR',
        `data_types must be a non-empty list of ${QARD_COMMERCE_TYPES.join(', ')}`,
        'data_types',
      );
    }
    if (!connectedConnection(user))
      return qardError(
        400,
        'NO_CONNECTED_DATA_CONNECTION',
        'The user has no CONNECTED data connection',
      );
    const now = Date.now();
    const running = user.syncs.find(
      (s) => syncStatus(s, now) !== 'SUCCESS' && s.dataTypes.some((t) => dataTypes.includes(t)),
    );
    if (running)
      return qardError(
        409,
        'SYNC_ALREADY_RUNNING',
        `A sync of ${running.dataTypes.filter((t) => dataTypes.includes(t)).join(', ')} is already running`,
      );
    const sync = state.startSync(user, dataTypes, now);
    return { status: 201, body: syncJson(user, sync, now) };
  };

  const listSyncs: QardHandler = (req) => {
    const user = findUser(state, req);
    if (isReply(user)) return user;
    const p = parsePaging(req);
    if (isReply(p)) return p;
    const now = Date.now();
    return {
      status: 200,
      body: envelope(
        [...user.syncs].reverse().map((s) => syncJson(user, s, now)),
        p.page,
        p.perPage,
      ),
    };
  };

  const latestSync: QardHandler = (req) => {
    const user = findUser(state, req);
    if (isReply(user)) return user;
    const latest = user.syncs.at(-1);
    return latest
      ? { status: 200, body: syncJson(user, latest, Date.now()) }
      : qardError(404, 'NOT_FOUND', 'The user has no sync yet');
  };

  return {
    createUser,
    getUser,
    createConnection,
    listConnections,
    getConnection,
    patchConnection,
    postSync,
    listSyncs,
    latestSync,
  };
}
