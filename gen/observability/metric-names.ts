// The one list of metrics the service exports (docs/observability.md, FR-44). The alert rules and the Grafana
// dashboard may only query names from here (or kube-state-metrics below); test/observability checks
// that, and compares this list with a live /metrics scrape of the service.

type MetricType = 'counter' | 'gauge' | 'histogram'

export interface MetricFamily {
  type: MetricType
  /** Label names on every sample (histograms add `le` on their _bucket series). */
  labels: readonly string[]
}

/** The service's own metrics (src/, prom-client). */
export const serviceMetrics = {
  todo_app_requests_total: { type: 'counter', labels: ['method', 'endpoint', 'status'] },
  todo_app_request_duration_seconds: { type: 'histogram', labels: ['method', 'endpoint'] },
  todo_app_tasks_total: { type: 'gauge', labels: [] },
  todo_app_sessions_active: { type: 'gauge', labels: [] },
  todo_app_ai_requests_total: { type: 'counter', labels: ['backend', 'outcome'] },
  todo_app_ai_request_duration_seconds: { type: 'histogram', labels: ['backend', 'outcome'] },
  todo_app_errors_total: { type: 'counter', labels: ['type'] },
} as const satisfies Record<string, MetricFamily>

/**
 * Label values the rules depend on. The service counts these exactly so:
 * - `todo_app_errors_total{type="storage"}`: the JSON store could not be read or written;
 * - `todo_app_errors_total{type="overloaded"}`: @fastify/under-pressure shed a request (503);
 * - `todo_app_ai_requests_total{outcome="success"}`: an AI turn that answered (anything else is a failure).
 */
export const labelValues = {
  storageErrorType: 'storage',
  overloadedErrorType: 'overloaded',
  aiSuccessOutcome: 'success',
} as const

/** prom-client's default Node.js process metrics that the dashboard uses (collectDefaultMetrics()). */
export const processMetrics = {
  process_cpu_seconds_total: { type: 'counter', labels: [] },
  process_resident_memory_bytes: { type: 'gauge', labels: [] },
  nodejs_eventloop_lag_p99_seconds: { type: 'gauge', labels: [] },
} as const satisfies Record<string, MetricFamily>

/** Cluster metrics from kube-state-metrics (installed with kube-prometheus-stack), not from the service. */
export const kubeStateMetrics = {
  kube_pod_status_ready: { type: 'gauge', labels: ['namespace', 'pod', 'condition'] },
  kube_pod_container_status_restarts_total: { type: 'counter', labels: ['namespace', 'pod', 'container'] },
} as const satisfies Record<string, MetricFamily>

/** Every series name a family produces: histograms expose _bucket, _sum and _count. */
export function seriesNames(families: Record<string, MetricFamily>): string[] {
  return Object.entries(families).flatMap(([name, family]) =>
    family.type === 'histogram' ? [`${name}_bucket`, `${name}_sum`, `${name}_count`] : [name],
  )
}
