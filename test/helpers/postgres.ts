// A real PostgreSQL for tests: the server at DATABASE_URL when set, otherwise one embedded PostgreSQL
// (embedded-postgres.ts) per test file at most, started on first use and stopped when the file's tests end.
// Each caller gets its own fresh, empty database on it.

import root from 'tap'
import { createDatabase, startEmbeddedPostgres } from './embedded-postgres.ts'

let server: Promise<string> | undefined

function serverUrl(): Promise<string> {
  if (process.env.DATABASE_URL) return Promise.resolve(process.env.DATABASE_URL)
  server ??= startEmbeddedPostgres().then((pg) => {
    root.teardown(() => pg.stop())
    return pg.url
  })
  return server
}

let counter = 0

/** A fresh, empty database; its URL. */
export async function freshDatabase(): Promise<string> {
  return createDatabase(await serverUrl(), `todo_test_${process.pid}_${Date.now()}_${counter++}`)
}
