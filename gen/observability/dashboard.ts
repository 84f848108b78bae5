// The Grafana dashboard for one environment (FR-44, AC-8), shipped as a ConfigMap that Grafana's
// dashboard sidecar (kube-prometheus-stack) loads because of its `grafana_dashboard: "1"` label.
// One dashboard per environment (uid todo-app-<env>), its queries fixed to that namespace.
import type { k8s } from 'cdk8s-plus-28'
import type { Environment } from '../environments.ts'
import { monitoringLabels } from './monitoring.ts'

interface Query {
  expr: string
  legendFormat: string
}

interface Panel {
  title: string
  type: 'timeseries' | 'stat'
  unit: string
  queries: Query[]
  description?: string
}

/** The panels, in reading order: traffic, latency, data, AI, errors, process. */
export function dashboardPanels(env: Environment): Panel[] {
  const ns = `namespace="${env.namespace}"`
  const rate = (selector: string) => `rate(${selector}[$__rate_interval])`
  const quantile = (q: number, bucket: string, by = 'le') =>
    `histogram_quantile(${q}, sum by (${by}) (${rate(bucket)}))`
  return [
    {
      title: 'Requests per second by status',
      type: 'timeseries',
      unit: 'reqps',
      queries: [{ expr: `sum by (status) (${rate(`todo_app_requests_total{${ns}}`)})`, legendFormat: '{{status}}' }],
    },
    {
      title: 'Requests per second by endpoint',
      type: 'timeseries',
      unit: 'reqps',
      queries: [
        {
          expr: `sum by (method, endpoint) (${rate(`todo_app_requests_total{${ns}}`)})`,
          legendFormat: '{{method}} {{endpoint}}',
        },
      ],
    },
    {
      title: 'Request latency',
      type: 'timeseries',
      unit: 's',
      queries: [0.5, 0.95, 0.99].map((q) => ({
        expr: quantile(q, `todo_app_request_duration_seconds_bucket{${ns}}`),
        legendFormat: `p${q * 100}`,
      })),
    },
    {
      title: 'Tasks',
      type: 'stat',
      unit: 'short',
      // Every replica reads the same store, so they all report the same figure: max, not sum.
      description: 'Tasks in the store (all users).',
      queries: [{ expr: `max(todo_app_tasks_total{${ns}})`, legendFormat: 'tasks' }],
    },
    {
      title: 'Active sessions',
      type: 'stat',
      unit: 'short',
      description: 'Chat sessions that have not expired (shared store: max over replicas).',
      queries: [{ expr: `max(todo_app_sessions_active{${ns}})`, legendFormat: 'sessions' }],
    },
    {
      title: 'AI calls per second',
      type: 'timeseries',
      unit: 'reqps',
      queries: [
        {
          expr: `sum by (backend, outcome) (${rate(`todo_app_ai_requests_total{${ns}}`)})`,
          legendFormat: '{{backend}} {{outcome}}',
        },
      ],
    },
    {
      title: 'AI call latency (p50, p99)',
      type: 'timeseries',
      unit: 's',
      queries: [0.5, 0.99].map((q) => ({
        expr: quantile(q, `todo_app_ai_request_duration_seconds_bucket{${ns}}`, 'le, backend'),
        legendFormat: `{{backend}} p${q * 100}`,
      })),
    },
    {
      title: 'Errors per second by type',
      type: 'timeseries',
      unit: 'reqps',
      queries: [{ expr: `sum by (type) (${rate(`todo_app_errors_total{${ns}}`)})`, legendFormat: '{{type}}' }],
    },
    {
      title: 'Memory per pod (RSS)',
      type: 'timeseries',
      unit: 'bytes',
      queries: [{ expr: `sum by (pod) (process_resident_memory_bytes{${ns}})`, legendFormat: '{{pod}}' }],
    },
    {
      title: 'CPU per pod',
      type: 'timeseries',
      unit: 'short',
      queries: [{ expr: `sum by (pod) (${rate(`process_cpu_seconds_total{${ns}}`)})`, legendFormat: '{{pod}}' }],
    },
    {
      title: 'Event loop lag p99 per pod',
      type: 'timeseries',
      unit: 's',
      queries: [{ expr: `max by (pod) (nodejs_eventloop_lag_p99_seconds{${ns}})`, legendFormat: '{{pod}}' }],
    },
  ]
}

/** The Grafana dashboard JSON model (schemaVersion 39): two panels per row, 8 units high. */
function dashboard(env: Environment): Record<string, unknown> {
  const datasource = { type: 'prometheus', uid: '${datasource}' }
  const panels = dashboardPanels(env).map((panel, i) => ({
    id: i + 1,
    title: panel.title,
    type: panel.type,
    ...(panel.description ? { description: panel.description } : {}),
    datasource,
    gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
    fieldConfig: { defaults: { unit: panel.unit }, overrides: [] },
    options: {},
    targets: panel.queries.map((query, j) => ({
      datasource,
      expr: query.expr,
      legendFormat: query.legendFormat,
      refId: String.fromCharCode(65 + j),
    })),
  }))
  return {
    uid: `todo-app-${env.name}`,
    title: `Todo App (${env.name})`,
    tags: ['todo-app', env.name],
    timezone: 'browser',
    schemaVersion: 39,
    version: 1,
    editable: false,
    refresh: '30s',
    time: { from: 'now-6h', to: 'now' },
    templating: {
      list: [{ name: 'datasource', label: 'Data source', type: 'datasource', query: 'prometheus', current: {}, hide: 0 }],
    },
    annotations: { list: [] },
    panels,
  }
}

export function dashboardConfigMap(env: Environment): k8s.KubeConfigMapProps {
  return {
    metadata: {
      name: 'todo-app-dashboard',
      labels: { ...monitoringLabels(), grafana_dashboard: '1' },
      // Folder for sidecars that honour a folder annotation (kube-prometheus-stack: sidecar.dashboards.folderAnnotation).
      annotations: { grafana_folder: 'Todo App' },
    },
    data: { [`todo-app-${env.name}.json`]: JSON.stringify(dashboard(env), null, 2) + '\n' },
  }
}
