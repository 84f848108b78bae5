// When storage is broken or gone: a clear one-line start-up error (exit 1), or 503 with /readyz 503 while
// running — never a 500, never a hang — and service resumes at once when storage is back.
//  - SQLite: a file that is not a database, a directory that cannot be created, permission lost then
//    restored (issue 13 finding 10, on the new store).
//  - PostgreSQL: unreachable at start; gone while running (a TCP proxy we cut and restore).

import { spawn, type ChildProcess } from 'node:child_process'
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, connect, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { buildApp } from '../../src/app.ts'
import { BUSY_TIMEOUT_MS } from '../../src/store/sqlite-store.ts'
import { errorCode, signup, testConfig, TEST_JWT_SECRET } from '../app/helpers.ts'
import { freshDatabase } from '../helpers/postgres.ts'

const serverPath = new URL('../../src/server.ts', import.meta.url).pathname

function tempDir(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'todo-failures-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

interface Started {
  child: ChildProcess
  /** Set once "Server listening" was logged. */
  url?: string
  exit: Promise<{ code: number | null; stderr: string; ms: number }>
}

function startServer(t: Test, env: Record<string, string>, opts: { uid?: number; gid?: number } = {}): Started {
  const began = performance.now()
  const child = spawn(process.execPath, [serverPath], {
    env: { PATH: process.env.PATH, PORT: '0', HOST: '127.0.0.1', JWT_SECRET: TEST_JWT_SECRET, LOG_LEVEL: 'INFO', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...opts,
  })
  t.teardown(() => void (child.exitCode === null && child.kill('SIGKILL')))
  let stderr = ''
  child.stderr!.on('data', (c: Buffer) => void (stderr += c.toString()))
  const started: Started = {
    child,
    exit: new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr, ms: performance.now() - began }))),
  }
  return started
}

function listening(s: Started): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = ''
    s.child.stdout!.on('data', (c: Buffer) => {
      out += c.toString()
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out)
      if (match) resolve((s.url = match[1]))
    })
    void s.exit.then((e) => reject(new Error(`exited ${e.code}: ${e.stderr}`)))
  })
}

/** The one start-up error line. */
function startupError(stderr: string): string {
  const lines = stderr.trim().split('\n')
  if (lines.length !== 1) throw new Error(`expected one line on stderr, got: ${stderr}`)
  const line = JSON.parse(lines[0]) as { level: string; message: string }
  if (line.level !== 'ERROR') throw new Error(`not an ERROR line: ${lines[0]}`)
  return line.message
}

t.test('sqlite: a file that is not a database stops start-up with one line, and is left as it was', async (t) => {
  const path = join(tempDir(t), 'todo.db')
  const garbage = '{"this is": "not a database"}\n'.repeat(200)
  writeFileSync(path, garbage)
  const { code, stderr } = await startServer(t, { STORAGE_PATH: path }).exit
  t.equal(code, 1)
  t.match(startupError(stderr), new RegExp(`^Start-up failed: Cannot use the SQLite database ${path}: file is not a database; it is left as it is$`))
  t.equal(readFileSync(path, 'utf8'), garbage, 'not overwritten')
})

t.test('sqlite: a directory that cannot be created stops start-up with one line naming it', async (t) => {
  const dir = tempDir(t)
  writeFileSync(join(dir, 'file'), '')
  const { code, stderr } = await startServer(t, { STORAGE_PATH: join(dir, 'file', 'sub', 'todo.db') }).exit
  t.equal(code, 1)
  t.match(startupError(stderr), /^Start-up failed: Cannot create the directory of the SQLite database .*\/file\/sub\/todo\.db: ENOTDIR/)
})

