// The file store in one process: start-up errors, re-read on change, group commit, failing updates.
// (Several processes and crashes: multi-process.test.ts.)

import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { StorageError, validationError } from '../../src/errors.ts'
import { parseDocument } from '../../src/store/document.ts'
import { createFileStore, type FileStore } from '../../src/store/file-store.ts'
import { emptyDocument, type StoreDocument } from '../../src/store/types.ts'
import { createTask } from '../../src/tasks/tasks.ts'
import { startWorker } from './processes.ts'

const quiet = { info() {}, warn() {}, error() {} }

function tempDir(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'store-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

async function openStore(t: Test, path: string): Promise<FileStore> {
  const store = createFileStore({ path, logger: quiet })
  await store.open()
  t.teardown(() => store.close())
  return store
}

function addUser(doc: StoreDocument, id = 'u1'): void {
  doc.users[id] = { id, email: `${id}@example.test`, password_hash: 'not-a-real-hash', created_at: new Date(0).toISOString(), next_task_id: 1 }
  doc.user_ids_by_email[`${id}@example.test`] = id
}

const onDisk = (path: string) => parseDocument(readFileSync(path, 'utf8'))

t.test('a missing directory is created; the file appears with the first write', async (t) => {
  const path = join(tempDir(t), 'a', 'b', 'tasks.json')
  const store = await openStore(t, path)
  t.ok(statSync(join(path, '..')).isDirectory(), 'directory created')
  t.notOk(existsSync(path), 'no file before the first write')
  t.same(await store.read((doc) => doc), emptyDocument(), 'a missing file reads as an empty document')
  t.equal(await store.check(), true, 'ready')
  await store.update((doc) => addUser(doc))
  t.ok(onDisk(path).users.u1, 'the first write creates the file')
})

t.test('a directory that cannot be created is named in the error', async (t) => {
  const dir = tempDir(t)
  writeFileSync(join(dir, 'plain-file'), 'x')
  const store = createFileStore({ path: join(dir, 'plain-file', 'sub', 'tasks.json'), logger: quiet })
  const err = await store.open().then(() => null, (e: Error) => e)
  t.type(err, StorageError)
  t.match(err?.message, `cannot create the storage directory ${join(dir, 'plain-file', 'sub')}`)
  t.match(err?.message, /ENOTDIR/)
})

t.test('a corrupt file stops start-up with a clear error and is never overwritten', async (t) => {
  const dir = tempDir(t)
  const cases = [
    { name: 'bad JSON', bytes: '{"version":1,"users":{', reason: /not valid JSON/ },
    { name: 'wrong version', bytes: JSON.stringify({ ...emptyDocument(), version: 2 }), reason: /"version" is 2, expected 1/ },
    { name: 'missing tasks', bytes: JSON.stringify({ version: 1, users: {}, user_ids_by_email: {}, sessions: {} }), reason: /"tasks" is missing/ },
    { name: 'not an object', bytes: '[1,2,3]', reason: /top level is not a JSON object/ },
  ]
  for (const c of cases) {
    const path = join(dir, `${c.name.replace(/ /g, '-')}.json`)
    writeFileSync(path, c.bytes)
    const store = createFileStore({ path, logger: quiet })
    const err = await store.open().then(() => null, (e: Error) => e)
    t.type(err, StorageError, c.name)
    t.match(err?.message, `${path} is corrupt`, `${c.name}: names the file`)
    t.match(err?.message, c.reason, `${c.name}: says what is wrong`)
    await t.rejects(store.update((doc) => addUser(doc)), StorageError, `${c.name}: no update after a failed open`)
    t.equal(readFileSync(path, 'utf8'), c.bytes, `${c.name}: file unchanged`)
  }
})

t.test('a file that turns corrupt while running fails updates and readiness, and is left alone', async (t) => {
  const path = join(tempDir(t), 'tasks.json')
  let now = 0
  const store = createFileStore({ path, logger: quiet, clock: () => new Date(now) })
  await store.open()
  t.teardown(() => store.close())
  await store.update((doc) => addUser(doc))
  t.equal(await store.check(), true, 'ready while the file is good')
  writeFileSync(path, 'garbage')
  await t.rejects(store.update((doc) => addUser(doc, 'u2')), { name: 'StorageError', message: /is corrupt/ })
  await t.rejects(store.read((doc) => doc), StorageError, 'reads fail too')
  t.equal(await createFileStore({ path, logger: quiet }).check(), false, 'an unopened store is not ready')
  now += 60_000 // past the check() cache
  t.equal(await store.check(), false, 'not ready')
  t.equal(readFileSync(path, 'utf8'), 'garbage', 'file unchanged')
  // Restored by an operator: the store recovers without a restart.
  writeFileSync(path, JSON.stringify(emptyDocument()))
  await store.update((doc) => addUser(doc, 'u3'))
  t.ok(onDisk(path).users.u3, 'writes work again after the file is restored')
})

t.test('a storage path that is a directory is reported (EISDIR-like), and left alone', async (t) => {
  const path = join(tempDir(t), 'tasks.json')
  mkdirSync(path)
  const store = createFileStore({ path, logger: quiet })
  await t.rejects(store.open(), { name: 'StorageError', message: `the storage path ${path} is not a regular file` })
  t.ok(statSync(path).isDirectory(), 'still a directory')
})

t.test('an unreadable file (EACCES, as an unprivileged user) is reported and left alone', async (t) => {
  const dir = tempDir(t)
  chmodSync(dir, 0o777)
  const path = join(dir, 'tasks.json')
  const bytes = JSON.stringify(emptyDocument())
  writeFileSync(path, bytes)
  chmodSync(path, 0o000)
  // Root reads anything, so the child drops to uid 65534 first when it runs as root.
  const child = startWorker('open-store.ts', [path, '--as-nobody'])
  const { code } = await child.done
  t.equal(code, 0)
  const result = JSON.parse(child.lines[0])
  t.equal(result.ok, false, 'open failed')
  t.equal(result.name, 'StorageError')
  t.match(result.message, `cannot read the storage file ${path}: EACCES`)
  chmodSync(path, 0o600)
  t.equal(readFileSync(path, 'utf8'), bytes, 'file unchanged')
})

t.test('two stores in one process: a change by one is seen by the next read of the other', async (t) => {
  const path = join(tempDir(t), 'tasks.json')
  const a = await openStore(t, path)
  const b = await openStore(t, path)
  await a.update((doc) => addUser(doc))
  t.ok(await b.read((doc) => doc.users.u1), 'b sees a\'s user')
  const reloads = b.stats.reloads
  await b.read((doc) => doc.users.u1)
  t.equal(b.stats.reloads, reloads, 'an unchanged file is not parsed again')
  const task = await createTask(b, 'u1', { title: 'from b' })
  t.same(await a.read((doc) => doc.tasks.u1.map((x) => x.title)), ['from b'], 'a sees b\'s task')
  await createTask(a, 'u1', { title: 'from a' })
  t.same(await b.read((doc) => doc.tasks.u1.map((x) => x.id)), [task.id, task.id + 1], 'ids continue across stores')
})

t.test('group commit: concurrent updates share fsynced writes and resolve only once on disk', async (t) => {
  const path = join(tempDir(t), 'tasks.json')
  const store = await openStore(t, path)
  await store.update((doc) => addUser(doc))
  const writesBefore = store.stats.writes
  const seenOnDisk: boolean[] = []
  await Promise.all(
    Array.from({ length: 100 }, (_, i) =>
      createTask(store, 'u1', { title: `task ${i}` }).then((task) => {
        seenOnDisk.push(onDisk(path).tasks.u1.some((x) => x.id === task.id))
      }),
    ),
  )
  const writes = store.stats.writes - writesBefore
  t.ok(writes < 100, `100 updates took ${writes} writes`)
  t.ok(writes >= 1)
  t.equal(seenOnDisk.length, 100)
  t.ok(seenOnDisk.every(Boolean), 'each update was in the file when it resolved')
  t.equal(onDisk(path).tasks.u1.length, 100)
})

t.test('a throwing update fn rejects alone; the others in its batch land', async (t) => {
  const path = join(tempDir(t), 'tasks.json')
  const store = await openStore(t, path)
  await store.update((doc) => addUser(doc))
  const writesBefore = store.stats.writes
  const results = await Promise.allSettled([
    store.update((doc) => addUser(doc, 'first')),
    store.update(() => {
      throw validationError('checked before mutating')
    }),
    store.update((doc) => {
      addUser(doc, 'half-done') // breaks the contract: mutates, then fails
      throw new TypeError('bug after a mutation')
    }),
    store.update(async (doc) => {
      addUser(doc, 'async') // async fns are refused: their later steps would run outside the lock
    }),
    store.update((doc) => {
      addUser(doc, 'last')
      return 'last-result'
    }),
  ])
  t.same(results.map((r) => r.status), ['fulfilled', 'rejected', 'rejected', 'rejected', 'fulfilled'])
  t.match(results[1], { reason: { code: 'VALIDATION_ERROR' } })
  t.match(results[2], { reason: { name: 'TypeError' } })
  t.match(results[3], { reason: { name: 'TypeError', message: /must be synchronous/ } })
  t.match(results[4], { value: 'last-result' })
  t.equal(store.stats.writes - writesBefore, 1, 'all five were one batch')
  const users = Object.keys(onDisk(path).users).sort()
  t.same(users, ['first', 'last', 'u1'], 'neither the half-done nor the async mutation landed')
  t.same(Object.keys(await store.read((doc) => doc.users)).sort(), users, 'nor is it visible to readers')
})

t.test('close() lands pending updates, then refuses new ones', async (t) => {
  const path = join(tempDir(t), 'tasks.json')
  const store = createFileStore({ path, logger: quiet })
  await store.open()
  const pending = store.update((doc) => addUser(doc))
  await store.close()
  await pending
  t.ok(onDisk(path).users.u1, 'the pending update landed')
  await t.rejects(store.update((doc) => addUser(doc, 'u2')), { name: 'StorageError', message: /closed/ })
  t.equal(await store.check(), false)
})
