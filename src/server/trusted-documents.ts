import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { KeyValueCache, KeyValueCacheSetOptions } from '@apollo/utils.keyvaluecache';
import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';
import {
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import { ConfigError, type Config } from '../config.js';

/**
 * Trusted (persisted) documents: the operations our own apps ship, known to the gateway ahead of
 * time by id. The manifest is what graphql-codegen's client preset writes with
 * `persistedDocuments: true` (`persisted-documents.json`): one JSON object mapping each
 * document's id (its hash: sha1 hex by default, `sha256:<hex>` or whatever the app configured)
 * to the document's text.
 *
 * Every document is parsed and validated once, when the manifest is loaded, with the same rules
 * as any request (limits and depth included); a request naming one reuses that parsed, validated
 * document (and so the operation graphql-jit compiled for it) and skips both steps.
 */
export interface TrustedDocument {
  id: string;
  text: string;
  document: DocumentNode;
  /** sha256 hex of the text: what Apollo keys parsed documents by. */
  textHash: string;
}

/** A manifest the gateway cannot start with: start-up stops with one line naming the entry. */
export class TrustedDocumentsError extends ConfigError {
  override name = 'TrustedDocumentsError';
}

/** Largest manifest read, so a wrong path (a log, a dump) fails clearly instead of filling memory. */
const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;

export class TrustedDocuments {
  private readonly byId = new Map<string, TrustedDocument>();
  private readonly byTextHash = new Map<string, TrustedDocument>();

  private constructor(documents: TrustedDocument[]) {
    for (const doc of documents) {
      this.byId.set(doc.id, doc);
      this.byTextHash.set(doc.textHash, doc);
    }
  }

  /**
   * Reads a manifest: every entry must be a string id mapped to a document that parses and
   * passes validation against `schema`, or loading fails naming the first entry that does not.
   */
  static fromManifest(
    manifest: unknown,
    schema: GraphQLSchema,
    rules: ReadonlyArray<ValidationRule>,
    source = 'manifest',
  ): TrustedDocuments {
    if (manifest === null || typeof manifest !== 'object' || Array.isArray(manifest)) {
      throw new TrustedDocumentsError(
        `${source}: expected a JSON object of document id → document text (persisted-documents.json)`,
      );
    }
    const documents: TrustedDocument[] = [];
    for (const [id, text] of Object.entries(manifest as Record<string, unknown>)) {
      if (id.length === 0 || id.length > 256) {
        throw new TrustedDocumentsError(`${source}: document ids must be 1-256 characters`);
      }
      if (typeof text !== 'string') {
        throw new TrustedDocumentsError(`${source}: document ${id} is not a string`);
      }
      let document: DocumentNode;
      try {
        document = parse(text);
      } catch (error) {
        throw new TrustedDocumentsError(
          `${source}: document ${id} does not parse: ${(error as Error).message}`,
        );
      }
      const errors = validate(schema, document, [...specifiedRules, ...rules]);
      if (errors.length > 0) {
        throw new TrustedDocumentsError(
          `${source}: document ${id} is not valid against the schema: ${errors[0]!.message}`,
        );
      }
      documents.push({ id, text, document, textHash: sha256Hex(text) });
    }
    return new TrustedDocuments(documents);
  }

  static async fromFile(
    path: string,
    schema: GraphQLSchema,
    rules: ReadonlyArray<ValidationRule>,
  ): Promise<TrustedDocuments> {
    let raw: string;
    try {
      raw = await readFile(path, 'utf8');
    } catch (error) {
      throw new TrustedDocumentsError(
        `TRUSTED_DOCUMENTS_FILE: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      );
    }
    if (Buffer.byteLength(raw) > MAX_MANIFEST_BYTES) {
      throw new TrustedDocumentsError(
        `TRUSTED_DOCUMENTS_FILE: ${path} is larger than ${MAX_MANIFEST_BYTES} bytes`,
      );
    }
    let manifest: unknown;
    try {
      manifest = JSON.parse(raw);
    } catch (error) {
      throw new TrustedDocumentsError(
        `TRUSTED_DOCUMENTS_FILE: ${path} is not JSON: ${(error as Error).message}`,
      );
    }
    return TrustedDocuments.fromManifest(manifest, schema, rules, `TRUSTED_DOCUMENTS_FILE ${path}`);
  }

  get size(): number {
    return this.byId.size;
  }

  /**
   * The document a client names: by its manifest id, or as a GraphQL-over-HTTP `documentId`
   * (`sha256:<hex>`) for a manifest keyed by bare sha256 hex, or the other way round.
   */
  find(id: string): TrustedDocument | undefined {
    const exact = this.byId.get(id);
    if (exact) return exact;
    if (id.startsWith('sha256:')) return this.byId.get(id.slice('sha256:'.length));
    return /^[0-9a-f]{64}$/.test(id) ? this.byId.get(`sha256:${id}`) : undefined;
  }

  /** The trusted document with exactly this text, if any. */
  findText(text: string): TrustedDocument | undefined {
    return this.byTextHash.get(sha256Hex(text));
  }

  /** The trusted document Apollo would key by this sha256 of a query's text. */
  findTextHash(textHash: string): TrustedDocument | undefined {
    return this.byTextHash.get(textHash);
  }
}

/** The manifest the configuration names, loaded; undefined when trusted documents are off. */
export async function loadTrustedDocuments(
  { mode, file }: Config['trustedDocuments'],
  schema: GraphQLSchema,
  rules: ReadonlyArray<ValidationRule>,
): Promise<TrustedDocuments | undefined> {
  if (mode === 'off' || !file) return undefined;
  return TrustedDocuments.fromFile(file, schema, rules);
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Apollo's store of parsed, validated documents, with the trusted ones pinned: they are never
 * evicted and never replaced, so a request for one finds it whatever else went through the
 * store. Apollo keys entries `<schema hash>:<sha256 of the query text>`. Other documents live in
 * Apollo's usual LRU (about 30 MiB).
 */
export function trustedDocumentStore(
  trusted: TrustedDocuments | undefined,
): KeyValueCache<DocumentNode> {
  const others = new InMemoryLRUCache<DocumentNode>();
  const pinned = (key: string) => trusted?.findTextHash(key.slice(key.lastIndexOf(':') + 1));
  return {
    async get(key: string) {
      return pinned(key)?.document ?? others.get(key);
    },
    async set(key: string, value: DocumentNode, options?: KeyValueCacheSetOptions) {
      if (!pinned(key)) await others.set(key, value, options);
    },
    async delete(key: string) {
      return others.delete(key);
    },
  };
}
