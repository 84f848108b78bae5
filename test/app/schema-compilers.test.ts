// Route schemas compile on first use (src/schema-compilers.ts), so start-up compiles none of them; what keeps an
// invalid schema from reaching a pod is this test: every route schema of the app is compiled here, and a schema
// that does not compile is reported with its route.

import Fastify from 'fastify'
import t from 'tap'
import { createSchemaCompilers } from '../../src/schema-compilers.ts'
import { errorCode, signup, testApp } from './helpers.ts'

t.test("every route's validators and serializers compile; start-up compiles none of them", async (t) => {
  const schemaCompilers = createSchemaCompilers()
  const { app } = await testApp(t, {}, { schemaCompilers })
  const atStart = schemaCompilers.counts()
  t.equal(atStart.compiled, 0, 'nothing compiled at start-up')
  t.ok(atStart.total >= 30, `every route's schemas are known (${atStart.total})`)

  const user = await signup(app)
  t.ok(schemaCompilers.counts().compiled > 0, 'a request compiles what its route uses')
  const bad = await app.inject({ method: 'POST', url: '/tasks', headers: user.auth, payload: { title: 5 } })
  t.equal(bad.statusCode, 400)
  t.equal(errorCode(bad), 'VALIDATION_ERROR')
  t.equal(bad.json().error.message, 'body.title must be string', "a refusal carries Ajv's error from the compiled validator")
  const good = await app.inject({ method: 'POST', url: '/tasks', headers: user.auth, payload: { title: 'ok' } })
  t.equal(good.statusCode, 201, 'the same validator then accepts valid input')
  const again = await app.inject({ method: 'POST', url: '/tasks', headers: user.auth, payload: { title: 'x', owner: 'me' } })
  t.equal(again.json().error.message, 'body has an unknown field "owner"', 'and reports the error of the latest call')

  t.doesNotThrow(() => schemaCompilers.compileAll(), 'every route schema compiles')
  t.same(schemaCompilers.counts(), { compiled: atStart.total, total: atStart.total })
})

t.test('a schema that does not compile is named with its route by compileAll()', async (t) => {
  const schemaCompilers = createSchemaCompilers()
  const app = Fastify({ schemaController: { compilersFactory: schemaCompilers.compilersFactory } })
  t.teardown(() => app.close())
  app.post('/bad', {
    schema: {
      body: { type: 'object', properties: { a: { type: 'strnig' } } },
      response: { 200: { type: 'object', properties: { a: { $ref: '#/definitions/missing' } } } },
    },
  }, async () => ({ a: 'x' }))
  app.get('/good', { schema: { response: { 200: { type: 'object', properties: { a: { type: 'string' } } } } } }, async () => ({ a: 'x', b: 1 }))
  await app.ready()
  t.throws(() => schemaCompilers.compileAll(), /POST \/bad body: .*\n.*POST \/bad response 200: /, 'both failures, each with its route and part')
  t.same(schemaCompilers.counts(), { compiled: 2, total: 4 }, 'the good schema compiled (GET /good and its HEAD twin), the bad ones stay pending')
  t.same((await app.inject('/good')).json(), { a: 'x' }, "the serializer is fast-json-stringify's: fields outside the schema are left out")
})

t.test('once the server listens, the schemas not used yet compile in the background; a failure is reported', async (t) => {
  const schemaCompilers = createSchemaCompilers()
  const { app, logLines } = await testApp(t, {}, { schemaCompilers })
  t.equal(schemaCompilers.counts().compiled, 0, 'not before listening')
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { total } = schemaCompilers.counts()
  for (let i = 0; i < 500 && schemaCompilers.counts().compiled < total; i++) await new Promise((r) => setTimeout(r, 10))
  t.equal(schemaCompilers.counts().compiled, total, 'all compiled after listen')
  t.notOk(logLines().some((l) => l.message === 'a route schema does not compile'), 'no failure logged')

  const bad = createSchemaCompilers()
  const small = Fastify({ schemaController: { compilersFactory: bad.compilersFactory } })
  t.teardown(() => small.close())
  small.post('/bad', { schema: { body: { type: 'strnig' } } }, async () => 'x')
  small.post('/good', { schema: { body: { type: 'string' } } }, async () => 'x')
  await small.ready()
  const failures: string[] = []
  bad.compileInBackground((route) => failures.push(route))
  for (let i = 0; i < 100 && bad.counts().compiled + failures.length < 2; i++) await new Promise((r) => setImmediate(r))
  t.same(failures, ['POST /bad body'], 'the failing schema is reported with its route')
  t.same(bad.counts(), { compiled: 1, total: 2 }, 'the good one compiled')
  t.throws(() => bad.compileAll(), /POST \/bad body/, 'the bad one still fails where it is used')
})
