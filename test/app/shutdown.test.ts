// Graceful SIGTERM with a real process: stop accepting, finish the request in flight (answered with
// Connection: close), flush the store, exit 0 well inside the grace period.

import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { silentLogger } from '../../src/store/logger.ts'
import { createSqliteStore } from '../../src/store/sqlite-store.ts'
import { TEST_JWT_SECRET } from './helpers.ts'

const serverPath = new URL('../../src/server.ts', import.meta.url).pathname

interface Server {
  child: ChildProcess
  port: number
  storagePath: string
  /** Resolves when a log line whose message matches `re` (and whose fields match `fields`) appears. */
  logLine(re: RegExp, fields?: Record<string, unknown>): Promise<Record<string, unknown>>
  exited: Promise<number | null>
}

async function startServer(t: { teardown(fn: () => unknown): void }, env: Record<string, string> = {}): Promise<Server> {
  const dir = mkdtempSync(join(tmpdir(), 'todo-shutdown-'))
  const storagePath = join(dir, 'todo.db')
  const child = spawn(process.execPath, [serverPath], {
    env: { PATH: process.env.PATH, PORT: '0', HOST: '127.0.0.1', STORAGE_PATH: storagePath, JWT_SECRET: TEST_JWT_SECRET, LOG_LEVEL: 'DEBUG', SHUTDOWN_GRACE_SECONDS: '20', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
  })
  const lines: Record<string, unknown>[] = []
  const waiters: { matches: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }[] = []
  let buffer = ''
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString()
    let nl
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = JSON.parse(buffer.slice(0, nl)) as Record<string, unknown>
      buffer = buffer.slice(nl + 1)
      lines.push(line)
      for (const w of waiters) if (w.matches(line)) w.resolve(line)
    }
  })
  let stderr = ''
  child.stderr!.on('data', (c: Buffer) => void (stderr += c.toString()))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  const logLine = (re: RegExp, fields: Record<string, unknown> = {}) =>
    new Promise<Record<string, unknown>>((resolve) => {
      const matches = (l: Record<string, unknown>) => re.test(String(l.message)) && Object.entries(fields).every(([k, v]) => l[k] === v)
      const seen = lines.find(matches)
      if (seen) resolve(seen)
      else waiters.push({ matches, resolve })
    })
  const listening = await Promise.race([logLine(/^Server listening at /), exited.then((code) => ({ message: `exited ${code}: ${stderr}` }))])
  const match = /127\.0\.0\.1:(\d+)/.exec(String(listening.message))
  if (!match) throw new Error(`server did not start: ${String(listening.message)}`)
  return { child, port: Number(match[1]), storagePath, logLine, exited }
}

/** A raw HTTP/1.1 exchange we can pause in the middle of the body. */
function rawRequest(port: number, head: string): { socket: Socket; response: Promise<string> } {
  const socket = connect(port, '127.0.0.1')
  socket.write(head)
  const response = new Promise<string>((resolve, reject) => {
    let data = ''
    socket.on('data', (c) => (data += c.toString()))
    socket.on('end', () => resolve(data))
    socket.on('error', reject)
  })
  return { socket, response }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1')
    s.on('connect', () => {
      s.destroy()
      resolve(true)
    })
    s.on('error', () => resolve(false))
  })
}

