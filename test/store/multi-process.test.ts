// Several real processes on one storage file: nothing acknowledged is lost, duplicated or torn,
// even when a writer is killed with SIGKILL in the middle of its work.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { parseDocument } from '../../src/store/document.ts'
import { createFileStore } from '../../src/store/file-store.ts'
import type { StoreDocument } from '../../src/store/types.ts'
import { startWorker } from './processes.ts'

function tempDir(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'store-mp-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** Acknowledged tasks from worker output lines "<user> <id> <title>". */
function acks(lines: string[]): { user: string; id: number; title: string }[] {
  return lines
    .filter((line) => line !== 'ready' && !line.startsWith('reloads '))
    .map((line) => {
      const [user, id, title] = line.split(' ')
      return { user, id: Number(id), title }
    })
}

function readDoc(path: string): StoreDocument {
  return parseDocument(readFileSync(path, 'utf8'))
}

t.test('4 processes adding 200 tasks each to one file: every acknowledged task is there exactly once', async (t) => {
  const path = join(tempDir(t), 'tasks.json')
  const workers = [0, 1, 2, 3].map((n) => startWorker('writer.ts', [path, `w${n}`, '200', '20', 'alice,bob']))
  t.teardown(() => workers.forEach((w) => w.child.kill('SIGKILL')))
  await Promise.all(workers.map((w) => w.waitForLines(1)))
  workers.forEach((w) => w.send('go')) // all start together
  const results = await Promise.all(workers.map((w) => w.done))
  results.forEach((r, n) => t.equal(r.code, 0, `worker ${n} exited cleanly ${r.stderr}`))

  const acked = workers.flatMap((w) => acks(w.lines))
  t.equal(acked.length, 800, 'every add was acknowledged')
  const reloads = workers.map((w) => Number(w.lines.at(-1)?.replace('reloads ', '')))
  t.ok(reloads.reduce((a, b) => a + b, 0) > 0, `the writers interleaved (re-reads after another's write: ${reloads})`)
  const doc = readDoc(path)
  for (const user of ['alice', 'bob']) {
    const tasks = doc.tasks[user]
    const ids = tasks.map((task) => task.id)
    t.equal(tasks.length, 400, `${user} has 400 tasks`)
    t.ok(ids.every((id, i) => i === 0 || id > ids[i - 1]), `${user}'s ids increase along the list`)
    t.equal(new Set(tasks.map((task) => task.title)).size, 400, `${user}: no task stored twice`)
    t.equal(doc.users[user].next_task_id, Math.max(...ids) + 1, `${user}: next id follows the highest`)
  }
  const stored = new Map(Object.entries(doc.tasks).flatMap(([user, tasks]) => tasks.map((task) => [`${user} ${task.id}`, task.title])))
  const missing = acked.filter((a) => stored.get(`${a.user} ${a.id}`) !== a.title)
  t.same(missing, [], 'every acknowledged (user, id, title) is in the file')
  t.equal(new Set(acked.map((a) => `${a.user} ${a.id}`)).size, 800, 'no id was handed out twice')
})

t.test('a writer killed with SIGKILL mid-load loses nothing it acknowledged', async (t) => {
  const path = join(tempDir(t), 'tasks.json')
  const victim = startWorker('writer.ts', [path, 'victim', 'forever', '20', 'carol'])
  const survivor = startWorker('writer.ts', [path, 'survivor', 'forever', '20', 'carol'])
  t.teardown(() => [victim, survivor].forEach((w) => w.child.kill('SIGKILL')))
  await Promise.all([victim.waitForLines(1), survivor.waitForLines(1)])
  victim.send('go')
  survivor.send('go')
  await victim.waitForLines(150)
  victim.child.kill('SIGKILL')
  const killed = await victim.done
  t.equal(killed.signal, 'SIGKILL', 'the victim died by SIGKILL')
  // The survivor keeps writing: a lock the victim held goes stale and is taken over.
  const seen = survivor.lines.length
  await survivor.waitForLines(seen + 50)
  survivor.send('stop')
  t.equal((await survivor.done).code, 0, 'the survivor stopped cleanly')

  const doc = readDoc(path) // parses: the file is never torn
  const stored = new Set(doc.tasks.carol.map((task) => `${task.id} ${task.title}`))
  const acked = [...acks(victim.lines), ...acks(survivor.lines)]
  t.ok(acks(victim.lines).length >= 149, 'the victim acknowledged writes before it died')
  t.same(acked.filter((a) => !stored.has(`${a.id} ${a.title}`)), [], 'every acknowledged task is in the file')

  // A fresh store opens the file and can still write after the crash.
  const store = createFileStore({ path })
  await store.open()
  t.teardown(() => store.close())
  await store.update((d) => {
    d.tasks.carol.push({ ...d.tasks.carol[0], id: 1_000_000, title: 'after the crash' })
  })
  t.ok(readDoc(path).tasks.carol.some((task) => task.title === 'after the crash'), 'a new write lands after the crash')
})
