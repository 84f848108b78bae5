// Storage benchmark without HTTP (`npm run bench:store`): prints figures, judges nothing.
// For each backend, 100 concurrent createTask calls (one user each) for BENCH_SECONDS: durable writes/s and
// writes per commit (group commit at work); next to it the plain-pg baseline (one autocommitted INSERT per
// row, same pool size). PostgreSQL: embedded PostgreSQL 18 from npm, or BENCH_DATABASE_URL.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { silentLogger } from '../src/store/logger.ts'
import { createPostgresStore, type PostgresStore } from '../src/store/postgres-store.ts'
import { createSqliteStore, type SqliteStore } from '../src/store/sqlite-store.ts'
import { createTask } from '../src/tasks/tasks.ts'
import { createDatabase, startEmbeddedPostgres } from '../test/helpers/embedded-postgres.ts'
import { plainInsertsPerSecond } from './lib/pg-baseline.ts'
import { seed, writerId } from './lib/seed.ts'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3)
const LANES = 100
const POOL_SIZE = 10

async function durableWrites(store: SqliteStore | PostgresStore): Promise<{ perSecond: number; perCommit: number }> {
  await store.open()
  await seed(store, 0, LANES)
  const before = { ...store.stats }
  const until = Date.now() + SECONDS * 1000
  let n = 0
  const began = performance.now()
  await Promise.all(
    Array.from({ length: LANES }, async (_, i) => {
      while (Date.now() < until) {
        await createTask(store, writerId(i), { title: `bench ${n++}`, tags: ['bench'] })
      }
    }),
  )
  const seconds = (performance.now() - began) / 1000
  const commits = store.stats.commits - before.commits
  const writes = store.stats.writes - before.writes
  await store.close()
  return { perSecond: writes / seconds, perCommit: writes / commits }
}

const dir = mkdtempSync(join(tmpdir(), 'todo-bench-store-'))
const pgServer = process.env.BENCH_DATABASE_URL ? undefined : await startEmbeddedPostgres()
const pgUrl = process.env.BENCH_DATABASE_URL ?? pgServer!.url
try {
  const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 0 })
  console.log(`${LANES} concurrent createTask calls, ${SECONDS} s each, node ${process.version}`)
  const sqlite = await durableWrites(createSqliteStore({ path: join(dir, 'todo.db'), logger: silentLogger }))
  console.log(`sqlite:   ${fmt(sqlite.perSecond)} durable writes/s, ${sqlite.perCommit.toFixed(1)} writes per commit`)
  const pg = await durableWrites(createPostgresStore({ url: await createDatabase(pgUrl, `bench_store_${process.pid}`), poolSize: POOL_SIZE, logger: silentLogger }))
  console.log(`postgres: ${fmt(pg.perSecond)} durable writes/s, ${pg.perCommit.toFixed(1)} writes per commit`)
  const baseline = await plainInsertsPerSecond(await createDatabase(pgUrl, `bench_store_${process.pid}_baseline`), POOL_SIZE, LANES, SECONDS)
  console.log(`postgres baseline (plain pg, pool ${POOL_SIZE}, one INSERT per commit): ${fmt(baseline)} rows/s -> store/baseline ${(pg.perSecond / baseline).toFixed(2)}x`)
} finally {
  await pgServer?.stop()
  rmSync(dir, { recursive: true, force: true })
}
