// The PrometheusRule and the dashboard queries: valid for promtool, alerts that fire (and stay quiet)
// on sample series, and only metric names that the service (or kube-state-metrics) exports.
import t, { type Test } from 'tap'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stringify } from 'yaml'
import { environments, type Environment } from '../../gen/environments.ts'
import { alerts, prometheusRule } from '../../gen/observability/monitoring.ts'
import { dashboardPanels } from '../../gen/observability/dashboard.ts'
import { kubeStateMetrics, processMetrics, serviceMetrics, seriesNames } from '../../gen/observability/metric-names.ts'
import { asPromQL, metricNamesIn, parsePromQL } from './promql.ts'
import { promtool } from './promtool.ts'

const monitored = Object.values(environments).filter((env) => env.monitoring === 'prometheus-operator')
const exported = new Set(seriesNames({ ...serviceMetrics, ...processMetrics }))
const external = new Set(seriesNames(kubeStateMetrics))

function tempDir(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'todo-rules-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

function rulesFile(env: Environment): string {
  const rule = prometheusRule(env) as { spec: { groups: unknown[] } }
  return stringify({ groups: rule.spec.groups })
}

t.test('metricNamesIn finds metric names and nothing else', async (t) => {
  t.same(
    metricNamesIn('histogram_quantile(0.99, sum by (le, backend) (rate(a_bucket{x="y{z}",le!="1"}[5m]))) > 0.5 or b offset 5m'),
    ['a_bucket', 'b'],
  )
  t.same(metricNamesIn('sum(rate(x_total{ns="a"}[5m])) / sum without (pod) (y) > bool 1e3'), ['x_total', 'y'])
})

t.test('the PromQL grammar rejects broken expressions and accepts valid ones', async (t) => {
  t.same(parsePromQL('sum(rate(x_total[5m]))').errors, [])
  t.not(parsePromQL('sum(rate(x_total[5m])').errors.length, 0, 'unbalanced parenthesis')
  t.not(parsePromQL('rate(x_total{a="b"[5m])').errors.length, 0, 'unterminated label matchers')
  t.not(parsePromQL('x_total > > 1').errors.length, 0, 'two operators in a row')
})

t.test('staging and prod render the monitoring objects, dev does not', async (t) => {
  t.same(monitored.map((env) => env.name).sort(), ['prod', 'staging'])
})

for (const env of monitored) {
  t.test(`${env.name}: every alert expression is valid PromQL (Prometheus grammar)`, async (t) => {
    for (const a of alerts(env)) t.same(parsePromQL(a.expr).errors, [], `${a.alert}: ${a.expr}`)
  })

  t.test(`${env.name}: every dashboard query is valid PromQL (Prometheus grammar)`, async (t) => {
    for (const panel of dashboardPanels(env)) {
      for (const q of panel.queries) t.same(parsePromQL(asPromQL(q.expr)).errors, [], `${panel.title}: ${q.expr}`)
    }
  })

  t.test(`${env.name}: promtool check rules accepts the PrometheusRule`, async (t) => {
    const run = promtool(t, 'semantic check of the PrometheusRule')
    if (!run) return
    const file = join(tempDir(t), 'rules.yml')
    writeFileSync(file, rulesFile(env))
    const result = run(['check', 'rules', file])
    t.equal(result.status, 0, result.output)
    t.match(result.output, `SUCCESS: ${alerts(env).length} rules found`)
  })

  t.test(`${env.name}: the alerts cover the spec's failure modes`, async (t) => {
    t.same(
      alerts(env).map((a) => a.alert).sort(),
      ['TodoAppAIBackendFailures', 'TodoAppHighErrorRate', 'TodoAppHighLatencyP99', 'TodoAppPodRestarting', 'TodoAppShedding', 'TodoAppStorageUnavailable'],
    )
    for (const a of alerts(env)) {
      t.ok(a.expr.includes(`namespace="${env.namespace}"`), `${a.alert} is scoped to ${env.namespace}`)
      t.equal(a.labels.environment, env.name)
      t.match(a.labels.severity, /^(warning|critical)$/)
    }
  })

  t.test(`${env.name}: rules and dashboard query only exported metric names`, async (t) => {
    for (const a of alerts(env)) {
      for (const name of metricNamesIn(a.expr)) {
        t.ok(exported.has(name) || external.has(name), `${a.alert}: ${name} is exported by the service or kube-state-metrics`)
      }
    }
    const panels = dashboardPanels(env)
    t.ok(panels.length >= 8)
    for (const panel of panels) {
      for (const query of panel.queries) {
        const names = metricNamesIn(asPromQL(query.expr))
        t.ok(names.length > 0, `${panel.title}: query names a metric`)
        for (const name of names) t.ok(exported.has(name), `${panel.title}: ${name} is exported by the service`)
      }
    }
    // The dashboard shows every application metric of FR-44.
    const used = new Set(panels.flatMap((p) => p.queries.flatMap((q) => metricNamesIn(asPromQL(q.expr)))))
    for (const family of Object.keys(serviceMetrics)) {
      t.ok([...used].some((name) => name.startsWith(family)), `dashboard shows ${family}`)
    }
  })

  t.test(`${env.name}: every dashboard query passes promtool`, async (t) => {
    const run = promtool(t, 'semantic check of the dashboard queries')
    if (!run) return
    const rules = dashboardPanels(env).flatMap((panel, i) =>
      panel.queries.map((q, j) => ({ record: `dashboard:panel${i}_${j}`, expr: asPromQL(q.expr) })),
    )
    const file = join(tempDir(t), 'dashboard.yml')
    writeFileSync(file, stringify({ groups: [{ name: 'dashboard', rules }] }))
    const result = run(['check', 'rules', file])
    t.equal(result.status, 0, result.output)
  })
}

// Alert unit tests (promtool test rules) on prod's rules: the series are minutes of samples.
t.test('prod: alerts fire on failures and stay quiet when healthy (promtool test rules)', async (t) => {
  const run = promtool(t, 'alert unit tests')
  if (!run) return
  const env = environments.prod
  const ns = env.namespace
  const byName = Object.fromEntries(alerts(env).map((a) => [a.alert, a]))
  const expected = (name: string, extraLabels: Record<string, string> = {}, value?: string) => {
    const a = byName[name]!
    const annotations = { ...a.annotations }
    if (value !== undefined) annotations.description = annotations.description.replace(/\{\{ \$value[^}]*\}\}/, value)
    return { exp_labels: { ...a.labels, ...extraLabels }, exp_annotations: annotations }
  }
  const req = (status: string) => `todo_app_requests_total{namespace="${ns}",method="GET",endpoint="/tasks",status="${status}"}`
  const tests = [
    {
      name: '10% of requests fail: error-rate alert after 5 minutes',
      interval: '1m',
      input_series: [
        { series: req('200'), values: '0+90x30' },
        { series: req('500'), values: '0+10x30' },
      ],
      alert_rule_test: [
        { eval_time: '4m', alertname: 'TodoAppHighErrorRate', exp_alerts: [] },
        { eval_time: '15m', alertname: 'TodoAppHighErrorRate', exp_alerts: [expected('TodoAppHighErrorRate', {}, '10%')] },
      ],
    },
    {
      name: '1% of requests fail: below the threshold',
      interval: '1m',
      input_series: [
        { series: req('200'), values: '0+99x30' },
        { series: req('503'), values: '0+1x30' },
      ],
      alert_rule_test: [{ eval_time: '20m', alertname: 'TodoAppHighErrorRate', exp_alerts: [] }],
    },
    {
      name: 'other namespaces do not count',
      interval: '1m',
      input_series: [{ series: `todo_app_requests_total{namespace="elsewhere",status="500"}`, values: '0+10x30' }],
      alert_rule_test: [{ eval_time: '20m', alertname: 'TodoAppHighErrorRate', exp_alerts: [] }],
    },
    {
      name: 'storage errors are counted: storage alert',
      interval: '1m',
      input_series: [{ series: `todo_app_errors_total{namespace="${ns}",type="storage"}`, values: '0 0 1 2 3 4 5 6 7 8 9 10' }],
      alert_rule_test: [
        { eval_time: '2m', alertname: 'TodoAppStorageUnavailable', exp_alerts: [] },
        { eval_time: '8m', alertname: 'TodoAppStorageUnavailable', exp_alerts: [expected('TodoAppStorageUnavailable')] },
      ],
    },
    {
      name: 'every pod unready (nothing left to scrape): storage alert from kube-state-metrics',
      interval: '1m',
      input_series: [
        { series: `kube_pod_status_ready{namespace="${ns}",pod="todo-app-deployment-5d9c-abcde",condition="false"}`, values: '0 0 1 1 1 1 1 1 1 1' },
        { series: `kube_pod_status_ready{namespace="${ns}",pod="todo-app-deployment-5d9c-abcde",condition="true"}`, values: '1 1 0 0 0 0 0 0 0 0' },
      ],
      alert_rule_test: [
        { eval_time: '1m', alertname: 'TodoAppStorageUnavailable', exp_alerts: [] },
        { eval_time: '6m', alertname: 'TodoAppStorageUnavailable', exp_alerts: [expected('TodoAppStorageUnavailable')] },
      ],
    },
    {
      name: 'ready pods, no storage errors: no storage alert',
      interval: '1m',
      input_series: [
        { series: `kube_pod_status_ready{namespace="${ns}",pod="todo-app-deployment-5d9c-abcde",condition="false"}`, values: '0x10' },
        { series: `todo_app_errors_total{namespace="${ns}",type="validation"}`, values: '0+5x10' },
      ],
      alert_rule_test: [{ eval_time: '10m', alertname: 'TodoAppStorageUnavailable', exp_alerts: [] }],
    },
    {
      name: 'requests shed as overloaded: shedding alert',
      interval: '1m',
      input_series: [{ series: `todo_app_errors_total{namespace="${ns}",type="overloaded"}`, values: '0+30x20' }],
      alert_rule_test: [{ eval_time: '12m', alertname: 'TodoAppShedding', exp_alerts: [expected('TodoAppShedding', {}, '0.50')] }],
    },
  ]
  const dir = tempDir(t)
  writeFileSync(join(dir, 'rules.yml'), rulesFile(env))
  writeFileSync(join(dir, 'tests.yml'), stringify({ rule_files: ['rules.yml'], evaluation_interval: '1m', tests }))
  const result = run(['test', 'rules', join(dir, 'tests.yml')])
  t.equal(result.status, 0, result.output)
  t.match(result.output, 'SUCCESS')
})