t.test('sqlite: permission lost, then restored: no 500, no hang, writes resume at once', { skip: process.getuid?.() !== 0 && 'needs root to run the service as another user' }, async (t) => {
  // The service runs as `nobody`, so permissions apply to it (root ignores them).
  const parent = tempDir(t)
  chmodSync(parent, 0o755)
  const dir = join(parent, 'data')
  mkdirSync(dir)
  chownSync(dir, 65534, 65534)
  const path = join(dir, 'todo.db')
  const server = startServer(t, { STORAGE_PATH: path }, { uid: 65534, gid: 65534 })
  const url = await listening(server)
  const post = async (token: string, title: string) => {
    const began = performance.now()
    const res = await fetch(`${url}/tasks`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ title }), signal: AbortSignal.timeout(10_000) })
    return { status: res.status, body: (await res.json()) as { error?: { code: string } }, ms: performance.now() - began }
  }
  const signed = await (await fetch(`${url}/auth/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'p@example.test', password: 'correct horse battery' }) })).json()
  t.equal((await post(signed.token, 'before')).status, 201)

  // Permission lost: the directory and every database file become unreadable and unwritable.
  const files = ['', '-wal', '-shm'].map((suffix) => path + suffix)
  for (const f of files) chmodSync(f, 0o000)
  chmodSync(dir, 0o000)
  const during = await Promise.all(Array.from({ length: 20 }, (_, i) => post(signed.token, `during-${i}`)))
  t.same([...new Set(during.map((r) => r.status))].filter((s) => s !== 201 && s !== 503), [], 'while lost: 201 (SQLite keeps its open files) or 503, never a 500')
  t.ok(during.every((r) => r.status === 201 || r.body.error?.code === 'STORAGE_UNAVAILABLE'), 'a refusal is STORAGE_UNAVAILABLE')
  t.ok(Math.max(...during.map((r) => r.ms)) < BUSY_TIMEOUT_MS + 1_000, 'no request hangs (at most the busy timeout)')
  // A process starting meanwhile cannot open the file and says so.
  const late = await startServer(t, { STORAGE_PATH: path }, { uid: 65534, gid: 65534 }).exit
  t.equal(late.code, 1, 'a new process stops with an error')
  // (Only the first line: the test runner's own exit hook, running as nobody too, may complain after it.)
  t.match(JSON.parse(late.stderr.split('\n')[0]), { level: 'ERROR', message: /^Start-up failed: Cannot (open|use) the SQLite database .*todo\.db/ })

  // Restored: the very next write lands, with no lock to wait out.
  chmodSync(dir, 0o755)
  for (const f of files) chmodSync(f, 0o644)
  const after = await post(signed.token, 'after')
  t.equal(after.status, 201, 'writes resume at once')
  // No lock is waited out: before, a lock left behind held every write ~7.5 s until it went stale.
  t.ok(after.ms < BUSY_TIMEOUT_MS, `the first write after the restore took ${Math.round(after.ms)} ms, less than any lock wait`)
  const list = await (await fetch(`${url}/tasks`, { headers: { authorization: `Bearer ${signed.token}` } })).json()
  t.ok(list.tasks.some((task: { title: string }) => task.title === 'after'))
})

t.test('postgres: unreachable at start-up is one clear line naming the server, never the password', async (t) => {
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const p = (probe.address() as { port: number }).port
      probe.close(() => resolve(p))
    })
  })
  const { code, stderr, ms } = await startServer(t, { STORAGE_BACKEND: 'postgres', DATABASE_URL: `postgres://app:pw-not-real-42@127.0.0.1:${port}/todo` }).exit
  t.equal(code, 1)
  t.match(startupError(stderr), new RegExp(`^Start-up failed: Cannot connect to PostgreSQL at 127\\.0\\.0\\.1:${port}/todo: .*ECONNREFUSED`))
  t.notMatch(stderr, 'pw-not-real-42', 'the password is not printed')
  t.ok(ms < 10_000, 'fails fast')
})

/** A TCP proxy to the database that the test can cut (refusing and dropping connections) and restore. */
async function cuttableProxy(t: Test, target: URL): Promise<{ url: string; cut(): void; restore(): Promise<void> }> {
  const sockets = new Set<Socket>()
  let server: Server
  let port = 0
  const listen = () =>
    new Promise<void>((resolve) => {
      server = createServer((client) => {
        const upstream = connect(Number(target.port), target.hostname)
        for (const s of [client, upstream]) {
          sockets.add(s)
          s.on('close', () => sockets.delete(s))
          s.on('error', () => {})
        }
        client.pipe(upstream).pipe(client)
      })
      server.listen(port, '127.0.0.1', () => {
        port = (server.address() as { port: number }).port
        resolve()
      })
    })
  await listen()
  t.teardown(() => {
    server.close()
    for (const s of sockets) s.destroy()
  })
  const url = new URL(target)
  url.port = String(port)
  return {
    url: url.toString(),
    cut() {
      server.close()
      for (const s of sockets) s.destroy()
    },
    restore: listen,
  }
}

t.test('postgres: the database gone while running is a 503 and /readyz 503, never a 500; back, it serves at once', async (t) => {
  const proxy = await cuttableProxy(t, new URL(await freshDatabase()))
  const app = await buildApp(testConfig({ STORAGE_BACKEND: 'postgres', DATABASE_URL: proxy.url }), { logStream: { write() {} } })
  t.teardown(() => app.close())
  const alice = await signup(app)
  t.equal((await app.inject({ method: 'POST', url: '/tasks', headers: alice.auth, payload: { title: 'before' } })).statusCode, 201)

  proxy.cut()
  await new Promise((r) => setTimeout(r, 1_100)) // past the readiness cache
  const began = performance.now()
  const answers = await Promise.all([
    app.inject({ method: 'POST', url: '/tasks', headers: alice.auth, payload: { title: 'during' } }),
    app.inject({ method: 'GET', url: '/tasks', headers: alice.auth }),
    app.inject({ method: 'POST', url: '/sessions', headers: alice.auth }),
    app.inject({ method: 'POST', url: '/auth/login', payload: { email: 'alice@example.test', password: 'correct horse battery' } }),
  ])
  for (const res of answers) {
    t.equal(res.statusCode, 503, `${res.statusCode} ${res.body}`)
    t.equal(errorCode(res), 'STORAGE_UNAVAILABLE')
    t.notMatch(res.body, /127\.0\.0\.1|ECONNREFUSED|postgres/i, 'no address or driver text for clients')
  }
  t.ok(performance.now() - began < 8_000, 'answered, not hung')
  t.equal((await app.inject({ url: '/readyz' })).statusCode, 503, '/readyz 503')
  t.equal((await app.inject({ url: '/health' })).json().storage, 'unavailable')
  t.equal((await app.inject({ url: '/livez' })).statusCode, 200, 'alive: only readiness fails')

  await proxy.restore()
  const after = await app.inject({ method: 'POST', url: '/tasks', headers: alice.auth, payload: { title: 'after' } })
  t.equal(after.statusCode, 201, 'writes resume at once')
  t.match(after.json(), { id: 2 }, 'the id sequence continues: the refused write took no id')
  await new Promise((r) => setTimeout(r, 1_100))
  t.equal((await app.inject({ url: '/readyz' })).statusCode, 200, 'ready again')
})
