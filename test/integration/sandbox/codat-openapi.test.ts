import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SANDBOX_CODAT_API_KEY } from '../../../src/sandbox/codat/simulator.js';
import { startSandbox, type Sandbox } from '../../../src/sandbox/index.js';
import { COMMERCE_DATASETS } from '../../../src/modules/commerce/model.js';

/**
 * schema/upstreams/codat.yaml must describe exactly what the sandbox serves (the peer gateway is
 * generated from it): every response body is validated against its schema, and record schemas
 * forbid undocumented properties.
 */

const doc = parse(
  readFileSync(new URL('../../../schema/upstreams/codat.yaml', import.meta.url), 'utf8'),
) as {
  paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
};
// OpenAPI's `format: decimal` and `x-extensible-enum` are not JSON Schema vocabulary.
const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
ajv.addSchema(doc, 'codat');
const schema = (name: string): ValidateFunction =>
  ajv.getSchema(`codat#/components/schemas/${name}`)!;

function expectValid(name: string, body: unknown): void {
  const validate = schema(name);
  const ok = validate(body);
  expect(ok ? [] : validate.errors?.slice(0, 5), name).toEqual([]);
}

let sandbox: Sandbox;
const headers = {
  authorization: `Basic ${Buffer.from(SANDBOX_CODAT_API_KEY).toString('base64')}`,
  'content-type': 'application/json',
};
const get = async (path: string) =>
  (await fetch(sandbox.urls.codat + path, { headers })).json() as Promise<unknown>;
const post = async (path: string, body?: unknown) =>
  (
    await fetch(sandbox.urls.codat + path, {
      method: 'POST',
      headers,
      body: JSON.stringify(body ?? {}),
    })
  ).json() as Promise<unknown>;

let companyId: string;
let data: string;

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 3 });
  const company = (await post('/companies', { name: 'Spec Co', platformType: 'shopify' })) as {
    id: string;
    dataConnections: Array<{ id: string }>;
  };
  expectValid('Company', company);
  companyId = company.id;
  data = `/companies/${company.id}/connections/${company.dataConnections[0]!.id}/data`;
  sandbox.codat.authorize(company.id);
  sandbox.codat.completeSync(company.id);
});
afterAll(() => sandbox.close());

describe('codat.yaml describes the Codat sandbox', () => {
  it('is an OpenAPI 3.0 document with the commerce list and by-id endpoints', () => {
    expect((doc as unknown as { openapi: string }).openapi).toMatch(/^3\.0\./);
    for (const dataset of COMMERCE_DATASETS) {
      const list = `/companies/{companyId}/connections/{connectionId}/data/commerce-${dataset}`;
      expect(doc.paths[list]?.['get']?.responses['200'], dataset).toBeDefined();
      expect(
        Object.keys(doc.paths).some((p) => p.startsWith(`${list}/{`)),
        dataset,
      ).toBe(true);
    }
  });

  it('matches every record of every commerce dataset, and company info', async () => {
    const models: Record<string, string> = {
      customers: 'Customers',
      disputes: 'Disputes',
      locations: 'Locations',
      orders: 'Orders',
      payments: 'Payments',
      products: 'Products',
      transactions: 'Transactions',
    };
    for (const [dataset, model] of Object.entries(models)) {
      const page = (await get(`${data}/commerce-${dataset}?pageSize=5000`)) as {
        results: Array<{ id: string }>;
        totalResults: number;
      };
      expect(page.results.length, dataset).toBe(page.totalResults);
      expectValid(model, page);
      expectValid(
        model.slice(0, -1),
        await get(`${data}/commerce-${dataset}/${page.results[0]!.id}`),
      );
    }
    expectValid('CompanyInfo', await get(`${data}/commerce-info`));
  });

  it('matches platform responses and error bodies', async () => {
    expectValid('Companies', await get('/companies'));
    expectValid('DataStatuses', await get(`/companies/${companyId}/dataStatus`));
    expectValid('PullOperation', await post(`/companies/${companyId}/data/queue/commerce-orders`));
    expectValid('PullOperations', await get(`/companies/${companyId}/data/history`));
    expectValid('CompanySyncSettings', await get(`/companies/${companyId}/syncSettings`));
    expectValid('ProfileSyncSettings', await get('/profile/syncSettings'));
    const conflict = await get(`${data}/commerce-orders`);
    expect(conflict).toMatchObject({ statusCode: 409 });
    expectValid('ErrorMessage', conflict);
    expectValid('ErrorMessage', await get(`${data}/commerce-orders?pageSize=9000`));
    expectValid('ErrorMessage', await get('/companies/nope'));
  });

  it('rejects what the sandbox would not serve (the schemas are closed)', () => {
    const validate = schema('Location');
    expect(validate({ id: 'l', createdDate: 'x', modifiedDate: 'y', undocumented: 1 })).toBe(false);
    expect(validate({ id: 'l', createdDate: 'x' })).toBe(false);
  });
});