t.test('SIGTERM: the request in flight completes, new connections are refused, the task is on disk, exit 0', async (t) => {
  const server = await startServer(t)
  const base = `http://127.0.0.1:${server.port}`
  const signup = await fetch(`${base}/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'drain@example.test', password: 'long enough password' }),
  })
  t.equal(signup.status, 201)
  const { token } = (await signup.json()) as { token: string }

  // An idle keep-alive connection must not hold the process open.
  const idle = rawRequest(server.port, `GET /livez HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n`)

  const body = JSON.stringify({ title: 'written while draining' })
  const half = Math.floor(body.length / 2)
  const inflight = rawRequest(
    server.port,
    `POST /tasks HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\nAuthorization: Bearer ${token}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, half)}`,
  )
  // Signal only once the server is handling it (it logs "incoming request" before reading the body).
  await server.logLine(/^incoming request$/, { method: 'POST', url: '/tasks' })

  server.child.kill('SIGTERM')
  await server.logLine(/^shutting down/)
  let refused = false
  for (let i = 0; i < 100 && !refused; i++) {
    refused = !(await canConnect(server.port))
    if (!refused) await new Promise((r) => setTimeout(r, 20))
  }
  t.ok(refused, 'new connections are refused while draining')
  t.equal(server.child.exitCode, null, 'the process waits for the request in flight')

  inflight.socket.write(body.slice(half))
  const response = await inflight.response
  t.match(response, /^HTTP\/1\.1 201 /, 'the request in flight completes with 201')
  t.match(response, /\r\nconnection: close\r\n/i, 'answered with Connection: close')
  t.match(response, /"title":"written while draining"/)

  const idleResponse = await idle.response
  t.match(idleResponse, /^HTTP\/1\.1 200 /, 'the idle keep-alive connection was closed by the server')

  t.equal(await server.exited, 0, 'exit code 0')
  await server.logLine(/^shutdown complete/)
  const store = createSqliteStore({ path: server.storagePath, logger: silentLogger })
  await store.open()
  const titles = Object.values((await store.exportAll()).tasks).flat().map((task) => task.title)
  await store.close()
  t.same(titles, ['written while draining'], 'the task was flushed to disk')
})

// Issue 13, finding 7: a body that never finishes used to hold the drain for the whole grace period (exit 1).
t.test('SIGTERM with a stalled upload open: it gets 408 within REQUEST_TIMEOUT_SECONDS and the process exits 0', async (t) => {
  const server = await startServer(t, { REQUEST_TIMEOUT_SECONDS: '2', SHUTDOWN_GRACE_SECONDS: '6' })
  const stalled = rawRequest(server.port, `POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"email":"`)
  await server.logLine(/^incoming request$/, { method: 'POST', url: '/auth/login' })
  const signalled = Date.now()
  server.child.kill('SIGTERM')
  const response = await stalled.response
  t.match(response, /^HTTP\/1\.1 408 /, 'the stalled request is answered 408')
  t.match(response, /"code":"REQUEST_TIMEOUT"/, 'in the contract format')
  t.equal(await server.exited, 0, 'exit code 0')
  t.ok(Date.now() - signalled < 6000, `exited after ${Date.now() - signalled} ms, inside the grace period`)
})

// A request answered early (401: no token) while its body was still arriving used to keep its connection, and
// with it the drain, open until the grace period ran out.
t.test('SIGTERM with an early-answered unfinished upload open: one response, the connection closed, exit 0', async (t) => {
  const server = await startServer(t, { REQUEST_TIMEOUT_SECONDS: '5', SHUTDOWN_GRACE_SECONDS: '10' })
  const early = rawRequest(server.port, `POST /tasks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"title":"`)
  await server.logLine(/^request completed$/, { status: 401 })
  const signalled = Date.now()
  server.child.kill('SIGTERM')
  const response = await early.response
  t.equal(response.match(/HTTP\/1\.1 /g)?.length, 1, 'exactly one response')
  t.match(response, /^HTTP\/1\.1 401 /, 'answered 401')
  t.match(response, /\r\nconnection: close\r\n/i, 'with Connection: close')
  t.equal(await server.exited, 0, 'exit code 0')
  // Order of magnitude: the drain did not wait for the request timeout (5 s), let alone the grace (10 s).
  t.ok(Date.now() - signalled < 5000, `exited after ${Date.now() - signalled} ms`)
})

t.test('an invalid variable stops start-up with one line naming it', async (t) => {
  const child = spawn(process.execPath, [serverPath], { env: { PATH: process.env.PATH, PORT: 'eighty' }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr!.on('data', (c: Buffer) => void (stderr += c.toString()))
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
  t.equal(code, 1)
  const lines = stderr.trim().split('\n')
  t.equal(lines.length, 1, 'one line')
  t.match(JSON.parse(lines[0]), { level: 'ERROR', message: 'Invalid PORT="eighty": must be a whole number from 0 to 65535' })
})
