import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { startTracing } from '../../../src/observability/tracing.js';
import { tracingEnabled } from '../../../src/observability/spans.js';
import { createLogger } from '../../../src/server/logger.js';

describe('observability configuration', () => {
  it('leaves tracing off by default, and then starts nothing', async () => {
    const c = loadConfig({});
    expect(c.tracing).toEqual({ exporters: [], serviceName: 'commerce-graph' });
    expect(c.metricsMaxOperationNames).toBe(100);
    expect(await startTracing(c.tracing, createLogger('silent'))).toBeUndefined();
    expect(tracingEnabled()).toBe(false);
  });

  it.each([
    [{ OTEL_TRACES_EXPORTER: 'otlp' }, ['otlp']],
    [{ OTEL_TRACES_EXPORTER: 'console, otlp' }, ['console', 'otlp']],
    [{ OTEL_TRACES_EXPORTER: 'none' }, []],
    // An endpoint alone means OTLP, as the specification's default exporter.
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, ['otlp']],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }, ['otlp']],
    [{ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, []],
    [{ OTEL_TRACES_EXPORTER: 'otlp', OTEL_SDK_DISABLED: 'true' }, []],
  ])('reads %j as exporters %j', (env, exporters) => {
    expect(loadConfig(env).tracing.exporters).toEqual(exporters);
  });

  it('takes the service name from OTEL_SERVICE_NAME', () => {
    expect(loadConfig({ OTEL_SERVICE_NAME: 'gateway-eu' }).tracing.serviceName).toBe('gateway-eu');
  });

  it.each([
    [
      'OTEL_TRACES_EXPORTER',
      'zipkin',
      /^Invalid OTEL_TRACES_EXPORTER: expected otlp, console, none/,
    ],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'collector:4318', /^Invalid OTEL_EXPORTER_OTLP_ENDPOINT: /],
    ['OTEL_SDK_DISABLED', 'perhaps', /^Invalid OTEL_SDK_DISABLED: expected true or false/],
    ['METRICS_MAX_OPERATION_NAMES', 'many', /^Invalid METRICS_MAX_OPERATION_NAMES: /],
  ])('refuses %s=%s with one line', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });
});
