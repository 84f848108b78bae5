// The session routes on a bare Fastify instance: a stand-in auth hook (x-test-user header) and a minimal
// error handler, so the plugin's own behaviour is tested in isolation (the full app: sessions-app.test.ts).

import Fastify from 'fastify'
import t from 'tap'
import { createAssistant } from '../../src/assistant/index.ts'
import { aiTimeout } from '../../src/assistant/errors.ts'
import type { Assistant } from '../../src/assistant/types.ts'
import { AppError } from '../../src/errors.ts'
import { createMetrics } from '../../src/metrics.ts'
import sessionRoutes from '../../src/routes/sessions.ts'
import { storeWithUser } from '../helpers/memory-store.ts'
import { manualClock, silentLogger, testConfig } from '../assistant/helpers.ts'

async function setup(t: { teardown(fn: () => unknown): void }, assistantOverride?: (a: Assistant) => Assistant) {
  const store = storeWithUser('u1')
  store.doc.users.u2 = { ...store.doc.users.u1, id: 'u2', email: 'u2@example.test' }
  const clock = manualClock()
  const config = testConfig({ sessionTimeoutMinutes: 30 })
  const metrics = createMetrics()
  let assistant = await createAssistant({ config, store, metrics, clock, logger: silentLogger })
  if (assistantOverride) assistant = assistantOverride(assistant)
  const app = Fastify({ ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } } })
  app.decorateRequest('userId', '')
  app.addHook('onRequest', async (request) => { request.userId = String(request.headers['x-test-user'] ?? '') })
  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, request, reply) => {
    const status = err instanceof AppError ? err.statusCode : err.statusCode ?? 500
    reply.code(status).send({ error: { code: err.code ?? 'INTERNAL', message: err.message }, request_id: request.id })
  })
  await app.register(sessionRoutes, { store, assistant, config, clock, metrics })
  t.teardown(() => app.close())
  const as = (user: string) => ({
    post: (url: string, body?: unknown) => app.inject({ method: 'POST', url, headers: { 'x-test-user': user }, ...(body === undefined ? {} : { payload: body as object }) }),
    get: (url: string) => app.inject({ method: 'GET', url, headers: { 'x-test-user': user } }),
    del: (url: string) => app.inject({ method: 'DELETE', url, headers: { 'x-test-user': user } }),
  })
  return { app, store, clock, metrics, u1: as('u1'), u2: as('u2') }
}

t.test('session lifecycle and a chat turn', async (t) => {
  const { u1, store, metrics } = await setup(t)
  const created = await u1.post('/sessions')
  t.equal(created.statusCode, 201)
  const { session_id, created_at, expires_at } = created.json()
  t.equal(created_at, '2026-03-04T10:00:00.000Z')
  t.equal(expires_at, '2026-03-04T10:30:00.000Z')

  const chat = await u1.post(`/sessions/${session_id}/messages`, { message: 'add buy milk tomorrow #home high priority' })
  t.equal(chat.statusCode, 200)
  const body = chat.json()
  t.match(body, { session_id, intent: 'AddTask', confidence: 0.95, reply: /Added task 1/, request_id: /.+/ })
  t.match(body.tool_calls, [{ tool: 'add_task', arguments: { title: 'buy milk', due_date: '2026-03-05' }, result: { id: 1, title: 'buy milk' } }])
  t.equal(store.doc.tasks.u1.length, 1, 'the task exists')

  const info = (await u1.get(`/sessions/${session_id}`)).json()
  t.same(info, { session_id, created_at, last_activity: created_at, expires_at, message_count: 2, timezone: 'UTC' }, 'no time zone given: UTC')

  const history = (await u1.get(`/sessions/${session_id}/messages`)).json()
  t.match(history.messages, [
    { role: 'user', content: 'add buy milk tomorrow #home high priority', timestamp: created_at },
    { role: 'assistant', content: /Added task 1/, tool_calls: [{ tool: 'add_task' }] },
  ])

  t.match(await metrics.registry.getSingleMetricAsString('todo_app_ai_requests_total'), /backend="rules",outcome="success"} 1/)

  t.equal((await u1.del(`/sessions/${session_id}`)).statusCode, 204)
  t.equal((await u1.get(`/sessions/${session_id}`)).statusCode, 404)
  t.equal((await u1.del(`/sessions/${session_id}`)).statusCode, 404)
})

t.test("another user's session is 404 everywhere", async (t) => {
  const { u1, u2, store } = await setup(t)
  const { session_id } = (await u1.post('/sessions')).json()
  for (const res of [
    await u2.get(`/sessions/${session_id}`),
    await u2.get(`/sessions/${session_id}/messages`),
    await u2.post(`/sessions/${session_id}/messages`, { message: 'delete task 1' }),
    await u2.del(`/sessions/${session_id}`),
  ]) {
    t.equal(res.statusCode, 404)
    t.equal(res.json().error.code, 'SESSION_NOT_FOUND')
  }
  t.equal(store.doc.sessions[session_id].messages.length, 0)
  t.equal((await u1.get(`/sessions/${session_id}`)).statusCode, 200, 'still there for its owner')
})

