import { GraphQLScalarType, Kind, type ValueNode } from 'graphql';

/**
 * Scalars shared by every module. Each parses input strictly (a clear BAD_USER_INPUT rather than
 * a silently wrong value) and serialises leniently from our internal models.
 */

const DECIMAL = /^-?\d+(\.\d+)?$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const CURRENCY = /^[A-Z]{3}$/;

function stringLiteral(ast: ValueNode, name: string): string {
  if (ast.kind !== Kind.STRING) throw new TypeError(`${name} must be given as a string`);
  return ast.value;
}

export const DecimalScalar = new GraphQLScalarType<string, string>({
  name: 'Decimal',
  description: 'An exact decimal number as a string.',
  serialize(value) {
    if (typeof value === 'string' && DECIMAL.test(value)) return value;
    if (typeof value === 'bigint') return value.toString();
    throw new TypeError(`Decimal cannot represent ${typeof value} value`);
  },
  parseValue(value) {
    if (typeof value !== 'string' || !DECIMAL.test(value)) {
      throw new TypeError('Decimal must be a string such as "12.50"');
    }
    return value;
  },
  parseLiteral(ast) {
    const v = stringLiteral(ast, 'Decimal');
    if (!DECIMAL.test(v)) throw new TypeError('Decimal must be a string such as "12.50"');
    return v;
  },
});

export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'An ISO 8601 date-time with a zone offset.',
  serialize(value) {
    if (value instanceof Date) return value.toISOString();
    if (typeof value === 'string' && ISO_DATE_TIME.test(value)) return value;
    throw new TypeError('DateTime cannot represent a value without a zone');
  },
  parseValue(value) {
    if (
      typeof value !== 'string' ||
      !ISO_DATE_TIME.test(value) ||
      Number.isNaN(Date.parse(value))
    ) {
      throw new TypeError(
        'DateTime must be an ISO 8601 string with a zone, e.g. "2024-01-16T10:00:00Z"',
      );
    }
    return new Date(value);
  },
  parseLiteral(ast) {
    const v = stringLiteral(ast, 'DateTime');
    if (!ISO_DATE_TIME.test(v) || Number.isNaN(Date.parse(v))) {
      throw new TypeError(
        'DateTime must be an ISO 8601 string with a zone, e.g. "2024-01-16T10:00:00Z"',
      );
    }
    return new Date(v);
  },
});

export const CurrencyCodeScalar = new GraphQLScalarType<string, string>({
  name: 'CurrencyCode',
  description: 'A three-letter ISO 4217 currency code.',
  serialize(value) {
    if (typeof value === 'string' && CURRENCY.test(value)) return value;
    return 'XXX';
  },
  parseValue(value) {
    if (typeof value !== 'string' || !CURRENCY.test(value)) {
      throw new TypeError('CurrencyCode must be three upper-case letters, e.g. "EUR"');
    }
    return value;
  },
  parseLiteral(ast) {
    const v = stringLiteral(ast, 'CurrencyCode');
    if (!CURRENCY.test(v))
      throw new TypeError('CurrencyCode must be three upper-case letters, e.g. "EUR"');
    return v;
  },
});

function literalToJson(ast: ValueNode): unknown {
  switch (ast.kind) {
    case Kind.STRING:
    case Kind.ENUM:
      return ast.value;
    case Kind.BOOLEAN:
      return ast.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(ast.value);
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return ast.values.map(literalToJson);
    case Kind.OBJECT:
      return Object.fromEntries(ast.fields.map((f) => [f.name.value, literalToJson(f.value)]));
    case Kind.VARIABLE:
      throw new TypeError('JSON literals cannot contain variables');
  }
}

export const JSONScalar = new GraphQLScalarType<unknown, unknown>({
  name: 'JSON',
  description: 'Arbitrary JSON.',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: literalToJson,
});
