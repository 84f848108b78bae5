// What the PostgreSQL store adds to the contract: concurrent writes share one transaction and a failing write
// fails alone; task lists cached per process are served only while the user's tasks_version has not moved, so
// a change made through another replica is seen at once; identical list reads share queries without missing a
// write acknowledged before they arrived; migrations are recorded once.

import t, { type Test } from 'tap'
import pg from 'pg'
import { silentLogger } from '../../src/store/logger.ts'
import type { Task } from '../../src/store/types.ts'
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

t.test('a batch of task inserts is one statement; an insert the database refuses fails alone', async (t) => {
  const store = await open(t, await freshDatabase())
  for (const id of ['u1', 'u2']) await store.createUser({ id, email: `${id}@example.test`, password_hash: 'x', created_at: '2026-01-01T00:00:00.000Z' })
  const user = (i: number) => (i % 3 === 0 ? 'u2' : 'u1')
  const before = { ...store.stats }
  const results = await Promise.allSettled([
    ...Array.from({ length: 50 }, (_, i) => store.insertTask(user(i), row(`t${i}`))),
    store.insertTask('u1', row('NUL \u0000 in a title')), // PostgreSQL text cannot hold NUL: the statement fails
    ...Array.from({ length: 49 }, (_, i) => store.insertTask(user(50 + i), row(`t${50 + i}`))),
    store.insertTask('nobody', row('no such user')),
  ])
  t.match(results[50], { status: 'rejected', reason: { name: 'StorageError', statusCode: 503 } }, 'the refused insert failed')
  t.equal(store.stats.refusedBatches - before.refusedBatches, 1, 'one batch was refused and retried write by write')
  t.match(results[100], { status: 'fulfilled', value: undefined }, 'an unknown user gets no task')
  const created = results.filter((r, i) => i !== 50 && i !== 100).map((r) => (r as PromiseFulfilledResult<Task>).value)
  t.equal(created.length, 99)
  for (const u of ['u1', 'u2']) {
    const mine = created.filter((_, k) => user(k) === u)
    t.same(mine.map((x) => x.id), Array.from({ length: mine.length }, (_, i) => i + 1), `${u}: ids 1..n in arrival order, none lost to the refused insert`)
    t.same(await store.listTasks(u, {}), mine, `${u}: each write was answered with the task as stored`)
  }
  const ok = await Promise.all(Array.from({ length: 40 }, (_, i) => store.insertTask(user(i), row(`more ${i}`))))
  t.equal(ok.filter(Boolean).length, 40)
  t.ok(store.stats.commits - before.commits < 40 + 99, `fewer commits than writes without a failure (${store.stats.commits - before.commits} for ${store.stats.writes - before.writes})`)
})

t.test('two replicas inserting for overlapping users never deadlock or skip an id', async (t) => {
  const url = await freshDatabase()
  const [a, b] = [await open(t, url), await open(t, url)]
  const users = Array.from({ length: 40 }, (_, i) => `u${String(i).padStart(2, '0')}`)
  for (const id of users) await a.createUser({ id, email: `${id}@example.test`, password_hash: 'x', created_at: '2026-01-01T00:00:00.000Z' })
  // Each round, each replica writes for a different subset of users, one in ascending and one in descending
  // order: without the ordered row locks their batches take the same rows in opposite orders.
  const rounds = 30
  const subset = (r: number, k: number) => users.filter((_, i) => (i * (r + 3) + k) % 5 !== 0)
  const results: PromiseSettledResult<unknown>[] = []
  const replica = async (store: PostgresStore, k: number, order: (users: string[]) => string[]) => {
    // One batch per round, the rounds of both replicas running at the same time.
    for (let r = 0; r < rounds; r++) results.push(...(await Promise.allSettled(order(subset(r, k)).map((u) => store.insertTask(u, row(`${k}/${r}`))))))
  }
  await Promise.all([replica(a, 0, (u) => u), replica(b, 2, (u) => u.reverse())])
  t.equal(results.filter((r) => r.status === 'rejected').length, 0, 'no write failed')
  t.equal(a.stats.refusedBatches + b.stats.refusedBatches, 0, 'no batch was refused (a deadlock would be, then retried)')
  for (const u of users) {
    const ids = (await a.listTasks(u, {})).map((x) => x.id)
    t.same(ids, Array.from({ length: ids.length }, (_, i) => i + 1), `${u}: ids 1..${ids.length}`)
  }
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
