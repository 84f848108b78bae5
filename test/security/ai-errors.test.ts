// Issue 13, finding 4: an upstream AI error never reaches clients, the session history or the log verbatim.
// A hostile "OpenAI-compatible" server on 127.0.0.1 echoes the Authorization header in its 401 body, as the
// attack run's did. Clients get a code and a fixed message, the configured base URL is never shown to them,
// the log gets the upstream status and a redacted, truncated body, and the key appears in no text at all.

import { randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { UPSTREAM_BODY_MAX } from '../../src/assistant/errors.ts'
import { deadUrl } from '../assistant/fake-servers.ts'
import { TEST_JWT_SECRET, errorCode, signup, testApp } from '../app/helpers.ts'

/** Answers every request 401 with the caller's Authorization header in the message (OpenAI's error shape). */
async function echoingServer(t: { teardown(fn: () => unknown): void }) {
  const seen: string[] = []
  const server = createServer((req, res) => {
    const auth = String(req.headers.authorization ?? '')
    seen.push(auth)
    res.writeHead(401, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ error: { message: `Incorrect API key provided: ${auth}. ${'padding '.repeat(100)}`, type: 'invalid_request_error', code: 'invalid_api_key' } }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()) }))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen }
}

async function chat(app: Awaited<ReturnType<typeof testApp>>['app'], message: string) {
  const user = await signup(app)
  const session = await app.inject({ method: 'POST', url: '/sessions', headers: user.auth })
  const id = session.json().session_id as string
  const res = await app.inject({ method: 'POST', url: `/sessions/${id}/messages`, headers: user.auth, payload: { message } })
  const history = await app.inject({ url: `/sessions/${id}/messages`, headers: user.auth })
  return { res, history: history.body }
}

t.test('a 401 that echoes the API key: code + fixed message to the client and history; status + redacted body to the log', async (t) => {
  const apiKey = `sk-${randomBytes(16).toString('hex')}` // shaped like a real key, made at run time
  const upstream = await echoingServer(t)
  const baseUrl = `${upstream.url}/v1`
  const { app, logText, logLines } = await testApp(t, { AI_BACKEND: 'openai', OPENAI_API_KEY: apiKey, OPENAI_BASE_URL: baseUrl, AI_TIMEOUT_SECONDS: '5' })
  const { res, history } = await chat(app, 'add buy milk')

  t.ok(upstream.seen.includes(`Bearer ${apiKey}`), 'the server did receive (and echo) the key')
  t.equal(res.statusCode, 502)
  t.equal(errorCode(res), 'AI_UPSTREAM_ERROR')
  t.equal(res.json().error.message, 'The AI backend failed to answer')
  const port = new URL(upstream.url).port
  for (const [where, text] of [['response', res.body], ['session history', history], ['log', logText()]] as const) {
    t.notOk(text.includes(apiKey), `the key is not in the ${where}`)
    t.notOk(text.includes(apiKey.slice(3, 20)), `no part of the key is in the ${where}`)
    t.notOk(text.includes(TEST_JWT_SECRET), `the JWT secret is not in the ${where}`)
  }
  for (const [where, text] of [['response', res.body], ['session history', history]] as const) {
    t.notOk(text.includes(port) || text.includes('127.0.0.1'), `the base URL is not in the ${where}`)
    t.notMatch(text, /Incorrect API key|padding/, `no upstream text in the ${where}`)
  }
  t.match(history, /failed \(AI_UPSTREAM_ERROR\): The AI backend failed to answer/, 'the history says what failed, generically')

  const failure = logLines().find((l) => l.error_code === 'AI_UPSTREAM_ERROR' && l.upstream_status !== undefined)
  t.ok(failure, 'the failure is logged')
  t.equal(failure?.upstream_status, 401, 'with the upstream status')
  const body = String(failure?.upstream_body)
  t.match(body, /Incorrect API key provided: Bearer \[REDACTED\]/, 'and its body, redacted')
  t.ok(body.length <= UPSTREAM_BODY_MAX + 40, `truncated (${body.length} characters)`)
  t.notOk(logText().includes('    at '), 'no stack trace for an upstream failure')
})

t.test('an unreachable backend: the client is not told its address', async (t) => {
  const url = await deadUrl()
  const envs: Record<string, string>[] = [
    { AI_BACKEND: 'openai', OPENAI_API_KEY: `test-${randomBytes(8).toString('hex')}`, OPENAI_BASE_URL: `${url}/v1` },
    { AI_BACKEND: 'ollama', OLLAMA_ENDPOINT: url },
  ]
  for (const env of envs) {
    const { app, logText } = await testApp(t, { ...env, AI_TIMEOUT_SECONDS: '5' })
    const { res, history } = await chat(app, 'add buy milk')
    t.equal(res.statusCode, 503, env.AI_BACKEND)
    t.equal(errorCode(res), 'AI_UNAVAILABLE')
    for (const text of [res.body, history]) t.notOk(text.includes(new URL(url).port), 'no address of the backend')
    t.match(logText(), /unreachable/, 'the log says why')
  }
})
