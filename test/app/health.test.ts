import { readFileSync } from 'node:fs'
import t from 'tap'
import type { Assistant, AssistantStatus } from '../../src/assistant/types.ts'
import { testApp } from './helpers.ts'

const version = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version

function fakeAssistant(status: AssistantStatus, backend: Assistant['backend'] = 'openai'): Assistant & { started: boolean; stopped: boolean } {
  return {
    backend,
    started: false,
    stopped: false,
    reply: async () => ({ reply: 'ok', intent: 'Help', confidence: 1, tool_calls: [] }),
    status: () => status,
    start() {
      this.started = true
    },
    async stop() {
      this.stopped = true
    },
  }
}

t.test('/health is healthy with storage and the rules backend', async (t) => {
  const { app } = await testApp(t)
  const res = await app.inject('/health')
  t.equal(res.statusCode, 200)
  t.same(res.json(), { status: 'healthy', version, storage: 'accessible', ai_backend: 'rules', ai: 'connected', openai: 'not_configured' })
  t.equal(version, '3.0.0')
})

t.test('an AI outage degrades /health but never fails it', async (t) => {
  const assistant = fakeAssistant({ ai: 'degraded', openai: 'degraded' })
  const { app } = await testApp(t, {}, { assistant })
  t.ok(assistant.started, 'background probing started')
  const res = await app.inject('/health')
  t.equal(res.statusCode, 200)
  t.match(res.json(), { status: 'degraded', ai_backend: 'openai', ai: 'degraded', openai: 'degraded', storage: 'accessible' })
  t.equal((await app.inject('/readyz')).statusCode, 200, 'still ready')
  t.equal((await app.inject('/livez')).statusCode, 200, 'still alive')
  await app.close()
  t.ok(assistant.stopped, 'stopped on close')
})

t.test('unusable storage: /health 503 unhealthy, /readyz 503, /livez 200', async (t) => {
  const { app, store } = await testApp(t)
  store.healthy = false
  const health = await app.inject('/health')
  t.equal(health.statusCode, 503)
  t.match(health.json(), { status: 'unhealthy', storage: 'unavailable', version })
  const ready = await app.inject('/readyz')
  t.equal(ready.statusCode, 503)
  t.same(ready.json(), { status: 'not_ready' })
  const live = await app.inject('/livez')
  t.equal(live.statusCode, 200)
  t.same(live.json(), { status: 'alive' })
  store.healthy = true
  t.equal((await app.inject('/readyz')).statusCode, 200, 'ready again when storage recovers')
})

t.test('probes need no token and are not rate limited', async (t) => {
  const { app } = await testApp(t, { RATE_LIMIT_PER_MINUTE: '2' })
  for (let i = 0; i < 5; i++) {
    for (const url of ['/health', '/livez', '/readyz', '/metrics']) {
      t.equal((await app.inject(url)).statusCode, 200, `${url} #${i + 1}`)
    }
  }
})
