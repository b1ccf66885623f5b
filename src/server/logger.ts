import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

/**
 * Field names that hold credentials anywhere in a logged object. pino's redaction is by path,
 * so each name is listed at the depths our log objects reach (request, upstream call, error).
 */
const SECRET_FIELDS = [
  'authorization',
  'Authorization',
  'x-api-key',
  'X-API-KEY',
  'x-link-token',
  'X-LINK-TOKEN',
  'x-account-token',
  'X-ACCOUNT-TOKEN',
  'cookie',
  'token',
  'accessToken',
  'publicToken',
  'linkToken',
  'access_token',
  'apiKey',
  'apiSecret',
  'api_key',
  'secret',
  'clientSecret',
  'client_secret',
  'password',
  'credentials',
  'sign',
];

const REDACT_PATHS = SECRET_FIELDS.flatMap((f) => {
  const key = /^[A-Za-z_$][\w$]*$/.test(f) ? f : `["${f}"]`;
  const dot = key.startsWith('[') ? '' : '.';
  return [key, `*${dot}${key}`, `*.*${dot}${key}`, `*.*.*${dot}${key}`];
});

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'commerce-graph' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}
