// Several real processes on one store — one SQLite file, one PostgreSQL database — all starting at once on an
// empty one (so they also race to migrate it): nothing acknowledged is lost, no id is handed out twice, even
// when a writer is killed with SIGKILL in the middle of its work.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { silentLogger } from '../../src/store/logger.ts'
import { createStore } from '../../src/store/index.ts'
import type { StorageBackend, Store } from '../../src/store/types.ts'
import { freshDatabase } from '../helpers/postgres.ts'
import { startWorker } from './processes.ts'

/** Acknowledged tasks from worker output lines "<user> <id> <title>". */
function acks(lines: string[]): { user: string; id: number; title: string }[] {
  return lines
    .filter((line) => line !== 'ready')
    .map((line) => {
      const [user, id, title] = line.split(' ')
      return { user, id: Number(id), title }
    })
}

async function location(t: Test, backend: StorageBackend): Promise<string> {
  if (backend === 'postgres') return freshDatabase()
  const dir = mkdtempSync(join(tmpdir(), 'store-mp-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return join(dir, 'todo.db')
}

async function openAt(t: Test, backend: StorageBackend, where: string): Promise<Store> {
  const store = await createStore({ storageBackend: backend, storagePath: where, databaseUrl: where, databasePoolSize: 2 }, silentLogger)
  await store.open()
  t.teardown(() => store.close())
  return store
}

for (const backend of ['sqlite', 'postgres'] as const) {
  t.test(`${backend}: 3 processes adding 200 tasks each for two users: every acknowledged task is there exactly once`, async (t) => {
    const where = await location(t, backend)
    const workers = [0, 1, 2].map((n) => startWorker('writer.ts', [backend, where, `w${n}`, '200', '20', 'alice,bob']))
    t.teardown(() => workers.forEach((w) => w.child.kill('SIGKILL')))
    await Promise.all(workers.map((w) => w.waitForLines(1)))
    workers.forEach((w) => w.send('go')) // all start together
    const results = await Promise.all(workers.map((w) => w.done))
    results.forEach((r, n) => t.equal(r.code, 0, `worker ${n} exited cleanly ${r.stderr}`))

    const acked = workers.flatMap((w) => acks(w.lines))
    t.equal(acked.length, 600, 'every add was acknowledged')
    t.equal(new Set(acked.map((a) => `${a.user} ${a.id}`)).size, 600, 'no id was handed out twice')
    const store = await openAt(t, backend, where)
    for (const user of ['alice', 'bob']) {
      const tasks = await store.listTasks(user, {})
      t.same(tasks.map((task) => task.id), Array.from({ length: 300 }, (_, i) => i + 1), `${user}: ids 1..300, none twice, none skipped`)
      t.equal((await store.findUserById(user))?.next_task_id, 301, `${user}: next id follows the highest`)
      const stored = new Map(tasks.map((task) => [task.id, task.title]))
      t.same(acked.filter((a) => a.user === user && stored.get(a.id) !== a.title), [], `${user}: every acknowledged (id, title) is stored`)
    }
  })

  t.test(`${backend}: a writer killed with SIGKILL mid-load loses nothing it acknowledged`, async (t) => {
    const where = await location(t, backend)
    const victim = startWorker('writer.ts', [backend, where, 'victim', 'forever', '20', 'carol'])
    const survivor = startWorker('writer.ts', [backend, where, 'survivor', 'forever', '20', 'carol'])
    t.teardown(() => [victim, survivor].forEach((w) => w.child.kill('SIGKILL')))
    await Promise.all([victim.waitForLines(1), survivor.waitForLines(1)])
    victim.send('go')
    survivor.send('go')
    await victim.waitForLines(150)
    victim.child.kill('SIGKILL')
    t.equal((await victim.done).signal, 'SIGKILL', 'the victim died by SIGKILL')
    const seen = survivor.lines.length
    await survivor.waitForLines(seen + 50) // the survivor is not stalled by the dead writer
    survivor.send('stop')
    t.equal((await survivor.done).code, 0, 'the survivor stopped cleanly')

    const store = await openAt(t, backend, where)
    const stored = new Set((await store.listTasks('carol', {})).map((task) => `${task.id} ${task.title}`))
    const acked = [...acks(victim.lines), ...acks(survivor.lines)]
    t.ok(acks(victim.lines).length >= 149, 'the victim acknowledged writes before it died')
    t.same(acked.filter((a) => !stored.has(`${a.id} ${a.title}`)), [], 'every acknowledged task is stored')
    t.match(await store.insertTask('carol', { title: 'after the crash', description: '', priority: 'normal', tags: [], due_date: null, created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:00.000Z' }), { title: 'after the crash' }, 'a new write lands after the crash')
  })
}
