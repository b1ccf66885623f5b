import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_CODAT_API_KEY } from '../../../src/sandbox/codat/simulator.js';
import { startSandbox, type Sandbox } from '../../../src/sandbox/index.js';
import { COMMERCE_DATASETS } from '../../../src/modules/commerce/model.js';

/**
 * The Codat sandbox answers as Codat's own published OpenAPI documents say (vendored unchanged
 * in test/fixtures/codat/): every answer is validated against the schema the published document
 * gives for that path, method and status. codat-openapi.test.ts checks our own, stricter
 * codat.yaml; this one checks that codat.yaml and the sandbox have not drifted from Codat.
 */

interface OpenApi {
  paths: Record<
    string,
    Record<
      string,
      {
        responses?: Record<
          string,
          { content?: Record<string, { schema?: unknown }> } | { $ref: string }
        >;
      }
    >
  >;
  components: { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> };
}

const load = (name: string) =>
  JSON.parse(
    readFileSync(new URL(`../../fixtures/codat/${name}`, import.meta.url), 'utf8'),
  ) as OpenApi;
const documents = {
  commerce: load('codat-commerce.openapi.json'),
  platform: load('codat-platform.openapi.json'),
};

/**
 * The documents are OpenAPI 3.1, whose schemas are JSON Schema 2020-12; a few still carry 3.0's
 * `nullable`, which 3.1 dropped (it means nothing there, and Ajv refuses it without `type`).
 */
function withoutNullable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNullable);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key, v]) => !(key === 'nullable' && typeof v === 'boolean'))
      .map(([key, v]) => [key, withoutNullable(v)]),
  );
}

// `format` and Codat's `x-` keywords are annotations here.
const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
for (const [id, doc] of Object.entries(documents))
  ajv.addSchema(withoutNullable(doc) as object, id);

/** The published schema of an answer: the path template matching `path`, the method, the status. */
function publishedSchema(method: string, path: string, status: number): ValidateFunction {
  const bare = path.split('?')[0]!;
  for (const [id, doc] of Object.entries(documents)) {
    for (const [template, operations] of Object.entries(doc.paths)) {
      const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
      if (!pattern.test(bare)) continue;
      const response = operations[method]?.responses?.[String(status)];
      if (!response) continue;
      const resolved =
        '$ref' in response
          ? doc.components.responses?.[response.$ref.split('/').at(-1)!]
          : response;
      const schema = resolved?.content?.['application/json']?.schema as { $ref?: string };
      if (!schema?.$ref) continue;
      return ajv.compile({ $ref: `${id}${schema.$ref}` });
    }
  }
  throw new Error(`Codat publishes no ${status} answer for ${method.toUpperCase()} ${bare}`);
}

let sandbox: Sandbox;
const checked: string[] = [];

async function call(method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(sandbox.urls.codat + path, {
    method: method.toUpperCase(),
    headers: {
      authorization: `Basic ${Buffer.from(SANDBOX_CODAT_API_KEY).toString('base64')}`,
      'content-type': 'application/json',
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await res.json()) as unknown;
  const validate = publishedSchema(method, path, res.status);
  const ok = validate(json);
  expect(ok ? [] : validate.errors?.slice(0, 5), `${method} ${path} ${res.status}`).toEqual([]);
  checked.push(`${method} ${path.split('?')[0]} ${res.status}`);
  return json;
}

let companyId: string;
let connectionId: string;
let data: string;

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 11 });
});
afterAll(() => sandbox.close());

describe("the Codat sandbox answers as Codat's published OpenAPI says", () => {
  it('creates a company with its connection, and reads them back', async () => {
    const company = (await call('post', '/companies', {
      name: 'Published Co',
      platformType: 'shopify',
    })) as { id: string; dataConnections: Array<{ id: string }> };
    companyId = company.id;
    connectionId = company.dataConnections[0]!.id;
    data = `/companies/${companyId}/connections/${connectionId}/data`;
    await call('get', `/companies/${companyId}`);
    await call('get', '/companies');
    await call('get', `/companies/${companyId}/connections`);
    await call('get', `/companies/${companyId}/connections/${connectionId}`);
    await call('get', `/companies/${companyId}/dataStatus`);
  });

  it('answers 409 as Codat does before a dataset is synced', async () => {
    const conflict = (await call('get', `${data}/commerce-orders`)) as { statusCode: number };
    expect(conflict.statusCode).toBe(409);
  });

  it('serves every commerce dataset, each record by id, and company info', async () => {
    sandbox.codat.authorize(companyId);
    sandbox.codat.completeSync(companyId);
    for (const dataset of COMMERCE_DATASETS) {
      const page = (await call('get', `${data}/commerce-${dataset}?page=1&pageSize=100`)) as {
        results: Array<{ id: string }>;
      };
      expect(page.results.length, dataset).toBeGreaterThan(0);
      await call('get', `${data}/commerce-${dataset}/${page.results[0]!.id}`);
    }
    await call('get', `${data}/commerce-info`);
  });

  it('answers errors with the published error body', async () => {
    await call('get', '/companies/00000000-0000-0000-0000-000000000000');
    await call('get', `${data}/commerce-orders?pageSize=9000`);
  });

  it('unlinks a connection with the published PATCH', async () => {
    const connection = (await call('patch', `/companies/${companyId}/connections/${connectionId}`, {
      status: 'Unlinked',
    })) as { status: string };
    expect(connection.status).toBe('Unlinked');
    expect(checked.length).toBeGreaterThanOrEqual(24);
  });
});
