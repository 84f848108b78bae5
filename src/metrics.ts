// Prometheus metrics (FR-44, docs/observability.md): exactly these names, one Registry per app instance
// (tests build many apps; a global registry would collide).

import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'

export interface Metrics {
  registry: Registry
  requestsTotal: Counter<'method' | 'endpoint' | 'status'>
  requestDuration: Histogram<'method' | 'endpoint'>
  tasksTotal: Gauge
  sessionsActive: Gauge
  aiRequestsTotal: Counter<'backend' | 'outcome'>
  aiRequestDuration: Histogram<'backend' | 'outcome'>
  errorsTotal: Counter<'type'>
}

/** Values computed at scrape time (from the store), so every replica reports the shared truth. */
export interface MetricSources {
  tasksTotal?: () => Promise<number>
  sessionsActive?: () => Promise<number>
}

export function createMetrics(sources: MetricSources = {}): Metrics {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const registers = [registry]

  const gauge = (name: string, help: string, source?: () => Promise<number>) =>
    new Gauge({
      name,
      help,
      registers,
      // A failing source (storage down) leaves the last value rather than failing the whole scrape.
      async collect() {
        if (!source) return
        try {
          this.set(await source())
        } catch {
          /* keep the previous value */
        }
      },
    })

  return {
    registry,
    requestsTotal: new Counter({
      name: 'todo_app_requests_total',
      help: 'HTTP requests by method, route pattern and status',
      labelNames: ['method', 'endpoint', 'status'],
      registers,
    }),
    requestDuration: new Histogram({
      name: 'todo_app_request_duration_seconds',
      help: 'HTTP request duration in seconds',
      labelNames: ['method', 'endpoint'], // no status: keeps the histogram's series count small
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    tasksTotal: gauge('todo_app_tasks_total', 'Tasks stored, all users', sources.tasksTotal),
    sessionsActive: gauge('todo_app_sessions_active', 'Chat sessions not yet expired', sources.sessionsActive),
    aiRequestsTotal: new Counter({
      name: 'todo_app_ai_requests_total',
      help: 'AI backend calls by backend and outcome',
      labelNames: ['backend', 'outcome'],
      registers,
    }),
    aiRequestDuration: new Histogram({
      name: 'todo_app_ai_request_duration_seconds',
      help: 'AI backend call duration in seconds',
      labelNames: ['backend', 'outcome'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    }),
    errorsTotal: new Counter({
      name: 'todo_app_errors_total',
      help: 'Error responses by type',
      labelNames: ['type'],
      registers,
    }),
  }
}

/** The `endpoint` label: the route pattern in FR-44's notation (`/tasks/{id}`), never a raw URL. */
export function endpointLabel(routeUrl: string | undefined): string {
  if (!routeUrl) return 'unmatched'
  return routeUrl.replace(/:([A-Za-z0-9_]+)/g, '{$1}')
}
