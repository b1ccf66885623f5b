import { describe, expect, it } from 'vitest';
import {
  categoryFromUpstream,
  categoryOf,
  INTEGRATION_CATALOG,
  integrationTypeFromUpstream,
  integrationTypeToUpstream,
} from '../../../src/modules/connections/catalog.js';
import { validateStartConnection } from '../../../src/modules/connections/connection-input.js';
import { INTEGRATION_TYPES_BY_CATEGORY } from '../../../src/sandbox/apipanda/simulator.js';

describe('integration catalog', () => {
  it('matches the seed relation, value for value', () => {
    const asUpstream = Object.fromEntries(
      INTEGRATION_CATALOG.map((c) => [
        c.category === 'MARKETPLACE' ? 'Marketplace' : 'PrintOnDemand',
        c.integrationTypes.map(integrationTypeToUpstream),
      ]),
    );
    expect(asUpstream).toEqual(INTEGRATION_TYPES_BY_CATEGORY);
  });

  it('maps API Panda values case-insensitively and falls back to UNKNOWN', () => {
    expect(categoryFromUpstream('PrintOnDemand')).toBe('PRINT_ON_DEMAND');
    expect(categoryFromUpstream('marketplace')).toBe('MARKETPLACE');
    expect(categoryFromUpstream('Wholesale')).toBe('UNKNOWN');
    expect(integrationTypeFromUpstream('TikTok')).toBe('TIKTOK');
    expect(integrationTypeFromUpstream('Ebay')).toBe('UNKNOWN');
  });

  it('knows the category of each integration type', () => {
    expect(categoryOf('AMAZON')).toBe('MARKETPLACE');
    expect(categoryOf('PRINTIFY')).toBe('PRINT_ON_DEMAND');
    expect(categoryOf('UNKNOWN')).toBeUndefined();
  });
});

describe('startConnection input', () => {
  it('trims the name and slug and accepts a matching category', () => {
    expect(
      validateStartConnection({
        name: '  Shop ',
        slug: ' shop-1 ',
        integrationType: 'ETSY',
        category: 'MARKETPLACE',
      }),
    ).toEqual({ command: { name: 'Shop', slug: 'shop-1', integrationType: 'ETSY' } });
    expect(
      validateStartConnection({ name: 'Shop', slug: '  ', integrationType: 'PRINTFUL' }),
    ).toEqual({
      command: { name: 'Shop', slug: null, integrationType: 'PRINTFUL' },
    });
  });

  it('reports every problem with its field', () => {
    const result = validateStartConnection({
      name: '',
      slug: 'a b',
      integrationType: 'UNKNOWN',
      category: 'MARKETPLACE',
    });
    expect('userErrors' in result && result.userErrors.map((e) => e.field)).toEqual([
      ['input', 'name'],
      ['input', 'slug'],
      ['input', 'integrationType'],
    ]);
  });

  it('refuses a category the integration type does not belong to', () => {
    const result = validateStartConnection({
      name: 'A',
      integrationType: 'SHOPIFY',
      category: 'PRINT_ON_DEMAND',
    });
    expect(result).toEqual({
      userErrors: [
        {
          field: ['input', 'category'],
          code: 'INVALID',
          message: 'SHOPIFY belongs to MARKETPLACE, not PRINT_ON_DEMAND',
        },
      ],
    });
  });
});
