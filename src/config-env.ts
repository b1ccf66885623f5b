import { z } from 'zod';

/**
 * The environment variables the gateway reads, with their defaults and the one-line messages a
 * wrong value gets. `config.ts` turns the parsed values into the typed `Config`.
 */

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const LOG_FORMATS = ['auto', 'json', 'pretty'] as const;

const TRACE_EXPORTERS = ['otlp', 'console', 'none'] as const;

const booleanString = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], {
    errorMap: () => ({ message: 'expected true or false' }),
  })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const httpUrl = z
  .string()
  .url('expected an http(s) URL')
  .refine((v) => /^https?:\/\//.test(v), 'expected an http(s) URL')
  .transform((v) => v.replace(/\/+$/, ''));

const base64Key = z.string().transform((v, ctx) => {
  const key = Buffer.from(v, 'base64');
  if (key.length !== 32) {
    ctx.addIssue({ code: 'custom', message: 'expected 32 bytes encoded as base64' });
    return z.NEVER;
  }
  return key;
});

const positiveInt = (label: string) =>
  z
    .string()
    .regex(/^\d+$/, `expected ${label}`)
    .transform((v) => Number(v));

export const envSchema = z.object({
  PORT: positiveInt('a port number (0-65535)')
    .refine((v) => v <= 65535, 'expected a port number (0-65535)')
    .default('4000'),
  HOST: z.string().min(1).optional(),
  LOG_LEVEL: z
    .enum(LOG_LEVELS, { errorMap: () => ({ message: `expected one of ${LOG_LEVELS.join(', ')}` }) })
    .default('info'),
  LOG_FORMAT: z.enum(LOG_FORMATS).default('auto'),
  DATA_DIR: z.string().min(1).default('./.data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// connection URL')
    .optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'expected a redis:// URL')
    .optional(),
  SECRETS_KEY: base64Key.optional(),
  SECRETS_PREVIOUS_KEYS: z
    .string()
    .transform((v, ctx) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
        .map((s) => {
          const key = Buffer.from(s, 'base64');
          if (key.length !== 32) {
            ctx.addIssue({
              code: 'custom',
              message: 'expected comma-separated 32-byte base64 keys',
            });
          }
          return key;
        }),
    )
    .optional(),
  APIPANDA_BASE_URL: httpUrl.optional(),
  APIPANDA_PUBLIC_TOKEN: z.string().min(1).optional(),
  APIPANDA_POLL_INTERVAL_MS: positiveInt('a number of milliseconds').default('2000'),
  APIPANDA_POLL_TIMEOUT_MS: positiveInt('a number of milliseconds').default('900000'),
  APIPANDA_POLL_FRESH_MS: positiveInt('a number of milliseconds').default('600000'),
  APIPANDA_POLL_FRESH_MAX_INTERVAL_MS: positiveInt('a number of milliseconds').default('3000'),
  DISPATCH_BASE_URL: httpUrl.optional(),
  DISPATCH_SERVICE_TOKEN: z.string().min(1).optional(),
  CODAT_BASE_URL: httpUrl.optional(),
  CODAT_API_KEY: z.string().min(1).optional(),
  CODAT_WEBHOOK_SECRET: z
    .string()
    .regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, 'expected the endpoint secret Codat shows (whsec_…)')
    .optional(),
  CODAT_WEBHOOK_MAX_BODY_BYTES: positiveInt('a number of bytes').default('262144'),
  QARD_BASE_URL: httpUrl.optional(),
  QARD_API_KEY: z.string().min(1).optional(),
  SHOPLINE_API_BASE_URL: httpUrl.optional(),
  SHOPLINE_APP_SECRET: z.string().min(1).optional(),
  SHOPLINE_WEBHOOK_TOLERANCE_SECONDS: positiveInt('a number of seconds').default('300'),
  SHOPLINE_WEBHOOK_MAX_BODY_BYTES: positiveInt('a number of bytes').default('1048576'),
  SHOPLINE_WEBHOOK_CANONICALIZE_MAX_BYTES: positiveInt('a number of bytes').default('65536'),
  SHOPLINE_CLIENT_ID: z.string().min(1).optional(),
  SHOPLINE_CLIENT_SECRET: z.string().min(1).optional(),
  SHOPLINE_OAUTH_BASE_URL: httpUrl.default('https://developers.shoplineapp.com'),
  CORS_ORIGINS: z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .optional(),
  SANDBOX: booleanString.optional(),
  SANDBOX_LATENCY_MS: positiveInt('a number of milliseconds').default('0'),
  JWT_SECRET: z.string().min(32, 'expected at least 32 characters').optional(),
  JWT_JWKS_URL: httpUrl.optional(),
  JWT_ISSUER: z.string().min(1).optional(),
  JWT_AUDIENCE: z.string().min(1).optional(),
  JWT_WORKSPACE_CLAIM: z.string().min(1).default('workspace'),
  UPSTREAM_TIMEOUT_MS: positiveInt('a number of milliseconds').default('10000'),
  UPSTREAM_DEADLINE_MS: positiveInt('a number of milliseconds').optional(),
  DATALOADER_BATCHING: booleanString.default('true'),
  MAX_QUERY_DEPTH: positiveInt('a positive integer').default('30'),
  FEDERATION_MAX_REPRESENTATIONS: positiveInt('a positive integer').default('500'),
  MAX_BODY_BYTES: positiveInt('a number of bytes').default('1048576'),
  MAX_QUERY_TOKENS: positiveInt('a number of tokens').default('20000'),
  MAX_ALIASES: positiveInt('a number of aliases').default('30'),
  MAX_DIRECTIVES: positiveInt('a number of directives').default('50'),
  MAX_REPEATED_FIELDS: positiveInt('a number of fields').default('100'),
  MAX_OPERATION_COST: positiveInt('a cost (points)').default('25000'),
  COST_UPSTREAM_FIELD_WEIGHT: positiveInt('a cost (points)').default('10'),
  COST_DEFAULT_LIST_SIZE: positiveInt('a number of list entries').default('5'),
  RATE_LIMIT_POINTS: positiveInt('a cost (points)').default('250000'),
  RATE_LIMIT_POINTS_PER_SECOND: positiveInt('a cost per second (0: no rate limit)').default(
    '25000',
  ),
  SUBSCRIPTIONS_PER_SOCKET: positiveInt('a number of subscriptions').default('50'),
  SUBSCRIPTIONS_PER_WORKSPACE: positiveInt('a number of subscriptions').default('500'),
  SOCKET_MESSAGES_PER_SECOND: positiveInt('a number of messages').default('20'),
  TRUSTED_DOCUMENTS: z
    .enum(['off', 'allow', 'only'], {
      errorMap: () => ({ message: 'expected off, allow or only' }),
    })
    .default('off'),
  TRUSTED_DOCUMENTS_FILE: z.string().min(1).optional(),
  SHUTDOWN_GRACE_MS: positiveInt('a number of milliseconds').default('10000'),
  IDEMPOTENCY_WAIT_MS: positiveInt('a number of milliseconds').default('10000'),
  ADMISSION_MIN_CONCURRENCY: positiveInt('a positive integer')
    .refine((v) => v >= 1, 'expected a positive integer')
    .default('8'),
  ADMISSION_MAX_CONCURRENCY: positiveInt('a positive integer')
    .refine((v) => v >= 1, 'expected a positive integer')
    .default('256'),
  ADMISSION_QUEUE_LIMIT: positiveInt('a number of operations').default('1000'),
  ADMISSION_QUEUE_TIMEOUT_MS: positiveInt('a number of milliseconds').default('10000'),
  COMMERCE_CACHE_MB: positiveInt('a number of MiB (0: no cache)').default('0'),
  COMMERCE_CACHE_SYNC_CHECK_SECONDS: positiveInt('a number of seconds').default('30'),
  COMMERCE_BACKWARD_SCAN_MAX: positiveInt('a number of records').default('10000'),
  METRICS_MAX_OPERATION_NAMES: positiveInt('a number of operation names').default('100'),
  // The OpenTelemetry variables that decide whether tracing starts; the SDK reads the others
  // (OTEL_EXPORTER_OTLP_HEADERS, OTEL_TRACES_SAMPLER, OTEL_BSP_*...) itself.
  OTEL_SDK_DISABLED: booleanString.default('false'),
  OTEL_TRACES_EXPORTER: z
    .string()
    .transform((v, ctx) => {
      const names = v.split(',').map((s) => s.trim());
      const known = names.filter((n): n is (typeof TRACE_EXPORTERS)[number] =>
        (TRACE_EXPORTERS as readonly string[]).includes(n),
      );
      if (known.length === names.length) return known;
      ctx.addIssue({
        code: 'custom',
        message: `expected ${TRACE_EXPORTERS.join(', ')} or a list of them`,
      });
      return z.NEVER;
    })
    .optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: httpUrl.optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: httpUrl.optional(),
  OTEL_SERVICE_NAME: z.string().min(1).default('commerce-graph'),
  COMMERCE_SYNC_POLL_INTERVAL_MS: positiveInt('a number of milliseconds').default('1000'),
  COMMERCE_SYNC_POLL_MAX_INTERVAL_MS: positiveInt('a number of milliseconds').default('30000'),
  COMMERCE_SYNC_POLL_TIMEOUT_MS: positiveInt('a number of milliseconds').default('3600000'),
  COMMERCE_SYNC_WATCH_MAX: positiveInt('a number of links').default('1000'),
});

export type EnvValues = z.infer<typeof envSchema>;
