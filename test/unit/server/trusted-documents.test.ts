import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { buildSchema } from '../../../src/server/schema.js';
import { createModules } from '../../../src/modules/index.js';
import {
  TrustedDocuments,
  TrustedDocumentsError,
  sha256Hex,
  trustedDocumentStore,
} from '../../../src/server/trusted-documents.js';

const schema = buildSchema(createModules());
const VIEWER = 'query Viewer { viewer { workspace { handle } } }';
const HEX = sha256Hex(VIEWER);

describe('trusted documents', () => {
  it('finds a document by manifest id, in both sha256 forms, and by its exact text', () => {
    const bare = TrustedDocuments.fromManifest({ [HEX]: VIEWER }, schema, []);
    const prefixed = TrustedDocuments.fromManifest({ [`sha256:${HEX}`]: VIEWER }, schema, []);
    for (const docs of [bare, prefixed]) {
      expect(docs.find(HEX)?.text).toBe(VIEWER);
      expect(docs.find(`sha256:${HEX}`)?.text).toBe(VIEWER);
      expect(docs.findText(VIEWER)?.text).toBe(VIEWER);
      expect(docs.findText(`${VIEWER} `)).toBeUndefined();
    }
    expect(bare.find(HEX.replace(/^./, 'x'))).toBeUndefined();
  });

  it('refuses a manifest that is not an object of id → valid document', () => {
    expect(() => TrustedDocuments.fromManifest([VIEWER], schema, [])).toThrow(
      TrustedDocumentsError,
    );
    expect(() => TrustedDocuments.fromManifest({ a: 1 }, schema, [])).toThrow(
      /document a is not a string/,
    );
    expect(() => TrustedDocuments.fromManifest({ a: '{ viewer' }, schema, [])).toThrow(
      /document a does not parse/,
    );
  });

  it('the document store keeps trusted documents pinned and never replaces them', async () => {
    const trusted = TrustedDocuments.fromManifest({ v1: VIEWER }, schema, []);
    const store = trustedDocumentStore(trusted);
    const key = `schemahash:${HEX}`;
    const pinned = await store.get(key);
    expect(pinned).toBe(trusted.find('v1')!.document);
    await store.set(key, parse('{ other }'));
    expect(await store.get(key)).toBe(pinned);
    // Other documents are kept as Apollo keeps them.
    const other = parse('{ viewer { principal { kind } } }');
    await store.set('schemahash:abc', other);
    expect(await store.get('schemahash:abc')).toBe(other);
  });
});
