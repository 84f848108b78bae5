import { randomBytes } from 'node:crypto'
import t from 'tap'
import { signup, testApp } from './helpers.ts'

t.test('log lines are JSON with timestamp, level name, message and request_id', async (t) => {
  const { app, logLines } = await testApp(t, { LOG_LEVEL: 'INFO' })
  await app.inject({ url: '/tasks/1', headers: { 'x-request-id': 'req_abc-123.X' } })
  const lines = logLines()
  t.ok(lines.length > 0)
  for (const line of lines) {
    t.match(line.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, 'ISO timestamp')
    t.ok(['DEBUG', 'INFO', 'WARNING', 'ERROR'].includes(line.level as string), `level name ${line.level}`)
    t.type(line.message, 'string')
    t.notOk('time' in line || 'msg' in line || 'pid' in line, 'no pino field names')
  }
  const access = lines.find((l) => l.message === 'request completed')
  t.match(access, { level: 'INFO', request_id: 'req_abc-123.X', method: 'GET', url: '/tasks/1', endpoint: '/tasks/{id}', status: 401 })
})

t.test('X-Request-Id: a safe incoming id is reused and returned, anything else is replaced', async (t) => {
  const { app } = await testApp(t)
  const kept = await app.inject({ url: '/livez', headers: { 'x-request-id': 'abc-123_DEF.4' } })
  t.equal(kept.headers['x-request-id'], 'abc-123_DEF.4')
  for (const bad of ['has space', 'x'.repeat(65), 'semi;colon', '<script>', 'new\\nline']) {
    const res = await app.inject({ url: '/tasks', headers: { 'x-request-id': bad } })
    const id = res.headers['x-request-id'] as string
    t.not(id, bad, `${bad.slice(0, 20)} replaced`)
    t.match(id, /^[0-9a-f-]{36}$/, 'by a generated UUID')
    t.equal(res.json().request_id, id, 'the error body carries the same id')
  }
  const fresh = await app.inject('/livez')
  t.match(fresh.headers['x-request-id'], /^[0-9a-f-]{36}$/, 'generated when absent')
})

t.test('LOG_LEVEL maps to the logger', async (t) => {
  const warning = await testApp(t, { LOG_LEVEL: 'warning' })
  await warning.app.inject('/nowhere')
  t.same(
    warning.logLines().filter((l) => l.level === 'INFO' || l.level === 'DEBUG'),
    [],
    'WARNING hides INFO and DEBUG',
  )
  const debug = await testApp(t, { LOG_LEVEL: 'DEBUG' })
  await debug.app.inject('/livez')
  t.ok(debug.logLines().some((l) => l.level === 'DEBUG' && l.message === 'request completed'), 'DEBUG shows probe lines')
  const info = await testApp(t, { LOG_LEVEL: 'INFO' })
  await info.app.inject('/livez')
  await info.app.inject('/nowhere')
  const completed = info.logLines().filter((l) => l.message === 'request completed')
  t.same(completed.map((l) => l.url), ['/nowhere'], 'INFO: probes are quiet, other requests logged')
})

t.test('session request lines carry session_id', async (t) => {
  const { app, logLines } = await testApp(t, { LOG_LEVEL: 'DEBUG' })
  const { auth } = await signup(app)
  const created = await app.inject({ method: 'POST', url: '/sessions', headers: auth })
  const sessionId = created.json().session_id as string
  await app.inject({ method: 'POST', url: `/sessions/${sessionId}/messages`, headers: auth, payload: { message: 'help' } })
  const lines = logLines().filter((l) => typeof l.url === 'string' && (l.url as string).startsWith(`/sessions/${sessionId}`))
  t.ok(lines.length > 0)
  for (const line of lines) t.equal(line.session_id, sessionId)
})

t.test('no password, token, secret or API key ever reaches a log line', async (t) => {
  const password = 'Sup3r-Secret-Passw0rd-in-test'
  const apiKey = `sk-${randomBytes(16).toString('hex')}` // shaped like a real key, made at run time (none in git)
  const { app, logText } = await testApp(t, { LOG_LEVEL: 'DEBUG', OPENAI_API_KEY: apiKey })
  const { token, auth } = await signup(app, 'logs@example.test', password)
  const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { email: 'logs@example.test', password } })
  const loginToken = login.json().token as string
  await app.inject({ method: 'POST', url: '/auth/login', payload: { email: 'logs@example.test', password: `${password}-wrong` } })
  await app.inject({ method: 'POST', url: '/auth/signup', payload: { email: 'logs@example.test', password } })
  await app.inject({ method: 'POST', url: '/tasks', headers: auth, payload: { title: 'x' } })
  await app.inject({ url: '/tasks', headers: { authorization: `Bearer ${loginToken}` } })
  await app.inject({ url: '/tasks', headers: { authorization: `Bearer ${token}x` } })
  await app.inject({ method: 'POST', url: '/sessions', headers: auth })
  // An object that happens to hold credentials, logged by careless code, is redacted too.
  app.log.info({ password, token, headers: { authorization: `Bearer ${token}` }, config: { openaiApiKey: apiKey } }, 'careless line')

  const text = logText()
  t.ok(text.includes('careless line'), 'the lines were captured')
  t.ok(text.includes('configuration loaded'), 'the configuration line is there')
  for (const secret of [password, token, loginToken, apiKey, 'test-secret-not-real']) {
    t.notOk(text.includes(secret), `${secret.slice(0, 8)}… is not in the log`)
  }
})
