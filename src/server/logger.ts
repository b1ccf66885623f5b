import { pino, type Logger, type DestinationStream } from 'pino';
import pretty from 'pino-pretty';

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

export type LogFormat = 'auto' | 'json' | 'pretty';

/**
 * Readable lines for a person at a terminal; JSON lines for whatever collects logs (a pipe, a
 * file, a container runtime), which is never a TTY.
 */
export function isPrettyLogging(format: LogFormat, outputIsTTY: boolean): boolean {
  return format === 'pretty' || (format === 'auto' && outputIsTTY);
}

/** Logs to `destination` (stdout when absent), formatted as `format` decides for that output. */
export function createLogger(
  level: string,
  destination?: DestinationStream,
  format: LogFormat = 'auto',
): Logger {
  const output = destination ?? process.stdout;
  const tty = 'isTTY' in output && output.isTTY === true;
  // pino-pretty as a stream in this thread rather than a worker transport: the terminal case is
  // a person watching a local gateway, where a line's formatting cost does not matter.
  const stream = isPrettyLogging(format, tty)
    ? pretty({
        destination: output,
        sync: true,
        colorize: tty,
        translateTime: 'SYS:HH:MM:ss.l',
        ignore: 'pid,hostname,service',
      })
    : destination;
  return pino(
    {
      level,
      base: { service: 'commerce-graph' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    stream,
  );
}