t.test('expired sessions answer 404', async (t) => {
  const { u1, clock } = await setup(t)
  const { session_id } = (await u1.post('/sessions')).json()
  clock.advanceMinutes(25)
  t.equal((await u1.post(`/sessions/${session_id}/messages`, { message: 'help' })).statusCode, 200)
  clock.advanceMinutes(25)
  const info = (await u1.get(`/sessions/${session_id}`)).json()
  t.equal(info.expires_at, '2026-03-04T10:55:00.000Z', 'a message pushed expiry back')
  clock.advanceMinutes(6)
  t.equal((await u1.get(`/sessions/${session_id}`)).statusCode, 404)
  t.equal((await u1.post(`/sessions/${session_id}/messages`, { message: 'help' })).statusCode, 404)
})

t.test('bad requests are 400', async (t) => {
  const { u1, store } = await setup(t)
  const { session_id } = (await u1.post('/sessions')).json()
  const url = `/sessions/${session_id}/messages`
  for (const body of [{}, { message: '' }, { message: '   ' }, { message: 5 }, { message: 'x'.repeat(4001) }, { message: 'hi', extra: 1 }]) {
    t.equal((await u1.post(url, body)).statusCode, 400, JSON.stringify(body).slice(0, 40))
  }
  t.equal((await u1.post(url, { message: 'x'.repeat(4000) })).statusCode, 200, '4000 characters are allowed')
  t.equal((await u1.get('/sessions/not-a-session')).statusCode, 404, 'an id of any shape is just unknown')
  t.equal(store.doc.sessions[session_id].message_count, 2)
})

t.test('a session may carry the user\'s IANA time zone; chat dates follow it', async (t) => {
  const { u1, store, clock } = await setup(t)
  // 2026-03-05 01:30 UTC is still March 4 in New York: "tomorrow" there is March 5, in UTC March 6.
  clock.set('2026-03-05T01:30:00.000Z')
  const ny = await u1.post('/sessions', { timezone: 'America/New_York' })
  t.equal(ny.statusCode, 201)
  t.equal(ny.json().timezone, 'America/New_York')
  t.equal((await u1.get(`/sessions/${ny.json().session_id}`)).json().timezone, 'America/New_York')
  const utc = (await u1.post('/sessions', {})).json()
  t.equal(utc.timezone, 'UTC', 'an empty body is a UTC session')

  const inNewYork = (await u1.post(`/sessions/${ny.json().session_id}/messages`, { message: 'add pay rent tomorrow' })).json()
  t.match(inNewYork.tool_calls, [{ tool: 'add_task', arguments: { title: 'pay rent', due_date: '2026-03-05' } }])
  const inUtc = (await u1.post(`/sessions/${utc.session_id}/messages`, { message: 'add pay rent tomorrow' })).json()
  t.match(inUtc.tool_calls, [{ tool: 'add_task', arguments: { title: 'pay rent', due_date: '2026-03-06' } }])
  t.equal(store.doc.sessions[ny.json().session_id].timezone, 'America/New_York', 'kept in the stored session')
})

t.test('a bad time zone is a 400 JSON error and creates nothing', async (t) => {
  const { u1, store } = await setup(t)
  for (const body of [{ timezone: 'Mars/Olympus_Mons' }, { timezone: 'not a zone' }, { timezone: '' }, { timezone: 5 }, { timezone: 'x'.repeat(65) }, { tz: 'UTC' }]) {
    const res = await u1.post('/sessions', body)
    t.equal(res.statusCode, 400, JSON.stringify(body).slice(0, 50))
    t.match(res.json(), { error: { code: /VALIDATION|FST_ERR_VALIDATION/, message: /\S/ } })
  }
  const named = (await u1.post('/sessions', { timezone: 'Mars/Olympus_Mons' })).json()
  t.match(named.error.message, /Mars\/Olympus_Mons.*not an IANA time zone/)
  t.same(Object.keys(store.doc.sessions), [], 'no session was created')
})

t.test('a failed turn is an error response and is recorded with the changes it made', async (t) => {
  const { u1, store } = await setup(t, (real) => ({
    ...real,
    async reply(input) {
      // The tools ran (a task was added) and then the backend timed out.
      const done = await real.reply(input)
      const err = aiTimeout(30)
      err.toolCalls = done.tool_calls
      throw err
    },
  }))
  const { session_id } = (await u1.post('/sessions')).json()
  const res = await u1.post(`/sessions/${session_id}/messages`, { message: 'add buy milk' })
  t.equal(res.statusCode, 503)
  t.equal(res.json().error.code, 'AI_TIMEOUT')
  t.equal(store.doc.tasks.u1.length, 1, 'the change made before the failure is kept')
  const history = (await u1.get(`/sessions/${session_id}/messages`)).json().messages
  t.match(history, [
    { role: 'user', content: 'add buy milk' },
    { role: 'assistant', content: /assistant failed \(AI_TIMEOUT\).*1 tool call\(s\) ran before the failure; their changes are kept/, tool_calls: [{ tool: 'add_task', result: { id: 1 } }] },
  ])
})
