// What the PostgreSQL store adds to the contract: concurrent writes share one transaction and a failing write
// fails alone; task lists cached per process are served only while the user's tasks_version has not moved, so
// a change made through another replica is seen at once; identical list reads share queries without missing a
// write acknowledged before they arrived; migrations are recorded once.

import t, { type Test } from 'tap'
import pg from 'pg'
import { silentLogger } from '../../src/store/logger.ts'
import { SCHEMA_VERSION } from '../../src/store/migrations.ts'
import { createPostgresStore, type PostgresStore } from '../../src/store/postgres-store.ts'
import { freshDatabase } from '../helpers/postgres.ts'

const row = (title: string) => ({ title, description: '', priority: 'normal' as const, tags: [], due_date: null, created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:00.000Z' })

async function open(t: Test, url: string): Promise<PostgresStore> {
  const store = createPostgresStore({ url, poolSize: 4, logger: silentLogger })
  await store.open()
  t.teardown(() => store.close())
  return store
}

t.test('concurrent writes share a commit; a failing write fails alone', async (t) => {
  const store = await open(t, await freshDatabase())
  await store.createUser({ id: 'u1', email: 'u1@example.test', password_hash: 'x', created_at: '2026-01-01T00:00:00.000Z' })
  await store.createSession({ id: 's1', user_id: 'u1', created_at: '2026-01-01T00:00:00.000Z' })
  const before = { ...store.stats }
  const results = await Promise.allSettled([
    ...Array.from({ length: 50 }, (_, i) => store.insertTask('u1', row(`t${i}`))),
    store.createSession({ id: 's1', user_id: 'u1', created_at: '2026-01-01T00:00:00.000Z' }), // duplicate id: fails
    ...Array.from({ length: 49 }, (_, i) => store.insertTask('u1', row(`t${50 + i}`))),
  ])
  t.match(results[50], { status: 'rejected', reason: { name: 'StorageError', statusCode: 503 } }, 'the duplicate failed')
  t.equal(results.filter((r) => r.status === 'fulfilled').length, 99, 'the others landed')
  t.same((await store.listTasks('u1', {})).map((x) => x.id), Array.from({ length: 99 }, (_, i) => i + 1), 'ids 1..99 in order, none lost to the failed batch')
  t.ok(store.stats.commits - before.commits < 100, `fewer commits than writes (${store.stats.commits - before.commits} for ${store.stats.writes - before.writes})`)
})

t.test("a cached list is served only while the user's tasks_version holds: another replica's change is seen at once", async (t) => {
  const url = await freshDatabase()
  const a = await open(t, url)
  const b = await open(t, url) // another replica
  await a.createUser({ id: 'u1', email: 'u1@example.test', password_hash: 'x', created_at: '2026-01-01T00:00:00.000Z' })
  await a.insertTask('u1', row('one'))
  const titles = async (store: PostgresStore) => (JSON.parse(await store.listTasksJson('u1', {})) as { title: string }[]).map((x) => x.title)
  t.same(await titles(a), ['one'])
  t.same(await titles(a), ['one'], 'served again (from the cache)')
  await b.insertTask('u1', row('two'))
  t.same(await titles(a), ['one', 'two'], 'an insert through another replica')
  await b.updateTask('u1', 1, { title: 'uno', updated_at: '2026-01-01T00:01:00.000Z' })
  t.same(await titles(a), ['uno', 'two'], 'an update through another replica')
  await b.deleteTask('u1', 2)
  t.same(await titles(a), ['uno'], 'a delete through another replica')
  await b.importAll({ version: 1, users: {}, user_ids_by_email: {}, tasks: { u1: [{ ...row('imported'), id: 7, completed: false, completed_at: null }] }, sessions: {} })
  t.same(await titles(a), ['uno', 'imported'], 'an import')
})

t.test('identical list reads share queries, and a read that arrives after a write sees it', async (t) => {
  const url = await freshDatabase()
  const a = await open(t, url)
  const b = await open(t, url) // another replica
  await a.createUser({ id: 'u1', email: 'u1@example.test', password_hash: 'x', created_at: '2026-01-01T00:00:00.000Z' })
  await a.insertTask('u1', row('one'))
  const titles = (json: string) => (JSON.parse(json) as { title: string }[]).map((x) => x.title)
  const before = a.stats.listQueries
  const first = Array.from({ length: 20 }, () => a.listTasksJson('u1', {}))
  t.equal(a.stats.listQueries - before, 1, 'twenty reads arriving together: one query, the others wait for the next')
  await b.insertTask('u1', row('two')) // acknowledged while the first reads may still be in flight
  const later = Array.from({ length: 20 }, () => a.listTasksJson('u1', {}))
  for (const list of await Promise.all(first)) t.ok(['one', 'two'].join().startsWith(titles(list).join()), 'an earlier read sees the list before or after the insert')
  const after = await Promise.all(later)
  t.same(after.map(titles), Array.from({ length: 20 }, () => ['one', 'two']), 'every read that arrived after the insert sees it')
  t.ok(a.stats.listQueries - before <= 4, `40 reads, ${a.stats.listQueries - before} queries`)
  t.same(titles(await a.listTasksJson('u1', { status: 'completed' })), [], 'another filter is its own list')
})

t.test('migrations are recorded once, however many stores open the database', async (t) => {
  const url = await freshDatabase()
  await Promise.all([open(t, url), open(t, url), open(t, url)])
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  t.teardown(() => client.end())
  const { rows } = await client.query('SELECT id FROM schema_migrations ORDER BY id')
  t.same(rows.map((r) => r.id), Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1))
})
