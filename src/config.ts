import { envSchema, type EnvValues, type LOG_FORMATS, type LOG_LEVELS } from './config-env.js';

/**
 * The only reader of the environment. Everything else receives a typed `Config`.
 * A wrong value stops start-up with one line that names the variable and what it expects,
 * because a stack trace from deep inside a client is a poor way to learn about a typo.
 */

export type UpstreamName = 'apipanda' | 'dispatch' | 'codat' | 'qard' | 'shopline';

export interface UpstreamConfig {
  /** Base URL without a trailing slash; undefined until the sandbox fills it in. */
  baseUrl: string | undefined;
  timeoutMs: number;
  /** What one call may take in all, its retries and their pauses included. */
  deadlineMs: number;
}

export interface Config {
  port: number;
  host: string;
  logLevel: (typeof LOG_LEVELS)[number];
  /** `auto`: readable lines on a terminal, JSON lines otherwise. */
  logFormat: (typeof LOG_FORMATS)[number];
  dataDir: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  /** Primary secrets key; in sandbox mode main.ts generates one under dataDir when unset. */
  secretsKey: Buffer | undefined;
  previousSecretsKeys: Buffer[];
  sandbox: boolean;
  sandboxLatencyMs: number;
  corsOrigins: string[];
  upstreams: Record<UpstreamName, UpstreamConfig>;
  apipanda: { publicToken: string | undefined };
  /**
   * Deployment-wide Dispatch service token, used for callers without a bearer token of their own
   * in workspaces that hold no service token (the sandbox sets its demo token here).
   */
  dispatch: { serviceToken: string | undefined };
  /**
   * How the gateway watches a new API Panda connection until the person finishes OAuth: the
   * first delay between `established` checks (it doubles, up to 16 times this) and how long to
   * keep checking before leaving the connection to `refreshConnection`.
   */
  connectionPolling: {
    intervalMs: number;
    timeoutMs: number;
    freshMs: number;
    freshMaxIntervalMs: number;
  };
  codat: {
    apiKey: string | undefined;
    /** Signing secret of Codat's webhook endpoint (Svix, `whsec_…`); unset: Codat links are polled. */
    webhookSecret: string | undefined;
    webhookMaxBodyBytes: number;
  };
  qard: { apiKey: string | undefined };
  shopline: {
    appSecret: string | undefined;
    webhookToleranceSeconds: number;
    /** Largest webhook body read at all. */
    webhookMaxBodyBytes: number;
    /**
     * Largest body re-serialised to check its signature when its bytes are not the signed
     * (canonical) form; a larger one is checked over its bytes only.
     */
    webhookCanonicalizeMaxBytes: number;
    /** OAuth client of the app, for the landing route's "link account" round trip. */
    clientId: string | undefined;
    clientSecret: string | undefined;
    oauthBaseUrl: string;
  };
  jwt: {
    secret: string | undefined;
    jwksUrl: string | undefined;
    issuer: string | undefined;
    audience: string | undefined;
    workspaceClaim: string;
  };
  limits: { maxQueryDepth: number; maxBodyBytes: number; maxQueryTokens: number };
  /**
   * What one operation may ask for, checked before it runs (server/operation-cost.ts): aliases,
   * directives and fields repeated under one response name, counted with fragments expanded;
   * and its cost, with each upstream-calling field weighing `upstreamFieldWeight` and lists
   * that are not pages (line items, variants) counted as `defaultListSize` entries.
   */
  operationCost: {
    maxAliases: number;
    maxDirectives: number;
    maxRepeatedFields: number;
    maxCost: number;
    upstreamFieldWeight: number;
    defaultListSize: number;
  };
  /** How many entity representations one federation `_entities` call may ask for. */
  federation: { maxRepresentations: number };
  /**
   * Each workspace's budget of operation cost (server/workspace-budget.ts): a bucket of
   * `points` refilled at `pointsPerSecond` (0: no rate limit), shared through Redis if set.
   */
  rateLimit: { points: number; pointsPerSecond: number };
  /**
   * Trusted (persisted) documents (server/trusted-request.ts): `off`, `allow` (trusted documents
   * skip parsing and validation, others still run) or `only` (callers without the admin role run
   * trusted documents only); the manifest is graphql-codegen's persisted-documents.json.
   */
  trustedDocuments: { mode: 'off' | 'allow' | 'only'; file: string | undefined };
  /** What one graphql-ws socket and one workspace (per process) may hold (subscription-limits.ts). */
  subscriptions: { perSocket: number; perWorkspace: number; messagesPerSecond: number };
  /**
   * How many GraphQL operations run at once (server/admission.ts): the limit moves between
   * min and max with the event loop's load; past it operations wait, up to queueLimit of them
   * for at most queueTimeoutMs, and are refused with 503 beyond.
   */
  admission: {
    minConcurrency: number;
    maxConcurrency: number;
    queueLimit: number;
    queueTimeoutMs: number;
  };
  /**
   * Commerce records of synced sources kept across requests (modules/commerce/record-cache.ts):
   * up to about maxBytes per process (0: none), each link's data kept under the sync it came
   * from, whose status is read again at most every syncCheckMs.
   */
  commerceCache: { maxBytes: number; syncCheckMs: number };
  /** Most records a backward commerce page reads to reach its window. */
  commerceBackwardScanMax: number;
  /**
   * Links whose syncs are announced by polling (sources without webhooks): first delay, doubling
   * up to maxIntervalMs, for at most timeoutMs, at most maxWatched links per process.
   */
  commerceSyncPolling: {
    intervalMs: number;
    maxIntervalMs: number;
    timeoutMs: number;
    maxWatched: number;
  };
  /** False only to measure what batching saves (benchmark ablation). */
  dataloaderBatching: boolean;
  /**
   * Distinct operation names /metrics labels operation durations with; later names are counted
   * as `other`, so a client that names every request differently cannot grow /metrics unbounded.
   */
  metricsMaxOperationNames: number;
  /**
   * OpenTelemetry tracing (observability/tracing.ts): off unless OTEL_TRACES_EXPORTER names an
   * exporter or an OTLP endpoint is set, and always off with OTEL_SDK_DISABLED=true.
   */
  tracing: { exporters: Array<'otlp' | 'console'>; serviceName: string };
  shutdownGraceMs: number;
  /**
   * How long a retry waits for the first call with its idempotency key to finish before it is
   * answered IDEMPOTENCY_KEY_IN_PROGRESS (store/repositories/idempotency.ts).
   */
  idempotencyWaitMs: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): Config {
  // An empty string in the environment means "unset", as it does for most CLIs.
  const present = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v !== ''),
  );
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = issue?.path.join('.') ?? 'environment';
    const received = present[variable];
    const shown =
      received === undefined ? '' : ` (got ${JSON.stringify(redactValue(variable, received))})`;
    throw new ConfigError(`Invalid ${variable}: ${issue?.message ?? 'invalid value'}${shown}`);
  }
  const e = parsed.data;
  const timeoutMs = e.UPSTREAM_TIMEOUT_MS;
  const deadlineMs = e.UPSTREAM_DEADLINE_MS ?? timeoutMs;
  const anyUpstreamConfigured = [
    e.APIPANDA_BASE_URL,
    e.DISPATCH_BASE_URL,
    e.CODAT_BASE_URL,
    e.QARD_BASE_URL,
    e.SHOPLINE_API_BASE_URL,
  ].some((v) => v !== undefined);
  const sandbox = e.SANDBOX ?? !anyUpstreamConfigured;

  if (!sandbox && !e.SECRETS_KEY) {
    throw new ConfigError(
      'Invalid SECRETS_KEY: required outside sandbox mode (32 random bytes, base64: `openssl rand -base64 32`)',
    );
  }
  if (e.JWT_SECRET && e.JWT_JWKS_URL) {
    throw new ConfigError(
      'Invalid JWT_JWKS_URL: set either JWT_SECRET (HS256) or JWT_JWKS_URL, not both',
    );
  }

  if (e.RATE_LIMIT_POINTS_PER_SECOND > 0 && e.RATE_LIMIT_POINTS < e.MAX_OPERATION_COST) {
    throw new ConfigError(
      `Invalid RATE_LIMIT_POINTS: expected at least MAX_OPERATION_COST (${e.MAX_OPERATION_COST}), or an operation allowed to run could never be paid for (got ${e.RATE_LIMIT_POINTS})`,
    );
  }

  if (e.TRUSTED_DOCUMENTS !== 'off' && !e.TRUSTED_DOCUMENTS_FILE) {
    throw new ConfigError(
      `Invalid TRUSTED_DOCUMENTS_FILE: required when TRUSTED_DOCUMENTS is ${e.TRUSTED_DOCUMENTS} (the persisted-documents.json graphql-codegen's client preset writes)`,
    );
  }

  if (e.ADMISSION_MIN_CONCURRENCY > e.ADMISSION_MAX_CONCURRENCY) {
    throw new ConfigError(
      `Invalid ADMISSION_MIN_CONCURRENCY: expected at most ADMISSION_MAX_CONCURRENCY (${e.ADMISSION_MAX_CONCURRENCY}) (got ${e.ADMISSION_MIN_CONCURRENCY})`,
    );
  }

  return {
    port: e.PORT,
    // The sandbox's GraphiQL page carries the demo workspace's admin key: only this machine
    // may open it unless HOST says otherwise.
    host: e.HOST ?? (sandbox ? '127.0.0.1' : '0.0.0.0'),
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    dataDir: e.DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    secretsKey: e.SECRETS_KEY,
    previousSecretsKeys: e.SECRETS_PREVIOUS_KEYS ?? [],
    sandbox,
    sandboxLatencyMs: e.SANDBOX_LATENCY_MS,
    corsOrigins: e.CORS_ORIGINS ?? [],
    upstreams: {
      apipanda: { baseUrl: e.APIPANDA_BASE_URL, timeoutMs, deadlineMs },
      dispatch: { baseUrl: e.DISPATCH_BASE_URL, timeoutMs, deadlineMs },
      codat: { baseUrl: e.CODAT_BASE_URL, timeoutMs, deadlineMs },
      qard: { baseUrl: e.QARD_BASE_URL, timeoutMs, deadlineMs },
      shopline: { baseUrl: e.SHOPLINE_API_BASE_URL, timeoutMs, deadlineMs },
    },
    apipanda: { publicToken: e.APIPANDA_PUBLIC_TOKEN },
    dispatch: { serviceToken: e.DISPATCH_SERVICE_TOKEN },
    connectionPolling: {
      intervalMs: e.APIPANDA_POLL_INTERVAL_MS,
      timeoutMs: e.APIPANDA_POLL_TIMEOUT_MS,
      freshMs: e.APIPANDA_POLL_FRESH_MS,
      freshMaxIntervalMs: e.APIPANDA_POLL_FRESH_MAX_INTERVAL_MS,
    },
    codat: {
      apiKey: e.CODAT_API_KEY,
      webhookSecret: e.CODAT_WEBHOOK_SECRET,
      webhookMaxBodyBytes: e.CODAT_WEBHOOK_MAX_BODY_BYTES,
    },
    qard: { apiKey: e.QARD_API_KEY },
    shopline: {
      appSecret: e.SHOPLINE_APP_SECRET,
      webhookToleranceSeconds: e.SHOPLINE_WEBHOOK_TOLERANCE_SECONDS,
      webhookMaxBodyBytes: e.SHOPLINE_WEBHOOK_MAX_BODY_BYTES,
      webhookCanonicalizeMaxBytes: e.SHOPLINE_WEBHOOK_CANONICALIZE_MAX_BYTES,
      clientId: e.SHOPLINE_CLIENT_ID,
      clientSecret: e.SHOPLINE_CLIENT_SECRET,
      oauthBaseUrl: e.SHOPLINE_OAUTH_BASE_URL,
    },
    jwt: {
      secret: e.JWT_SECRET,
      jwksUrl: e.JWT_JWKS_URL,
      issuer: e.JWT_ISSUER,
      audience: e.JWT_AUDIENCE,
      workspaceClaim: e.JWT_WORKSPACE_CLAIM,
    },
    limits: {
      maxQueryDepth: e.MAX_QUERY_DEPTH,
      maxBodyBytes: e.MAX_BODY_BYTES,
      maxQueryTokens: e.MAX_QUERY_TOKENS,
    },
    operationCost: {
      maxAliases: e.MAX_ALIASES,
      maxDirectives: e.MAX_DIRECTIVES,
      maxRepeatedFields: e.MAX_REPEATED_FIELDS,
      maxCost: e.MAX_OPERATION_COST,
      upstreamFieldWeight: e.COST_UPSTREAM_FIELD_WEIGHT,
      defaultListSize: e.COST_DEFAULT_LIST_SIZE,
    },
    federation: { maxRepresentations: e.FEDERATION_MAX_REPRESENTATIONS },
    rateLimit: { points: e.RATE_LIMIT_POINTS, pointsPerSecond: e.RATE_LIMIT_POINTS_PER_SECOND },
    trustedDocuments: { mode: e.TRUSTED_DOCUMENTS, file: e.TRUSTED_DOCUMENTS_FILE },
    subscriptions: {
      perSocket: e.SUBSCRIPTIONS_PER_SOCKET,
      perWorkspace: e.SUBSCRIPTIONS_PER_WORKSPACE,
      messagesPerSecond: e.SOCKET_MESSAGES_PER_SECOND,
    },
    admission: {
      minConcurrency: e.ADMISSION_MIN_CONCURRENCY,
      maxConcurrency: e.ADMISSION_MAX_CONCURRENCY,
      queueLimit: e.ADMISSION_QUEUE_LIMIT,
      queueTimeoutMs: e.ADMISSION_QUEUE_TIMEOUT_MS,
    },
    commerceCache: {
      maxBytes: e.COMMERCE_CACHE_MB * 1024 * 1024,
      syncCheckMs: e.COMMERCE_CACHE_SYNC_CHECK_SECONDS * 1000,
    },
    commerceBackwardScanMax: e.COMMERCE_BACKWARD_SCAN_MAX,
    commerceSyncPolling: {
      intervalMs: e.COMMERCE_SYNC_POLL_INTERVAL_MS,
      maxIntervalMs: e.COMMERCE_SYNC_POLL_MAX_INTERVAL_MS,
      timeoutMs: e.COMMERCE_SYNC_POLL_TIMEOUT_MS,
      maxWatched: e.COMMERCE_SYNC_WATCH_MAX,
    },
    dataloaderBatching: e.DATALOADER_BATCHING,
    metricsMaxOperationNames: e.METRICS_MAX_OPERATION_NAMES,
    tracing: { exporters: traceExporters(e), serviceName: e.OTEL_SERVICE_NAME },
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    idempotencyWaitMs: e.IDEMPOTENCY_WAIT_MS,
  };
}

function traceExporters(e: EnvValues): Array<'otlp' | 'console'> {
  if (e.OTEL_SDK_DISABLED) return [];
  const named =
    e.OTEL_TRACES_EXPORTER ??
    (e.OTEL_EXPORTER_OTLP_ENDPOINT || e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ? ['otlp'] : []);
  return [...new Set(named.filter((name): name is 'otlp' | 'console' => name !== 'none'))];
}

const SECRET_VARIABLE = /KEY|SECRET|TOKEN|PASSWORD|DATABASE_URL|REDIS_URL/;

/** An error message may echo a bad value, but never a secret one. */
function redactValue(variable: string, value: string): string {
  return SECRET_VARIABLE.test(variable) ? '[redacted]' : value;
}
