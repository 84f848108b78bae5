// Prometheus Operator objects for one environment (FR-44, AC-8): the ServiceMonitor that scrapes
// todo-app-service, and the PrometheusRule with the alerts. No namespace: kustomize sets it per overlay.
import { repository, type Environment } from '../environments.ts'
import { metricsPath, names, partOf, portName, selectorLabels } from '../constants.ts'
import { labelValues } from './metric-names.ts'
import type { IServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor'
import type { IPrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule'

/** Labels on every monitoring object. `release` is what kube-prometheus-stack's Prometheus selects by default. */
export function monitoringLabels(): Record<string, string> {
  return {
    'app.kubernetes.io/name': names.app,
    'app.kubernetes.io/component': 'monitoring',
    ...partOf,
    release: 'kube-prometheus-stack',
  }
}

/** On ServiceMonitor and PrometheusRule: Argo CD's dry run fails on a kind whose CRD is not installed yet
 *  (the Prometheus Operator may come later); skip it for these, so the rest of the overlay still syncs. */
export const monitoringAnnotations = { 'argocd.argoproj.io/sync-options': 'SkipDryRunOnMissingResource=true' }

export function serviceMonitor(_env: Environment): IServiceMonitor {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: { name: names.app, labels: monitoringLabels(), annotations: monitoringAnnotations },
    spec: {
      // The label todo-app-service carries (base/service.yaml; test/observability checks they agree).
      selector: { matchLabels: selectorLabels },
      endpoints: [
        {
          port: portName,
          path: metricsPath,
          interval: '30s',
          scrapeTimeout: '10s',
          // The operator adds a target label `endpoint` (the port name), which would rename the service's
          // own `endpoint` label (the route) to `exported_endpoint`. Put the route back under its name.
          metricRelabelings: [
            { sourceLabels: ['exported_endpoint'], regex: '(.+)', targetLabel: 'endpoint', replacement: '$1', action: 'replace' },
            { regex: 'exported_endpoint', action: 'labeldrop' },
          ],
        },
      ],
    },
  }
}

export interface Alert {
  alert: string
  expr: string
  for: string
  labels: Record<string, string>
  annotations: { summary: string; description: string; runbook_url: string }
}

/** The alerts (docs/observability.md explains each). Every selector names the namespace, so one
 *  Prometheus watching staging and prod alerts once per environment. */
export function alerts(env: Environment): Alert[] {
  const ns = `namespace="${env.namespace}"`
  const pods = `${ns},pod=~"${names.deployment}-.*"`
  // Paging severity only where users are; staging alerts are for the team's channel.
  const page = env.name === 'prod' ? 'critical' : 'warning'
  const labels = (severity: string) => ({ severity, environment: env.name })
  const docs = repository.url.replace(/\.git$/, '') + '/blob/main/docs/observability.md'
  const runbook = (anchor: string) => `${docs}#${anchor.toLowerCase()}`
  return [
    {
      alert: 'TodoAppHighErrorRate',
      expr:
        `sum(rate(todo_app_requests_total{${ns},status=~"5.."}[5m]))\n` +
        `  / sum(rate(todo_app_requests_total{${ns}}[5m])) > 0.05`,
      for: '5m',
      labels: labels(page),
      annotations: {
        summary: `More than 5% of todo-app requests in ${env.name} fail with 5xx`,
        description: '{{ $value | humanizePercentage }} of requests answered 5xx over the last 5 minutes.',
        runbook_url: runbook('todoapphigherrorrate'),
      },
    },
    {
      alert: 'TodoAppHighLatencyP99',
      // The chat endpoint waits for the AI backend; its latency is watched by the AI alerts instead.
      expr:
        `histogram_quantile(0.99, sum by (le) (rate(todo_app_request_duration_seconds_bucket{${ns},endpoint!~"/sessions/.+/messages"}[5m])))\n` +
        `  > 0.5`,
      for: '10m',
      labels: labels('warning'),
      annotations: {
        summary: `todo-app p99 latency in ${env.name} is above 500 ms (AI turns excluded)`,
        description: 'p99 request latency is {{ $value | humanizeDuration }} over the last 5 minutes.',
        runbook_url: runbook('todoapphighlatencyp99'),
      },
    },
    {
      alert: 'TodoAppAIBackendFailures',
      expr:
        `sum(rate(todo_app_ai_requests_total{${ns},outcome!="${labelValues.aiSuccessOutcome}"}[5m]))\n` +
        `  / sum(rate(todo_app_ai_requests_total{${ns}}[5m])) > 0.2`,
      for: '10m',
      labels: labels('warning'),
      annotations: {
        summary: `More than 20% of AI backend calls in ${env.name} fail or time out`,
        description: '{{ $value | humanizePercentage }} of assistant turns failed over the last 5 minutes; the chat answers 502/503.',
        runbook_url: runbook('todoappaibackendfailures'),
      },
    },
    {
      alert: 'TodoAppPodRestarting',
      expr: `sum by (pod) (increase(kube_pod_container_status_restarts_total{${pods}}[15m])) > 2`,
      for: '1m',
      labels: labels('warning'),
      annotations: {
        summary: `A todo-app pod in ${env.name} restarted more than twice in 15 minutes`,
        description: 'Pod {{ $labels.pod }} restarted {{ $value }} times in 15 minutes (crash loop or failing liveness probe).',
        runbook_url: runbook('todoapppodrestarting'),
      },
    },
    {
      alert: 'TodoAppStorageUnavailable',
      // Errors while pods still serve, or pods taken out of the Service by a failing /readyz (which checks
      // storage): once every pod is unready nothing is scraped, so the second half is what keeps firing.
      expr:
        `sum(increase(todo_app_errors_total{${ns},type="${labelValues.storageErrorType}"}[5m])) > 0\n` +
        `or\n` +
        `sum(kube_pod_status_ready{${pods},condition="false"}) > 0`,
      for: '2m',
      labels: labels(page),
      annotations: {
        summary: `todo-app storage in ${env.name} is unavailable`,
        description: 'Storage errors are counted or pods fail their readiness probe (/readyz checks the data volume).',
        runbook_url: runbook('todoappstorageunavailable'),
      },
    },
    {
      alert: 'TodoAppShedding',
      expr: `sum(rate(todo_app_errors_total{${ns},type="${labelValues.overloadedErrorType}"}[5m])) > 0`,
      for: '5m',
      labels: labels('warning'),
      annotations: {
        summary: `todo-app in ${env.name} is shedding load (503 under pressure)`,
        description: 'Pods reject {{ $value | printf "%.2f" }} requests/s as overloaded (event loop or memory pressure).',
        runbook_url: runbook('todoappshedding'),
      },
    },
  ]
}

export function prometheusRule(env: Environment): IPrometheusRule {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: { name: names.app, labels: monitoringLabels(), annotations: monitoringAnnotations },
    spec: { groups: [{ name: `todo-app.${env.name}.alerts`, rules: alerts(env) }] },
  }
}
