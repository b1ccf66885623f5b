import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config.js';

const KEY = Buffer.alloc(32, 7).toString('base64');

describe('loadConfig', () => {
  it('defaults to sandbox mode with nothing configured', () => {
    const c = loadConfig({});
    expect(c.sandbox).toBe(true);
    expect(c.port).toBe(4000);
    expect(c.databaseUrl).toBeUndefined();
    expect(c.dataDir).toBe('./.data');
  });

  it('leaves sandbox mode when an upstream is configured, and then needs SECRETS_KEY', () => {
    expect(() => loadConfig({ CODAT_BASE_URL: 'https://api.codat.io' })).toThrow(
      /^Invalid SECRETS_KEY: required outside sandbox mode/,
    );
    const c = loadConfig({ CODAT_BASE_URL: 'https://api.codat.io/', SECRETS_KEY: KEY });
    expect(c.sandbox).toBe(false);
    expect(c.upstreams.codat.baseUrl).toBe('https://api.codat.io');
  });

  it.each([
    ['PORT', 'eighty', /^Invalid PORT: expected a port number/],
    ['PORT', '70000', /^Invalid PORT: expected a port number/],
    ['LOG_LEVEL', 'loud', /^Invalid LOG_LEVEL: expected one of fatal, error/],
    ['DATABASE_URL', 'mysql://x', /^Invalid DATABASE_URL: expected a postgres:\/\/ connection URL/],
    ['REDIS_URL', 'http://x', /^Invalid REDIS_URL: expected a redis:\/\/ URL/],
    ['SANDBOX', 'maybe', /^Invalid SANDBOX: expected true or false/],
    ['CODAT_BASE_URL', 'not a url', /^Invalid CODAT_BASE_URL: expected an http\(s\) URL/],
    ['ADMISSION_MIN_CONCURRENCY', '0', /^Invalid ADMISSION_MIN_CONCURRENCY: expected a positive/],
    ['ADMISSION_MAX_CONCURRENCY', '4', /^Invalid ADMISSION_MIN_CONCURRENCY: expected at most/],
    ['ADMISSION_QUEUE_TIMEOUT_MS', '1s', /^Invalid ADMISSION_QUEUE_TIMEOUT_MS: expected a number/],
  ])('names the variable when %s=%s is wrong', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it('never echoes a secret value in its error', () => {
    let message = '';
    try {
      loadConfig({ SECRETS_KEY: 'c2hvcnQ=' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe(
      'Invalid SECRETS_KEY: expected 32 bytes encoded as base64 (got "[redacted]")',
    );
  });

  it('reads lists and keys', () => {
    const c = loadConfig({
      CORS_ORIGINS: 'https://app.example.com, https://admin.example.com',
      SECRETS_KEY: KEY,
      SECRETS_PREVIOUS_KEYS: Buffer.alloc(32, 1).toString('base64'),
    });
    expect(c.corsOrigins).toEqual(['https://app.example.com', 'https://admin.example.com']);
    expect(c.secretsKey?.length).toBe(32);
    expect(c.previousSecretsKeys).toHaveLength(1);
  });

  it('bounds the operations run at once between a floor and a ceiling', () => {
    expect(loadConfig({}).admission).toEqual({
      minConcurrency: 8,
      maxConcurrency: 256,
      queueLimit: 1000,
      queueTimeoutMs: 10000,
    });
    expect(() =>
      loadConfig({ ADMISSION_MIN_CONCURRENCY: '20', ADMISSION_MAX_CONCURRENCY: '10' }),
    ).toThrow(
      'Invalid ADMISSION_MIN_CONCURRENCY: expected at most ADMISSION_MAX_CONCURRENCY (10) (got 20)',
    );
  });

  it('refuses both JWT_SECRET and JWT_JWKS_URL', () => {
    expect(() =>
      loadConfig({ JWT_SECRET: 'x'.repeat(32), JWT_JWKS_URL: 'https://idp.example.com/jwks.json' }),
    ).toThrow(/^Invalid JWT_JWKS_URL: set either/);
  });
});

describe('listening address and upstream deadline', () => {
  const key = Buffer.alloc(32, 1).toString('base64');

  it('binds the sandbox to loopback unless HOST is set, and a configured gateway to all interfaces', () => {
    expect(loadConfig({ SANDBOX: 'true' }).host).toBe('127.0.0.1');
    expect(loadConfig({ SANDBOX: 'true', HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    expect(loadConfig({ CODAT_BASE_URL: 'https://api.codat.io', SECRETS_KEY: key }).host).toBe(
      '0.0.0.0',
    );
  });

  it('bounds each upstream call by UPSTREAM_DEADLINE_MS, by default UPSTREAM_TIMEOUT_MS', () => {
    expect(loadConfig({ UPSTREAM_TIMEOUT_MS: '1500' }).upstreams.codat).toMatchObject({
      timeoutMs: 1500,
      deadlineMs: 1500,
    });
    expect(
      loadConfig({ UPSTREAM_TIMEOUT_MS: '1500', UPSTREAM_DEADLINE_MS: '4000' }).upstreams.qard
        .deadlineMs,
    ).toBe(4000);
  });
});
