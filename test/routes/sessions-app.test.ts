// The session routes in the whole app (buildApp + app.inject, real JWT auth, the SQLite store): the chat
// contract, logs, and what a failing model backend does to the rest of the service.

import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { buildApp } from '../../src/app.ts'
import type { Config } from '../../src/config.ts'
import { MAX_TOOL_ROUNDS } from '../../src/assistant/turn.ts'
import { deadUrl, startFakeOllama } from '../assistant/fake-servers.ts'
import { testConfig } from '../assistant/helpers.ts'

async function setup(t: { teardown(fn: () => unknown): void }, overrides: Partial<Config> = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'sessions-app-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const logs: Record<string, unknown>[] = []
  const config = testConfig({ storagePath: join(dir, 'todo.db'), jwtSecret: 'test-secret-not-real-0123456789abcdef', logLevel: 'INFO', ...overrides })
  const app = await buildApp(config, { logStream: { write: (line) => void logs.push(JSON.parse(line)) } })
  t.teardown(() => app.close())
  const signup = async (email: string) => {
    const res = await app.inject({ method: 'POST', url: '/auth/signup', payload: { email, password: 'correct horse battery staple' } })
    const { token } = res.json()
    const headers = { authorization: `Bearer ${token}` }
    return {
      post: (url: string, payload?: object) => app.inject({ method: 'POST', url, headers, ...(payload ? { payload } : {}) }),
      get: (url: string) => app.inject({ method: 'GET', url, headers }),
    }
  }
  return { app, logs, alice: await signup('alice@example.test'), bob: await signup('bob@example.test') }
}

t.test('rules backend: chat changes tasks that REST sees; logs carry session, intent, confidence, task', async (t) => {
  const { alice, bob, logs } = await setup(t)
  const created = await alice.post('/sessions')
  t.equal(created.statusCode, 201)
  const { session_id } = created.json()

  const chat = await alice.post(`/sessions/${session_id}/messages`, { message: 'add buy milk tomorrow #home high priority' })
  t.equal(chat.statusCode, 200)
  const body = chat.json()
  t.match(body, { session_id, intent: 'AddTask', confidence: 0.95, tool_calls: [{ tool: 'add_task' }] })
  t.match((await alice.get('/tasks')).json().tasks, [{ id: 1, title: 'buy milk', priority: 'high', tags: ['home'] }])
  t.same((await bob.get('/tasks')).json().tasks, [], "bob's list is untouched")

  const line = logs.find((l) => l.message === 'chat turn')
  t.match(line, { level: 'INFO', session_id, intent: 'AddTask', confidence: 0.95, task_id: 1, request_id: body.request_id })

  t.equal((await bob.get(`/sessions/${session_id}`)).statusCode, 404)
  t.match((await bob.post(`/sessions/${session_id}/messages`, { message: 'delete task 1' })).json(), { error: { code: 'SESSION_NOT_FOUND' }, request_id: /.+/ })
  t.equal((await alice.get('/tasks')).json().tasks.length, 1)
  t.equal((await alice.post(`/sessions/${session_id}/messages`, { message: 'hi', role: 'system' })).statusCode, 400)
  t.equal((await alice.get(`/sessions/${session_id}`)).json().message_count, 2)
})

t.test('the session time zone and a bulk confirmation are kept in the SQLite store', async (t) => {
  const { alice } = await setup(t)
  const created = await alice.post('/sessions', { timezone: 'Pacific/Auckland' })
  t.equal(created.statusCode, 201)
  const { session_id } = created.json()
  t.equal((await alice.get(`/sessions/${session_id}`)).json().timezone, 'Pacific/Auckland', 'read back from the store')
  t.match((await alice.post('/sessions', { timezone: 'Nowhere/Special' })).json(), { error: { code: 'VALIDATION_ERROR', message: /not an IANA time zone/ }, request_id: /.+/ })

  await alice.post(`/sessions/${session_id}/messages`, { message: 'add a' })
  await alice.post(`/sessions/${session_id}/messages`, { message: 'add b' })
  const ask = (await alice.post(`/sessions/${session_id}/messages`, { message: 'delete all my tasks' })).json()
  t.match(ask.reply, /This will delete 2 tasks/)
  t.equal((await alice.get('/tasks')).json().tasks.length, 2, 'nothing deleted before the yes')
  const yes = (await alice.post(`/sessions/${session_id}/messages`, { message: 'yes' })).json()
  t.match(yes, { intent: 'DeleteTask', reply: /Deleted 2 tasks/ })
  t.same((await alice.get('/tasks')).json().tasks, [])
})

t.test('ollama backend: a failed turn answers 502/503 with a JSON error, keeps its changes, and REST keeps working', async (t) => {
  const fake = await startFakeOllama()
  t.teardown(() => fake.close())
  const { alice, app } = await setup(t, { aiBackend: 'ollama', ollamaEndpoint: fake.url, aiTimeoutSeconds: 5 })
  const { session_id } = (await alice.post('/sessions')).json()

  fake.script.push({ reply: { tool_calls: [{ function: { name: 'add_task', arguments: { title: 'Buy milk' } } }] } }, { reply: { content: 'Added "Buy milk".' } })
  const ok = await alice.post(`/sessions/${session_id}/messages`, { message: 'add buy milk' })
  t.match(ok.json(), { reply: 'Added "Buy milk".', intent: 'AddTask', confidence: 0.9 })

  // A model that never stops calling tools (adding a task each round).
  for (let i = 0; i <= MAX_TOOL_ROUNDS; i++) fake.script.push({ reply: { tool_calls: [{ function: { name: 'add_task', arguments: { title: `Loop ${i}` } } }] } })
  const failed = await alice.post(`/sessions/${session_id}/messages`, { message: 'add a few things' })
  t.equal(failed.statusCode, 502)
  t.match(failed.json(), { error: { code: 'AI_BAD_RESPONSE', message: 'The AI backend sent an unusable answer' }, request_id: /.+/ })

  const tasks = (await alice.get('/tasks')).json().tasks
  t.equal(tasks.length, 1 + MAX_TOOL_ROUNDS, 'the tasks the failed turn added are kept')
  const history = (await alice.get(`/sessions/${session_id}/messages`)).json().messages
  t.equal(history.length, 4)
  t.match(history[3], { role: 'assistant', content: /failed \(AI_BAD_RESPONSE\).*5 tool call\(s\) ran before the failure/ })
  t.equal(history[3].tool_calls.length, MAX_TOOL_ROUNDS, 'and reported in the history')

  // The REST API is untouched by the AI failure.
  t.equal((await alice.post('/tasks', { title: 'by hand' })).statusCode, 201)
  const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body
  t.match(metrics, /todo_app_ai_requests_total\{backend="ollama",outcome="success"} \d+/)
})

t.test('ollama unreachable: 503 AI_UNAVAILABLE, /health degraded but 200', async (t) => {
  const { alice, app } = await setup(t, { aiBackend: 'ollama', ollamaEndpoint: await deadUrl() })
  const { session_id } = (await alice.post('/sessions')).json()
  const res = await alice.post(`/sessions/${session_id}/messages`, { message: 'add buy milk' })
  t.equal(res.statusCode, 503)
  t.match(res.json(), { error: { code: 'AI_UNAVAILABLE' } })
  const health = await app.inject({ method: 'GET', url: '/health' })
  t.equal(health.statusCode, 200)
  t.match(health.json(), { ai_backend: 'ollama', ai: 'degraded', openai: 'not_configured' })
  t.equal((await alice.get('/tasks')).statusCode, 200)
})
