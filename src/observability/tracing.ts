import type { SpanExporter } from '@opentelemetry/sdk-trace-node';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { setTracingEnabled } from './spans.js';

export interface Tracing {
  /** Sends the spans still buffered and stops tracing. */
  shutdown(): Promise<void>;
}

/**
 * Starts OpenTelemetry tracing when the configuration asks for it (OTEL_TRACES_EXPORTER or an
 * OTLP endpoint; see config.ts), or when a test hands its own exporter. The SDK is loaded only
 * then: a gateway without tracing never loads it, and its request paths test one boolean
 * (spans.ts). The OTLP exporter, the batch processor and the sampler read their own OTEL_*
 * variables (endpoint, headers, timeouts, OTEL_TRACES_SAMPLER).
 *
 * OpenTelemetry's tracer provider, context manager and propagator are process-wide, so this is
 * called once per process (main.ts), not per app.
 */
export async function startTracing(
  config: Config['tracing'],
  logger: Logger,
  options: { exporter?: SpanExporter } = {},
): Promise<Tracing | undefined> {
  if (config.exporters.length === 0 && !options.exporter) return undefined;
  const [node, { W3CTraceContextPropagator }, resources] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/core'),
    import('@opentelemetry/resources'),
  ]);
  const processors = [];
  if (options.exporter) {
    // Tests read spans as soon as the request is answered.
    processors.push(new node.SimpleSpanProcessor(options.exporter));
  }
  for (const name of config.exporters) {
    const exporter =
      name === 'console'
        ? new node.ConsoleSpanExporter()
        : new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter();
    processors.push(new node.BatchSpanProcessor(exporter));
  }
  const resource = resources
    .defaultResource()
    // telemetry.sdk.* from the SDK's default, then our service name,
    .merge(resources.resourceFromAttributes({ 'service.name': config.serviceName }))
    // OTEL_RESOURCE_ATTRIBUTES, and OTEL_SERVICE_NAME over it, as the specification orders.
    .merge(resources.detectResources({ detectors: [resources.envDetector] }));
  const provider = new node.NodeTracerProvider({ resource, spanProcessors: processors });
  // W3C trace context only: a caller's `traceparent` continues its trace, and every upstream
  // call carries ours. Baggage is not propagated: it could carry a caller's data to upstreams.
  provider.register({ propagator: new W3CTraceContextPropagator() });
  setTracingEnabled(true);
  logger.info({ exporters: config.exporters, service: config.serviceName }, 'tracing on');
  return {
    async shutdown() {
      setTracingEnabled(false);
      await provider.shutdown();
    },
  };
}
