import { ErrorCode } from '../errors.js';
import type { TrustedDocuments } from './trusted-documents.js';

/**
 * - `off`: no manifest; Apollo's automatic persisted queries (APQ) work as usual.
 * - `allow`: trusted documents run by id without being parsed or validated again; any other
 *   document still runs, and APQ registration still works.
 * - `only`: callers without the admin role run trusted documents only; admins (GraphiQL,
 *   introspection, support) may still send any document.
 */
export type TrustedDocumentsMode = 'off' | 'allow' | 'only';

export interface TrustedDocumentsPolicy {
  mode: TrustedDocumentsMode;
  /** Present unless the mode is `off`. */
  documents: TrustedDocuments | undefined;
}

/** A GraphQL-over-HTTP request as Apollo Server is about to receive it. */
export interface GraphQLHttpParts {
  method: string;
  body: unknown;
  search: string;
}

export type TrustedResolution =
  | { kind: 'run'; body: unknown; search: string }
  | { kind: 'refuse'; status: number; code: ErrorCode; message: string };

/**
 * Decides what a request runs before Apollo sees it. A request naming a trusted document
 * (GraphQL-over-HTTP `documentId`, or Apollo's `extensions.persistedQuery.sha256Hash`) is handed
 * to Apollo with the document's text, which Apollo finds already parsed and validated in its
 * document store (trusted-documents.ts). Refusals happen here, before any resolver: nothing runs
 * upstream or in the store.
 */
export function resolveTrustedDocument(
  request: GraphQLHttpParts,
  policy: TrustedDocumentsPolicy,
  isAdmin: boolean,
): TrustedResolution {
  const fields = readFields(request);
  if (!fields) return { kind: 'run', body: request.body, search: request.search };
  const { documentId, persistedHash, query } = fields;
  const documents = policy.mode === 'off' ? undefined : policy.documents;

  if (!documents) {
    // Apollo answers persistedQuery extensions itself (APQ); a documentId needs a manifest.
    if (documentId === undefined)
      return { kind: 'run', body: request.body, search: request.search };
    return refuse(
      200,
      ErrorCode.PERSISTED_QUERY_NOT_SUPPORTED,
      'This gateway has no trusted documents',
    );
  }

  const id = documentId ?? persistedHash;
  if (id !== undefined) {
    const trusted = documents.find(id);
    if (trusted) return { kind: 'run', ...withText(request, trusted.text) };
    // Unknown to the manifest: APQ (Apollo) may still know the hash, unless only trusted
    // documents may run for this caller.
    if (documentId === undefined && (policy.mode === 'allow' || isAdmin)) {
      return { kind: 'run', body: request.body, search: request.search };
    }
    return refuse(200, ErrorCode.PERSISTED_QUERY_NOT_FOUND, 'PersistedQueryNotFound');
  }
  if (policy.mode === 'allow' || isAdmin) {
    return { kind: 'run', body: request.body, search: request.search };
  }
  if (typeof query === 'string' && documents.findText(query)) {
    return { kind: 'run', body: request.body, search: request.search };
  }
  return refuse(
    400,
    ErrorCode.PERSISTED_QUERY_NOT_FOUND,
    'This gateway runs only trusted documents: send the documentId (or persistedQuery hash) of a document in its manifest',
  );
}

/**
 * The same rule for a graphql-ws `subscribe` message, which carries the document's text: in
 * `only` mode a caller without the admin role runs a trusted document's exact text or nothing.
 * Returns why it is refused, or undefined.
 */
export function refuseUntrustedSocketDocument(
  query: string,
  policy: TrustedDocumentsPolicy,
  isAdmin: boolean,
): string | undefined {
  if (policy.mode !== 'only' || isAdmin || policy.documents?.findText(query)) return undefined;
  return 'This gateway runs only trusted documents: subscribe with the exact text of a document in its manifest';
}

function refuse(status: number, code: ErrorCode, message: string): TrustedResolution {
  return { kind: 'refuse', status, code, message };
}

interface RequestFields {
  documentId: string | undefined;
  persistedHash: string | undefined;
  query: unknown;
}

/** The fields that name a document; undefined for a body Apollo will refuse on its own. */
function readFields({ method, body, search }: GraphQLHttpParts): RequestFields | undefined {
  if (method === 'GET') {
    const params = new URLSearchParams(search);
    return {
      documentId: params.get('documentId') ?? undefined,
      persistedHash: hashOf(parseJsonObject(params.get('extensions'))),
      query: params.get('query') ?? undefined,
    };
  }
  if (!isObject(body)) return undefined;
  const documentId = body['documentId'];
  return {
    documentId: typeof documentId === 'string' ? documentId : undefined,
    persistedHash: hashOf(body['extensions']),
    query: body['query'],
  };
}

/** The request with the trusted text as its query, and the id fields Apollo does not take away. */
function withText(request: GraphQLHttpParts, text: string): { body: unknown; search: string } {
  if (request.method === 'GET') {
    const params = new URLSearchParams(request.search);
    params.delete('documentId');
    params.set('query', text);
    const extensions = withoutPersistedQuery(parseJsonObject(params.get('extensions')));
    if (extensions) params.set('extensions', JSON.stringify(extensions));
    else params.delete('extensions');
    return { body: request.body, search: `?${params.toString()}` };
  }
  const { documentId: _documentId, extensions, ...rest } = request.body as Record<string, unknown>;
  const kept = withoutPersistedQuery(extensions);
  return {
    body: { ...rest, query: text, ...(kept ? { extensions: kept } : {}) },
    search: request.search,
  };
}

/**
 * Apollo would check a persistedQuery hash against the text's sha256 (a client preset manifest
 * keyed by sha1 fails that) and register the text under it again: the trusted text needs neither.
 */
function withoutPersistedQuery(extensions: unknown): Record<string, unknown> | undefined {
  if (!isObject(extensions)) return undefined;
  const { persistedQuery: _persistedQuery, ...rest } = extensions;
  return Object.keys(rest).length > 0 ? rest : undefined;
}

function hashOf(extensions: unknown): string | undefined {
  if (!isObject(extensions)) return undefined;
  const persisted = extensions['persistedQuery'];
  if (!isObject(persisted)) return undefined;
  const hash = persisted['sha256Hash'];
  return typeof hash === 'string' ? hash : undefined;
}

function parseJsonObject(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // Apollo answers a malformed `extensions` parameter itself.
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
