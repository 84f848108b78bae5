// Sessions live in the store: a session survives a restart (a new app on the same SQLite file) and is served
// by another OS process sharing the file.

import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { chatApp } from './fixtures/chat-app.ts'

const run = promisify(execFile)
const script = join(import.meta.dirname, 'fixtures', 'chat-app.ts')

t.test('a session survives a restart and is served by another process', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sessions-restart-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const path = join(dir, 'todo.db')

  // First process lifetime: sign up, open a session, one turn.
  const first = await chatApp(path)
  const signup = await first.app.inject({ method: 'POST', url: '/auth/signup', payload: { email: 'alice@example.test', password: 'correct horse battery staple' } })
  const { user_id, token } = signup.json()
  const headers = { authorization: `Bearer ${token}` }
  const { session_id } = (await first.app.inject({ method: 'POST', url: '/sessions', headers })).json()
  const turn1 = await first.app.inject({ method: 'POST', url: `/sessions/${session_id}/messages`, headers, payload: { message: 'add buy milk' } })
  t.equal(turn1.statusCode, 200)
  await first.app.close()

  // Restart: a new app on the same file still knows the session.
  const second = await chatApp(path)
  t.teardown(() => second.app.close())
  const info = await second.app.inject({ method: 'GET', url: `/sessions/${session_id}`, headers })
  t.equal(info.statusCode, 200)
  t.equal(info.json().message_count, 2)

  // Another OS process serves the next message of the same session while this one stays open.
  const child = await run(process.execPath, [script, path, user_id, session_id, 'mark 1 done'])
  const reply = JSON.parse(child.stdout)
  t.equal(reply.status, 200)
  t.match(reply.body, { session_id, intent: 'CompleteTask', reply: /Marked task 1 "buy milk" as done/ })

  // ...and this process sees what the other one wrote.
  const history = (await second.app.inject({ method: 'GET', url: `/sessions/${session_id}/messages`, headers })).json()
  t.same(history.messages.map((m: { content: string }) => m.content.slice(0, 20)), ['add buy milk', 'Added task 1. buy mi', 'mark 1 done', 'Marked task 1 "buy m'])
  t.match((await second.app.inject({ method: 'GET', url: '/tasks/1', headers })).json(), { title: 'buy milk', completed: true })

  // Another user cannot use the session from any process.
  const bob = await second.app.inject({ method: 'POST', url: '/auth/signup', payload: { email: 'bob@example.test', password: 'correct horse battery staple' } })
  const other = await run(process.execPath, [script, path, bob.json().user_id, session_id, 'help'])
  t.match(JSON.parse(other.stdout), { status: 404, body: { error: { code: 'SESSION_NOT_FOUND' } } })
})
