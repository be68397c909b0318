/**
 * Domain events the metrics endpoint counts (packages/http/src/metrics.ts subscribes). Core stays
 * free of any metrics library: use-cases and workers call these after their work has committed, and
 * with no subscriber they cost a loop over an empty set.
 */
export interface DomainMetricsSink {
  payoutCreated(status: string, scenario: string): void;
  paymentCreated(status: string, scenario: string): void;
  /** One recorded webhook attempt; `eventAgeSeconds` is the event's age when it was delivered (successes only). */
  webhookAttempt(endpointId: string, outcome: string, eventAgeSeconds: number | null): void;
}

const sinks = new Set<Partial<DomainMetricsSink>>();

/** Subscribes a sink for the life of the process; returns the unsubscribe function. */
export function addDomainMetricsSink(sink: Partial<DomainMetricsSink>): () => void {
  sinks.add(sink);
  return () => sinks.delete(sink);
}

function each(call: (sink: Partial<DomainMetricsSink>) => void): void {
  for (const sink of sinks) {
    try {
      call(sink);
    } catch {
      // A metrics failure never fails the business operation.
    }
  }
}

export const domainMetrics: DomainMetricsSink = {
  payoutCreated: (status, scenario) => each((s) => s.payoutCreated?.(status, scenario)),
  paymentCreated: (status, scenario) => each((s) => s.paymentCreated?.(status, scenario)),
  webhookAttempt: (endpointId, outcome, age) => each((s) => s.webhookAttempt?.(endpointId, outcome, age)),
};
