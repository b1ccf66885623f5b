import { Gauge, type Registry } from 'prom-client';
import { observedCounter } from '../observability/metrics.js';
import type { AdmissionRefusal, OperationAdmission } from './admission.js';

const REFUSALS: readonly AdmissionRefusal[] = ['queue-full', 'queue-timeout', 'client-closed'];

/** The admission limit, the operations running and waiting, and the refusals, read per scrape. */
export function registerAdmissionMetrics(registry: Registry, admission: OperationAdmission): void {
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });
  gauge(
    'graphql_admission_limit',
    'GraphQL operations allowed to run at once.',
    () => admission.limit,
  );
  gauge('graphql_operations_in_flight', 'GraphQL operations running.', () => admission.inFlight);
  gauge(
    'graphql_operations_queued',
    'GraphQL operations waiting for a slot.',
    () => admission.queued,
  );
  observedCounter(
    registry,
    'graphql_operations_refused_total',
    'GraphQL operations that did not run, by reason.',
    ['reason'],
    () => REFUSALS.map((reason) => [{ reason }, admission.refused(reason)] as const),
  );
}
