// The way data comes in and out, with a tasks.json written by the former JSON file store
// (fixtures/legacy-tasks.json: made by that store through the app's own routes — two fake users, tasks
// created, completed and deleted, a chat session — before the file store was removed):
//  - first start on an empty database imports it (counts logged, file left in place); restarts do not;
//  - a broken file stops start-up with the JSON path of the problem, and imports nothing;
//  - `npm run storage -- export|import` moves everything SQLite -> PostgreSQL -> SQLite unchanged.

import { execFile } from 'node:child_process'
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t, { type Test } from 'tap'
import { buildApp } from '../../src/app.ts'
import { parseDocument } from '../../src/store/document.ts'
import { openStore } from '../../src/store/index.ts'
import { silentLogger } from '../../src/store/logger.ts'
import { testConfig } from '../app/helpers.ts'
import { freshDatabase } from '../helpers/postgres.ts'

const run = promisify(execFile)
const legacyPath = new URL('./fixtures/legacy-tasks.json', import.meta.url).pathname
const legacyText = readFileSync(legacyPath, 'utf8')
const legacy = parseDocument(legacyText)
const cli = new URL('../../src/cli/storage.ts', import.meta.url).pathname
const ADA = '537c7acd-c053-48cc-98a4-c83e166516b8'

function tempDir(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'todo-upgrade-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

async function app(t: Test, env: Record<string, string>) {
  const lines: Record<string, unknown>[] = []
  const instance = await buildApp(testConfig({ LOG_LEVEL: 'INFO', ...env }), { logStream: { write: (l) => void lines.push(JSON.parse(l)) } })
  t.teardown(() => instance.close())
  return { app: instance, imports: () => lines.filter((l) => String(l.message).startsWith('imported the former JSON store')) }
}

t.test('first start with an empty database imports tasks.json next to it, once; the file stays', async (t) => {
  const dir = tempDir(t)
  copyFileSync(legacyPath, join(dir, 'tasks.json'))
  const before = statSync(join(dir, 'tasks.json'))
  const first = await app(t, { STORAGE_PATH: join(dir, 'todo.db') })
  t.match(first.imports(), [{ file: join(dir, 'tasks.json'), users: 2, tasks: 5, sessions: 1 }], 'logged with counts')

  // The users can log in with their old passwords and find their tasks as they were.
  const login = await first.app.inject({ method: 'POST', url: '/auth/login', payload: { email: 'ada@example.test', password: 'fixture password one' } })
  t.equal(login.statusCode, 200)
  t.equal(login.json().user_id, ADA)
  const auth = { authorization: `Bearer ${login.json().token}` }
  t.same((await first.app.inject({ url: '/tasks', headers: auth })).json().tasks, legacy.tasks[ADA], 'every task, every field')
  t.match((await first.app.inject({ method: 'POST', url: '/tasks', headers: auth, payload: { title: 'new' } })).json(), { id: 6 }, 'ids go on after the old ones (3 was deleted, never reused)')
  await first.app.close()

  t.equal(readFileSync(join(dir, 'tasks.json'), 'utf8'), legacyText, 'the old file is left in place, unchanged')
  t.equal(statSync(join(dir, 'tasks.json')).mtimeMs, before.mtimeMs)

  const second = await app(t, { STORAGE_PATH: join(dir, 'todo.db') })
  t.same(second.imports(), [], 'a restart does not import again')
  const login2 = await second.app.inject({ method: 'POST', url: '/auth/login', payload: { email: 'ada@example.test', password: 'fixture password one' } })
  const tasks = (await second.app.inject({ url: '/tasks', headers: { authorization: `Bearer ${login2.json().token}` } })).json().tasks
  t.same(tasks.map((x: { id: number }) => x.id), [1, 2, 4, 5, 6], 'nothing doubled')
})

t.test('STORAGE_IMPORT_JSON names the file; PostgreSQL imports it the same way', async (t) => {
  const first = await app(t, { STORAGE_BACKEND: 'postgres', DATABASE_URL: await freshDatabase(), STORAGE_IMPORT_JSON: legacyPath })
  t.match(first.imports(), [{ users: 2, tasks: 5, sessions: 1 }])
  const login = await first.app.inject({ method: 'POST', url: '/auth/login', payload: { email: 'bob@example.test', password: 'fixture password two' } })
  t.equal(login.statusCode, 200)
})

t.test('text PostgreSQL cannot store (U+0000, unpaired surrogates) is imported with U+FFFD in its place', async (t) => {
  const dir = tempDir(t)
  const doc = JSON.parse(legacyText) as { tasks: Record<string, { title: string; description: string }[]> }
  doc.tasks[ADA][0].title = 'milk\u0000'
  doc.tasks[ADA][0].description = 'half \ud83d'
  writeFileSync(join(dir, 'tasks.json'), JSON.stringify(doc))
  const first = await app(t, { STORAGE_BACKEND: 'postgres', DATABASE_URL: await freshDatabase(), STORAGE_IMPORT_JSON: join(dir, 'tasks.json') })
  t.match(first.imports(), [{ users: 2, tasks: 5, sessions: 1 }], 'everything imported, not a refused import')
  const login = await first.app.inject({ method: 'POST', url: '/auth/login', payload: { email: 'ada@example.test', password: 'fixture password one' } })
  const [task] = (await first.app.inject({ url: '/tasks', headers: { authorization: `Bearer ${login.json().token}` } })).json().tasks
  t.equal(task.title, 'milk\ufffd')
  t.equal(task.description, 'half \ufffd')
})

t.test('a broken tasks.json stops start-up naming the problem, and nothing is imported', async (t) => {
  const dir = tempDir(t)
  const broken = JSON.parse(legacyText)
  broken.tasks[ADA][1] = null
  writeFileSync(join(dir, 'tasks.json'), JSON.stringify(broken))
  await t.rejects(app(t, { STORAGE_PATH: join(dir, 'todo.db') }), {
    name: 'StorageError',
    message: `${join(dir, 'tasks.json')} is not a version-1 store document: /tasks/${ADA}/1 must be object; nothing was imported`,
  })
  const store = await openStore(testConfig({ STORAGE_PATH: join(dir, 'todo.db'), STORAGE_IMPORT_JSON: '/nonexistent/tasks.json' }), silentLogger)
  t.teardown(() => store.close())
  t.equal(await store.isEmpty(), true)
})

t.test('npm run storage -- export | import: SQLite -> PostgreSQL -> SQLite, nothing changes', async (t) => {
  const dir = tempDir(t)
  const storage = (args: string[], env: Record<string, string>) =>
    run(process.execPath, [cli, ...args], { env: { PATH: process.env.PATH, LOG_LEVEL: 'ERROR', ...env } }).then((r) => JSON.parse(r.stdout))
  const sqliteA = { STORAGE_PATH: join(dir, 'a.db'), STORAGE_IMPORT_JSON: join(dir, 'none.json') }
  const postgres = { STORAGE_BACKEND: 'postgres', DATABASE_URL: await freshDatabase() }
  const sqliteB = { STORAGE_PATH: join(dir, 'b.db'), STORAGE_IMPORT_JSON: join(dir, 'none.json') }

  t.same(await storage(['import', legacyPath], sqliteA), { imported: legacyPath, backend: 'sqlite', users: 2, tasks: 5, sessions: 1 })
  t.same(await storage(['import', legacyPath], sqliteA), { imported: legacyPath, backend: 'sqlite', users: 0, tasks: 0, sessions: 0 }, 'idempotent')
  t.match(await storage(['export', join(dir, 'from-sqlite.json')], sqliteA), { backend: 'sqlite', users: 2, tasks: 5, sessions: 1 })
  t.equal(statSync(join(dir, 'from-sqlite.json')).mode & 0o777, 0o600, 'the export holds password hashes: owner only')
  t.match(await storage(['import', join(dir, 'from-sqlite.json')], postgres), { backend: 'postgres', users: 2, tasks: 5, sessions: 1 })
  await storage(['export', join(dir, 'from-postgres.json')], postgres)
  await storage(['import', join(dir, 'from-postgres.json')], sqliteB)
  await storage(['export', join(dir, 'back.json')], sqliteB)

  const read = (name: string) => parseDocument(readFileSync(join(dir, name), 'utf8'))
  t.same(read('from-sqlite.json'), legacy, 'SQLite holds exactly what the old file held')
  t.same(read('from-postgres.json'), legacy, 'so does PostgreSQL')
  t.same(read('back.json'), legacy, 'and the way back')

  const usage = await run(process.execPath, [cli, 'export'], { env: { PATH: process.env.PATH } }).catch((e: { code: number; stderr: string }) => e)
  t.match(usage, { code: 2, stderr: /usage: npm run storage -- export FILE \| import FILE/ })
  const missing = await run(process.execPath, [cli, 'import', join(dir, 'nope.json')], { env: { PATH: process.env.PATH, ...sqliteB } }).catch((e: { code: number; stderr: string }) => e)
  t.match(missing, { code: 1, stderr: /Cannot read .*nope\.json: ENOENT/ })
})
