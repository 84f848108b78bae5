import t from 'tap'
import { signup, testApp } from './helpers.ts'

const FR44 = [
  'todo_app_requests_total',
  'todo_app_request_duration_seconds',
  'todo_app_tasks_total',
  'todo_app_sessions_active',
  'todo_app_ai_requests_total',
  'todo_app_ai_request_duration_seconds',
  'todo_app_errors_total',
]

const families = (text: string) => [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => m[1])
const sample = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.split(' ').pop())
}

t.test('/metrics exposes exactly the FR-44 application metrics plus the Node.js process metrics', async (t) => {
  const { app } = await testApp(t)
  const res = await app.inject('/metrics')
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^text\/plain; version=0\.0\.4/)
  const names = families(res.body)
  t.same(names.filter((n) => n.startsWith('todo_app_')).sort(), [...FR44].sort())
  t.ok(names.includes('process_resident_memory_bytes'), 'default process metrics')
  t.ok(names.includes('nodejs_eventloop_lag_p99_seconds'), 'default Node.js metrics')
  t.match(res.body, /# TYPE todo_app_request_duration_seconds histogram/)
})

t.test('endpoint is the route pattern, never a raw URL with ids', async (t) => {
  const { app } = await testApp(t)
  const { auth } = await signup(app)
  await app.inject({ method: 'POST', url: '/tasks', headers: auth, payload: { title: 'a' } })
  for (const id of [1, 2, 3]) await app.inject({ url: `/tasks/${id}`, headers: auth })
  await app.inject({ url: '/tasks/abc', headers: auth })
  await app.inject('/no/such/route/123')
  await app.inject('/tasks?status=pending&q=secret-search')
  const text = (await app.inject('/metrics')).body

  t.equal(sample(text, 'todo_app_requests_total{method="GET",endpoint="/tasks/{id}",status="200"}'), 1)
  t.equal(sample(text, 'todo_app_requests_total{method="GET",endpoint="/tasks/{id}",status="404"}'), 2)
  t.equal(sample(text, 'todo_app_requests_total{method="GET",endpoint="/tasks/{id}",status="400"}'), 1)
  t.equal(sample(text, 'todo_app_requests_total{method="GET",endpoint="unmatched",status="404"}'), 1)
  t.equal(sample(text, 'todo_app_requests_total{method="GET",endpoint="/tasks",status="401"}'), 1)
  t.equal(sample(text, 'todo_app_request_duration_seconds_count{method="POST",endpoint="/tasks"}'), 1)
  const endpoints = new Set([...text.matchAll(/endpoint="([^"]*)"/g)].map((m) => m[1]))
  for (const e of endpoints) t.notMatch(e, /\/\d|abc|no\/such|\?/, `endpoint label ${e} holds no raw URL part`)
})

t.test('errors_total counts by type', async (t) => {
  const { app } = await testApp(t, { RATE_LIMIT_PER_MINUTE: '3' })
  const { auth } = await signup(app)
  await app.inject({ url: '/tasks/abc', headers: auth }) // validation
  await app.inject({ url: '/tasks' }) // auth
  await app.inject({ url: '/tasks/5', headers: auth }) // not_found
  await app.inject('/nowhere') // not_found (route)
  await app.inject({ url: '/tasks', headers: auth }) // 3rd for this user -> still allowed
  await app.inject({ url: '/tasks', headers: auth }) // rate_limited
  const text = (await app.inject('/metrics')).body
  t.equal(sample(text, 'todo_app_errors_total{type="validation"}'), 1)
  t.equal(sample(text, 'todo_app_errors_total{type="auth"}'), 1)
  t.equal(sample(text, 'todo_app_errors_total{type="not_found"}'), 2)
  t.equal(sample(text, 'todo_app_errors_total{type="rate_limited"}'), 1)
  t.equal(sample(text, 'todo_app_errors_total{type="internal"}'), undefined, 'no internal errors')
})

t.test('tasks_total and sessions_active are read from the store at scrape time', async (t) => {
  let now = new Date('2026-03-01T12:00:00Z')
  const { app, store } = await testApp(t, { SESSION_TIMEOUT_MINUTES: '30' }, { clock: () => now })
  const a = await signup(app, 'a@example.test')
  const b = await signup(app, 'b@example.test')
  for (const { auth } of [a, a, b]) await app.inject({ method: 'POST', url: '/tasks', headers: auth, payload: { title: 't' } })
  const session = (iso: string, id: string) => ({ id, user_id: a.userId, created_at: iso, last_activity: iso, messages: [], message_count: 0 })
  store.doc.sessions.fresh = session('2026-03-01T11:50:00Z', 'fresh')
  store.doc.sessions.old = session('2026-03-01T11:00:00Z', 'old')

  let text = (await app.inject('/metrics')).body
  t.equal(sample(text, 'todo_app_tasks_total'), 3, 'all users')
  t.equal(sample(text, 'todo_app_sessions_active'), 1, 'expired sessions are not counted')

  now = new Date('2026-03-01T12:30:00Z')
  text = (await app.inject('/metrics')).body
  t.equal(sample(text, 'todo_app_sessions_active'), 0, 'the injected clock decides expiry')
})

t.test('each app has its own registry', async (t) => {
  const one = await testApp(t)
  const two = await testApp(t)
  await one.app.inject('/nowhere')
  const text = (await two.app.inject('/metrics')).body
  t.equal(sample(text, 'todo_app_errors_total{type="not_found"}'), undefined)
})
