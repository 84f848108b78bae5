// Text no store can keep — the NUL character (U+0000) or an unpaired surrogate ("\ud800" in JSON) — is refused
// in any text a client sends, as an invalid field (400 VALIDATION_ERROR naming the field), on every backend
// alike: PostgreSQL text and jsonb cannot store them, so without the check a title holding one reached the
// database and came back as a 503. What a model writes is not refused but kept with U+FFFD in their place.
// Run over HTTP on real SQLite and PostgreSQL.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { silentLogger } from '../../src/store/logger.ts'
import type { Assistant } from '../../src/assistant/types.ts'
import { createPostgresStore } from '../../src/store/postgres-store.ts'
import { createSqliteStore } from '../../src/store/sqlite-store.ts'
import type { Store } from '../../src/store/types.ts'
import { errorCode, signup, testApp } from '../app/helpers.ts'
import { freshDatabase } from '../helpers/postgres.ts'

const backends: Record<string, (t: Test) => Promise<Store>> = {
  sqlite: async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'todo-nul-'))
    const store = createSqliteStore({ path: join(dir, 'todo.db'), logger: silentLogger })
    await store.open()
    t.teardown(async () => {
      await store.close()
      rmSync(dir, { recursive: true, force: true })
    })
    return store
  },
  postgres: async (t) => {
    const store = createPostgresStore({ url: await freshDatabase(), poolSize: 2, logger: silentLogger })
    await store.open()
    t.teardown(() => store.close())
    return store
  },
}

for (const [backend, open] of Object.entries(backends)) {
  t.test(`${backend}: text holding U+0000 is a 400 naming the field, and nothing is stored`, async (t) => {
    const { app } = await testApp(t, {}, { store: await open(t) })
    const { auth } = await signup(app)
    const cases = [
      { method: 'POST', url: '/tasks', payload: { title: 'milk\u0000' }, field: 'body.title' },
      { method: 'PATCH', url: '/tasks/1', payload: { description: 'a\u0000b' }, field: 'body.description' },
      { method: 'POST', url: '/tasks', payload: '{"title": "milk \\ud83d"}', field: 'body.title', surrogate: true },
      { method: 'GET', url: '/tasks?q=milk%00', field: 'querystring.q' },
      // Tags have a character pattern of their own, which already refuses it.
      { method: 'POST', url: '/tasks', payload: { title: 'milk', tags: ['ok', '\u0000'] }, field: 'body.tags.1', pattern: true },
      { method: 'GET', url: '/tasks?tag=%00', field: 'querystring.tag', pattern: true },
    ] as const
    t.equal((await app.inject({ method: 'POST', url: '/tasks', headers: auth, payload: { title: 'first' } })).statusCode, 201)
    for (const c of cases) {
      const headers = 'surrogate' in c ? { ...auth, 'content-type': 'application/json' } : auth
      const res = await app.inject({ method: c.method, url: c.url, headers, ...('payload' in c ? { payload: c.payload } : {}) })
      t.equal(res.statusCode, 400, `${c.method} ${c.url}`)
      t.equal(errorCode(res), 'VALIDATION_ERROR')
      const reason = 'pattern' in c ? 'must match pattern' : 'surrogate' in c ? 'must be valid Unicode (it holds an unpaired surrogate)' : 'must not contain the NUL character (U+0000)'
      t.match(res.json().error.message, `${c.field} ${reason}`)
    }
    const session = (await app.inject({ method: 'POST', url: '/sessions', headers: auth })).json().session_id as string
    const chat = await app.inject({ method: 'POST', url: `/sessions/${session}/messages`, headers: auth, payload: { message: 'add \u0000 milk' } })
    t.equal(chat.statusCode, 400, 'a chat message too')
    t.equal(chat.json().error.message, 'body.message must not contain the NUL character (U+0000)')
    const tasks = (await app.inject({ url: '/tasks', headers: auth })).json().tasks as { title: string; description: string }[]
    t.same(tasks.map((task) => [task.title, task.description]), [['first', '']], 'only the valid task, unchanged')
    const other = await app.inject({ method: 'POST', url: '/tasks', headers: auth, payload: { title: 'a\\u0000 written out is fine' } })
    t.equal(other.statusCode, 201, 'the six characters \\u0000 are ordinary text')
  })
}

/** A model that answers with text no store can keep, in its reply and in a refused tool call's arguments. */
const untidyModel: Assistant = {
  backend: 'ollama',
  reply: async () => ({
    reply: 'done\u0000 \ud83d',
    intent: 'AddTask',
    confidence: 1,
    tool_calls: [{ tool: 'add_task', arguments: { title: 'x\u0000' }, result: { error: { code: 'VALIDATION_ERROR', message: 'no' } } }],
  }),
  status: () => ({ ai: 'connected', openai: 'not_configured' }),
  start: () => {},
  stop: async () => {},
}

for (const [backend, open] of Object.entries(backends)) {
  t.test(`${backend}: a model's text no store can keep is kept with U+FFFD, the turn answered`, async (t) => {
    const { app } = await testApp(t, {}, { store: await open(t), assistant: untidyModel })
    const { auth } = await signup(app)
    const session = (await app.inject({ method: 'POST', url: '/sessions', headers: auth })).json().session_id as string
    const turn = await app.inject({ method: 'POST', url: `/sessions/${session}/messages`, headers: auth, payload: { message: 'add x' } })
    t.equal(turn.statusCode, 200, 'not a 503')
    const history = (await app.inject({ url: `/sessions/${session}/messages`, headers: auth })).json().messages as { role: string; content: string; tool_calls?: { arguments: unknown }[] }[]
    const answer = history.find((m) => m.role === 'assistant')
    t.equal(answer?.content, 'done\ufffd \ufffd')
    t.same(answer?.tool_calls?.[0].arguments, { title: 'x\ufffd' })
  })
}
