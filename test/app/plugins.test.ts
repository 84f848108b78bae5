// The service's cross-cutting parts are named fastify-plugin plugins that declare what they need
// (src/plugins/*.ts), and request validation is one Ajv configuration with one error message for routes and
// the assistant's tools (src/validation.ts).

import Fastify from 'fastify'
import t from 'tap'
import { createToolExecutor } from '../../src/assistant/tools.ts'
import { createTokens } from '../../src/auth/tokens.ts'
import { createMetrics } from '../../src/metrics.ts'
import auth from '../../src/plugins/auth.ts'
import errors from '../../src/plugins/errors.ts'
import observability from '../../src/plugins/observability.ts'
import protection from '../../src/plugins/protection.ts'
import { validationMessage } from '../../src/validation.ts'
import { MemoryStore } from '../helpers/memory-store.ts'
import { signup, testApp, testConfig } from './helpers.ts'

const tokens = createTokens('plugin-test-key-not-a-real-secret-0123456789')
const userExists = async () => true

t.test('a plugin registered without the plugins it depends on fails at start-up, naming the missing one', async (t) => {
  const config = testConfig()
  const pressure = { maxEventLoopDelayMs: 0, maxHeapUsedBytes: 0 }

  const noErrors = Fastify()
  noErrors.register(auth, { tokens, userExists })
  await t.rejects(async () => { await noErrors.ready() }, /dependency 'errors' of plugin 'auth'/)

  const noAuth = Fastify()
  noAuth.register(errors, { metrics: createMetrics() })
  noAuth.register(protection, { config, pressure })
  await t.rejects(async () => { await noAuth.ready() }, /dependency 'auth' of plugin 'protection'/)

  const complete = Fastify()
  complete.register(errors, { metrics: createMetrics() })
  complete.register(observability, { metrics: createMetrics() })
  complete.register(auth, { tokens, userExists })
  complete.register(protection, { config, pressure })
  await t.resolves(async () => { await complete.ready() })
  t.ok(complete.hasPlugin('errors') && complete.hasPlugin('observability') && complete.hasPlugin('auth') && complete.hasPlugin('protection'))
  t.type(complete.authenticate, 'function', 'auth provides the hook, on the root instance')
  await complete.close()
})

t.test('a route and a tool refuse the same input with the same sentence', async (t) => {
  const { app } = await testApp(t)
  const user = await signup(app)
  const tools = createToolExecutor({ store: new MemoryStore(), clock: () => new Date('2026-03-04T10:00:00Z') })
  const cases: [string, Record<string, unknown>, string][] = [
    ['unknown field', { title: 'x', owner: 'me' }, 'body has an unknown field "owner"'],
    ['type', { title: 5 }, 'body.title must be string'],
    ['enum', { title: 'x', priority: 'urgent' }, 'body.priority must be one of: low, normal, high, critical'],
    ['duplicates', { title: 'x', tags: ['a', 'a'] }, 'body.tags must not contain duplicates'],
    ['missing', {}, 'body.title is required'],
  ]
  for (const [name, input, message] of cases) {
    const res = await app.inject({ method: 'POST', url: '/tasks', headers: user.auth, payload: input })
    t.equal(res.statusCode, 400, name)
    t.equal(res.json().error.message, message, `${name}: REST`)
    const out = await tools.execute('u1', 'add_task', input)
    t.same(out, { ok: false, error: { code: 'VALIDATION_ERROR', message: message.replace(/^body/, 'arguments') } }, `${name}: tool`)
  }
})

t.test('validation messages name the field and the rule', async (t) => {
  t.equal(validationMessage('body', [{ instancePath: '/tags/1', keyword: 'pattern', message: 'must match pattern "x"', params: {} }]), 'body.tags.1 must match pattern "x"')
  t.equal(validationMessage('params', [{ instancePath: '/id', keyword: 'pattern', params: {} }]), 'params.id must be a positive whole number')
  t.equal(validationMessage('body', [{ instancePath: '', keyword: 'minProperties', params: { limit: 1 } }]), 'body has nothing to change: give at least one field')
  t.equal(validationMessage('arguments', [{ instancePath: '', keyword: 'minProperties', params: { limit: 2 } }]), 'arguments has nothing to change: give at least 2 fields')
  t.equal(validationMessage('querystring', []), 'querystring is invalid')
})

t.test('no coercion and no silent removal: "1" is not a number, an unknown query parameter is refused', async (t) => {
  const { app } = await testApp(t)
  const user = await signup(app)
  const query = await app.inject({ method: 'GET', url: '/tasks?colour=red', headers: user.auth })
  t.equal(query.statusCode, 400)
  t.equal(query.json().error.message, 'querystring has an unknown field "colour"')
  const patch = await app.inject({ method: 'PATCH', url: '/tasks/1', headers: user.auth, payload: { completed: 'true' } })
  t.equal(patch.statusCode, 400)
  t.equal(patch.json().error.message, 'body.completed must be boolean')
})
