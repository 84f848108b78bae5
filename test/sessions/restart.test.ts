// Sessions live in the store: a session survives a restart (a new store instance on the same file) and is
// served by another OS process sharing the file.

import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { chatApp } from './fixtures/chat-app.ts'

const run = promisify(execFile)

t.test('a session survives a restart and is served by another process', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sessions-restart-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const path = join(dir, 'tasks.json')
  const as = { 'x-test-user': 'u1' }

  // First process lifetime: a user, a session, one turn.
  const first = await chatApp(path)
  await first.store.update((doc) => {
    doc.users.u1 = { id: 'u1', email: 'u1@example.test', password_hash: 'not-a-real-hash', created_at: new Date(0).toISOString(), next_task_id: 1 }
    doc.user_ids_by_email['u1@example.test'] = 'u1'
  })
  const { session_id } = (await first.app.inject({ method: 'POST', url: '/sessions', headers: as })).json()
  const turn1 = await first.app.inject({ method: 'POST', url: `/sessions/${session_id}/messages`, headers: as, payload: { message: 'add buy milk' } })
  t.equal(turn1.statusCode, 200)
  await first.app.close()

  // Restart: a fresh store instance on the same file still knows the session.
  const second = await chatApp(path)
  t.teardown(() => second.app.close())
  const info = await second.app.inject({ method: 'GET', url: `/sessions/${session_id}`, headers: as })
  t.equal(info.statusCode, 200)
  t.equal(info.json().message_count, 2)

  // Another OS process serves the next message of the same session, while this one stays open.
  const child = await run(process.execPath, [join(import.meta.dirname, 'fixtures', 'chat-app.ts'), path, 'u1', session_id, 'mark 1 done'])
  const reply = JSON.parse(child.stdout)
  t.equal(reply.status, 200)
  t.match(reply.body, { session_id, intent: 'CompleteTask', reply: /Marked task 1 "buy milk" as done/ })

  // ...and this process sees what the other one wrote.
  const history = (await second.app.inject({ method: 'GET', url: `/sessions/${session_id}/messages`, headers: as })).json()
  t.same(history.messages.map((m: { content: string }) => m.content.slice(0, 20)), ['add buy milk', 'Added task 1. buy mi', 'mark 1 done', 'Marked task 1 "buy m'])
  const task = await second.store.read((doc) => doc.tasks.u1[0])
  t.equal(task.completed, true)
  // Another user's process cannot use it either.
  const other = await run(process.execPath, [join(import.meta.dirname, 'fixtures', 'chat-app.ts'), path, 'u2', session_id, 'help'])
  t.equal(JSON.parse(other.stdout).status, 404)
})
