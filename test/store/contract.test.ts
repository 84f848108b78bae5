// The store contract suite (contract.ts) on every implementation: SQLite (a file in a temp dir), PostgreSQL
// (embedded PostgreSQL 18 from npm, or DATABASE_URL when set; a fresh database per test) and the test-only
// memory store.

import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { silentLogger } from '../../src/store/logger.ts'
import { createPostgresStore } from '../../src/store/postgres-store.ts'
import { createSqliteStore } from '../../src/store/sqlite-store.ts'
import { MemoryStore } from '../helpers/memory-store.ts'
import { freshDatabase } from '../helpers/postgres.ts'
import { contractSuite } from './contract.ts'

t.test('sqlite', async (t) => {
  contractSuite(t, async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'todo-sqlite-'))
    t.teardown(() => rm(dir, { recursive: true, force: true }))
    const store = createSqliteStore({ path: join(dir, 'todo.db'), logger: silentLogger })
    await store.open()
    return store
  })
})

t.test('postgres', async (t) => {
  contractSuite(t, async (t) => {
    const store = createPostgresStore({ url: await freshDatabase(), poolSize: 4, logger: silentLogger })
    await store.open()
    return store
  })
})

t.test('memory (test helper)', async (t) => {
  contractSuite(t, async () => new MemoryStore())
})
