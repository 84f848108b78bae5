// What the SQLite store adds to the contract: group commit (concurrent writes share one transaction, a failing
// write fails alone), and task lists cached per user that never outlive a change — by this process or by
// another connection to the same file.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { ListCache } from '../../src/store/list-cache.ts'
import { silentLogger } from '../../src/store/logger.ts'
import { createSqliteStore, type SqliteStore } from '../../src/store/sqlite-store.ts'

const row = (title: string) => ({ title, description: '', priority: 'normal' as const, tags: [], due_date: null, created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:00.000Z' })

async function open(t: Test, path: string): Promise<SqliteStore> {
  const store = createSqliteStore({ path, logger: silentLogger })
  await store.open()
  t.teardown(() => store.close())
  return store
}

function tempPath(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'todo-sqlite-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return join(dir, 'todo.db')
}

t.test('concurrent writes share one commit; a failing write is undone alone', async (t) => {
  const store = await open(t, tempPath(t))
  await store.createUser({ id: 'u1', email: 'u1@example.test', password_hash: 'x', created_at: '2026-01-01T00:00:00.000Z' })
  await store.createSession({ id: 's1', user_id: 'u1', created_at: '2026-01-01T00:00:00.000Z' })
  const before = { ...store.stats }
  const results = await Promise.allSettled([
    ...Array.from({ length: 50 }, (_, i) => store.insertTask('u1', row(`t${i}`))),
    store.createSession({ id: 's1', user_id: 'u1', created_at: '2026-01-01T00:00:00.000Z' }), // duplicate id: fails
    ...Array.from({ length: 49 }, (_, i) => store.insertTask('u1', row(`t${50 + i}`))),
  ])
  t.equal(store.stats.commits - before.commits, 1, 'one commit for 100 writes')
  t.equal(store.stats.writes - before.writes, 100)
  t.match(results[50], { status: 'rejected', reason: { name: 'StorageError', statusCode: 503 } }, 'the duplicate failed')
  t.equal(results.filter((r) => r.status === 'fulfilled').length, 99, 'the others landed')
  t.same((await store.listTasks('u1', {})).map((x) => x.id), Array.from({ length: 99 }, (_, i) => i + 1))
})

t.test('a cached task list never outlives a change, by this connection or another one', async (t) => {
  const path = tempPath(t)
  const a = await open(t, path)
  const b = await open(t, path) // another connection: what another process would be
  await a.createUser({ id: 'u1', email: 'u1@example.test', password_hash: 'x', created_at: '2026-01-01T00:00:00.000Z' })
  await a.insertTask('u1', row('one'))
  const titles = async (store: SqliteStore) => (JSON.parse(await store.listTasksJson('u1', {})) as { title: string }[]).map((x) => x.title)
  t.same(await titles(a), ['one'])
  t.same(await titles(a), ['one'], 'served again (from the cache)')
  await b.insertTask('u1', row('two'))
  t.same(await titles(a), ['one', 'two'], "another connection's commit is seen at once")
  await a.updateTask('u1', 1, { title: 'uno', updated_at: '2026-01-01T00:01:00.000Z' })
  t.same(await titles(a), ['uno', 'two'], "this connection's write is seen at once")
  await a.deleteTask('u1', 2)
  t.same(await titles(a), ['uno'])
  t.same(await titles(b), ['uno'])
})

t.test('the list cache is bounded by size, oldest users first', async (t) => {
  const cache = new ListCache<string>((s) => s.length, 100)
  cache.set('u1', 'all', 'x'.repeat(8))
  cache.set('u2', 'all', 'y'.repeat(8))
  cache.set('u3', 'all', 'z'.repeat(200)) // more than a tenth of the budget: not kept
  t.equal(cache.get('u3', 'all'), undefined)
  for (let i = 0; i < 12; i++) cache.set(`v${i}`, 'all', 'v'.repeat(9))
  t.equal(cache.get('u1', 'all'), undefined, 'the oldest went')
  t.equal(cache.get('v11', 'all'), 'v'.repeat(9), 'the newest stays')
  cache.forget('v11')
  t.equal(cache.get('v11', 'all'), undefined)
})
