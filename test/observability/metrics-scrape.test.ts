// A live scrape of the real service: its /metrics output passes `promtool check metrics`, and the
// metric families it exports are exactly gen/observability/metric-names.ts (which the rules and the
// dashboard are checked against) — so a renamed metric breaks a test, not an alert in production.
import t from 'tap'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildApp } from '../../src/app.ts'
import { loadConfig } from '../../src/config.ts'
import { processMetrics, serviceMetrics, type MetricFamily } from '../../gen/observability/metric-names.ts'
import { promtool } from './promtool.ts'

const dir = mkdtempSync(join(tmpdir(), 'todo-scrape-'))

const config = loadConfig({
  STORAGE_PATH: join(dir, 'todo.db'),
  AI_BACKEND: 'rules',
  LOG_LEVEL: 'ERROR',
  JWT_SECRET: 'test-secret-not-real-0123456789abcdef',
})
const app = await buildApp(config, { logStream: { write() {} } })
t.teardown(async () => {
  await app.close() // first: closing flushes the store into dir
  rmSync(dir, { recursive: true, force: true })
})
const base = await app.listen({ host: '127.0.0.1', port: 0 })

async function call(method: string, path: string, body?: unknown, token?: string) {
  const headers: Record<string, string> = {}
  if (body !== undefined) headers['content-type'] = 'application/json'
  if (token) headers.authorization = `Bearer ${token}`
  const res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
  return { status: res.status, body: res.status === 204 ? null : await res.json() }
}

// Traffic that touches every family: requests, tasks, a session, an AI (rules) turn, an error.
const signup = await call('POST', '/auth/signup', { email: 'scrape@example.test', password: 'test-password-not-real' })
const token = signup.body.token as string
await call('POST', '/tasks', { title: 'buy milk' }, token)
const session = await call('POST', '/sessions', undefined, token)
await call('POST', `/sessions/${session.body.session_id}/messages`, { message: 'add call mom tomorrow' }, token)
await call('GET', '/tasks/9999', undefined, token)

const scrape = await (await fetch(`${base}/metrics`)).text()

/** `# TYPE name type` lines → families; sample lines → label names seen per series name. */
function parseExposition(text: string) {
  const types = new Map<string, string>()
  const labels = new Map<string, Set<string>>()
  for (const line of text.split('\n')) {
    const type = line.match(/^# TYPE (\S+) (\S+)$/)
    if (type) types.set(type[1]!, type[2]!)
    const sample = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? /)
    if (sample) {
      const names = [...(sample[2] ?? '').matchAll(/([a-zA-Z_]\w*)="/g)].map((m) => m[1]!)
      labels.set(sample[1]!, new Set([...(labels.get(sample[1]!) ?? []), ...names]))
    }
  }
  return { types, labels }
}

t.test('the traffic went through', async (t) => {
  t.equal(signup.status, 201)
  t.equal(session.status, 201)
})

// Names fixed by others that break the "_total is for counters" convention: FR-44 names the tasks gauge
// todo_app_tasks_total; prom-client names its handle/request/resource gauges so. Anything else fails.
const acceptedLint = new Set([
  'todo_app_tasks_total non-counter metrics should not have "_total" suffix',
  'nodejs_active_handles_total non-counter metrics should not have "_total" suffix',
  'nodejs_active_requests_total non-counter metrics should not have "_total" suffix',
  'nodejs_active_resources_total non-counter metrics should not have "_total" suffix',
])

t.test('promtool check metrics accepts the live /metrics output', async (t) => {
  const run = promtool(t, 'lint of the live /metrics exposition')
  if (!run) return
  const result = run(['check', 'metrics'], scrape)
  // 0: clean; 3: lint problems only (listed on output); anything else: the exposition did not parse.
  t.ok(result.status === 0 || result.status === 3, `promtool parsed the exposition (exit ${result.status}): ${result.output}`)
  const problems = result.output.split('\n').map((l) => l.trim()).filter(Boolean)
  t.same(problems.filter((p) => !acceptedLint.has(p)), [], 'no lint problems beyond the documented names')
})

t.test('the service exports exactly the documented todo_app_* families, with their types and labels', async (t) => {
  const { types, labels } = parseExposition(scrape)
  const exportedApp = [...types.keys()].filter((name) => name.startsWith('todo_app_')).sort()
  t.same(exportedApp, Object.keys(serviceMetrics).sort())
  for (const [name, family] of Object.entries(serviceMetrics) as Array<[string, MetricFamily]>) {
    t.equal(types.get(name), family.type, `${name} is a ${family.type}`)
    const series = family.type === 'histogram' ? `${name}_count` : name
    const seen = labels.get(series)
    t.ok(seen, `${series} has samples after the traffic`)
    t.same([...(seen ?? [])].sort(), [...family.labels].sort(), `${series} labels`)
  }
})

t.test('the process metrics the dashboard uses are exported', async (t) => {
  const { types } = parseExposition(scrape)
  for (const [name, family] of Object.entries(processMetrics) as Array<[string, MetricFamily]>) {
    t.equal(types.get(name), family.type, `${name} is a ${family.type}`)
  }
})
