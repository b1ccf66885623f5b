import type { Seeded } from './seeded.js';

/** Word lists for realistic names, products and addresses (shared by the commerce simulators). */

export const FIRST_NAMES = [
  'Olivia',
  'Noah',
  'Amelia',
  'Liam',
  'Isla',
  'Oliver',
  'Ava',
  'Elijah',
  'Mia',
  'James',
  'Sofia',
  'Lucas',
  'Chloe',
  'Mateo',
  'Zoe',
  'Arjun',
  'Priya',
  'Kenji',
  'Yuki',
  'Fatima',
  'Omar',
  'Léa',
  'Jürgen',
  'Siobhán',
  'Chiara',
  'Mei',
  'Wei',
  'Aisha',
  'Kwame',
  'Ingrid',
  'Björn',
  'Nora',
] as const;

export const LAST_NAMES = [
  'Smith',
  'Johnson',
  'Williams',
  'Brown',
  'Jones',
  'Garcia',
  'Miller',
  'Davis',
  'Martin',
  'Lee',
  'Walker',
  "O'Brien",
  'Nguyen',
  'Kowalski',
  'Müller',
  'Rossi',
  'Dubois',
  'Tanaka',
  'Patel',
  'Okafor',
  'Andersson',
  'Fernández',
  'Cohen',
  'Murphy',
  'Schmidt',
  'Khan',
  'Silva',
  'Novak',
] as const;

export interface Place {
  city: string;
  region: string;
  /** ISO 3166 alpha-2 and alpha-3. */
  country2: string;
  country3: string;
  postalCode: () => string;
  streets: readonly string[];
}

const digits = (rng: Seeded, n: number) => Array.from({ length: n }, () => rng.int(0, 9)).join('');

export function places(rng: Seeded): readonly Place[] {
  return [
    {
      city: 'London',
      region: 'Greater London',
      country2: 'GB',
      country3: 'GBR',
      postalCode: () => `E${rng.int(1, 20)} ${rng.int(1, 9)}AB`,
      streets: ['Brick Lane', 'Old Street', 'Kingsland Road'],
    },
    {
      city: 'Manchester',
      region: 'Greater Manchester',
      country2: 'GB',
      country3: 'GBR',
      postalCode: () => `M${rng.int(1, 40)} ${rng.int(1, 9)}XY`,
      streets: ['Deansgate', 'Oldham Street'],
    },
    {
      city: 'New York',
      region: 'NY',
      country2: 'US',
      country3: 'USA',
      postalCode: () => `100${digits(rng, 2)}`,
      streets: ['Broadway', 'Bleecker Street', '5th Avenue'],
    },
    {
      city: 'Austin',
      region: 'TX',
      country2: 'US',
      country3: 'USA',
      postalCode: () => `787${digits(rng, 2)}`,
      streets: ['Congress Avenue', 'South Lamar Blvd'],
    },
    {
      city: 'Berlin',
      region: 'Berlin',
      country2: 'DE',
      country3: 'DEU',
      postalCode: () => `10${digits(rng, 3)}`,
      streets: ['Torstraße', 'Kastanienallee'],
    },
    {
      city: 'Paris',
      region: 'Île-de-France',
      country2: 'FR',
      country3: 'FRA',
      postalCode: () => `750${digits(rng, 2)}`,
      streets: ['Rue de Rivoli', 'Rue Oberkampf'],
    },
    {
      city: 'Dublin',
      region: 'Leinster',
      country2: 'IE',
      country3: 'IRL',
      postalCode: () => `D0${rng.int(1, 8)} ${digits(rng, 4)}`,
      streets: ['Grafton Street', 'Camden Street'],
    },
    {
      city: 'Amsterdam',
      region: 'Noord-Holland',
      country2: 'NL',
      country3: 'NLD',
      postalCode: () => `10${digits(rng, 2)} AB`,
      streets: ['Prinsengracht', 'Haarlemmerstraat'],
    },
  ];
}

export const PRODUCT_ADJECTIVES = [
  'Organic',
  'Handmade',
  'Classic',
  'Vintage',
  'Recycled',
  'Merino',
  'Linen',
  'Ceramic',
  'Walnut',
  'Waxed',
  'Everyday',
  'Heritage',
  'Nordic',
  'Studio',
  'Field',
  'Coastal',
] as const;

export const PRODUCT_NOUNS = [
  'Tote Bag',
  'Coffee Mug',
  'Beanie',
  'Notebook',
  'Candle',
  'Water Bottle',
  'Scarf',
  'T-Shirt',
  'Hoodie',
  'Backpack',
  'Tea Blend',
  'Chopping Board',
  'Wallet',
  'Sunglasses',
  'Plant Pot',
  'Socks',
  'Apron',
  'Throw Blanket',
  'Poster',
  'Phone Case',
] as const;

export const CATEGORIES = [
  'Accessories',
  'Apparel',
  'Home & Kitchen',
  'Stationery',
  'Food & Drink',
] as const;

export const VARIANT_OPTIONS = [
  ['S', 'M', 'L', 'XL'],
  ['Black', 'Natural', 'Forest Green', 'Navy'],
  ['250g', '500g', '1kg'],
  ['Standard'],
] as const;

export function personName(rng: Seeded): { first: string; last: string; full: string } {
  const first = rng.pick(FIRST_NAMES);
  const last = rng.pick(LAST_NAMES);
  return { first, last, full: `${first} ${last}` };
}

export function emailFor(first: string, last: string, n: number): string {
  const ascii = (s: string) =>
    s
      .normalize('NFD')
      .replace(/[^A-Za-z]/g, '')
      .toLowerCase();
  return `${ascii(first)}.${ascii(last)}${n}@example.com`;
}
