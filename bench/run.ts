// npm run bench: the service under load, next to the two bare-Fastify baselines of DESIGN.md §4, on this
// machine, in one run. Prints figures only (no pass/fail). Each server and the load generator (autocannon)
// run in their own processes. The service measured is the production artifact: bench builds it first
// (`npm run build`) and starts `dist/server.js`, as the image does.
//
//   BENCH_SECONDS=10 BENCH_CONNECTIONS=100 BENCH_LOG_LEVEL=WARNING npm run bench

import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer, request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { taskInput, TASK_COUNT } from './lib/fixtures.ts'
import type { LoadResult, LoadSpec } from './lib/load.ts'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 100)
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'WARNING' // the prod setting (DESIGN.md §3)
const here = new URL('.', import.meta.url).pathname
const serverPath = join(here, '../dist/server.js')

// ---------------------------------------------------------------- processes

function rssMb(pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN)
  return kb / 1024
}

/** Starts a process and resolves with the first stdout line matching `ready`. */
function startProcess(args: string[], env: NodeJS.ProcessEnv, ready: RegExp): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'inherit'] })
  return new Promise((resolve, reject) => {
    let out = ''
    const onData = (chunk: Buffer) => {
      out += chunk.toString()
      const match = ready.exec(out)
      if (match) {
        child.stdout!.off('data', onData)
        child.stdout!.resume() // keep draining whatever it logs later
        resolve({ child, match })
      }
    }
    child.stdout!.on('data', onData)
    child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited ${code} before it was ready:\n${out}`)))
  })
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve()
    child.once('exit', () => resolve())
    child.kill('SIGTERM')
  })
}

// ---------------------------------------------------------------- http

function call(base: string, method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method, agent: false }, (res) => {
      let text = ''
      res.on('data', (c) => (text += c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : undefined }))
    })
    req.on('error', reject)
    if (token) req.setHeader('authorization', `Bearer ${token}`)
    if (body !== undefined) {
      req.setHeader('content-type', 'application/json')
      req.end(JSON.stringify(body))
    } else req.end()
  })
}

async function ok(base: string, method: string, path: string, body?: unknown, token?: string) {
  const res = await call(base, method, path, body, token)
  if (res.status >= 300) throw new Error(`${method} ${path} -> ${res.status} ${JSON.stringify(res.json)}`)
  return res.json
}

// ---------------------------------------------------------------- service

function serviceEnv(storagePath: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOST: '127.0.0.1',
    STORAGE_PATH: storagePath,
    LOG_LEVEL,
    JWT_SECRET: `bench-secret-not-real-${'x'.repeat(32)}`,
    RATE_LIMIT_PER_MINUTE: '100000000', // one user drives thousands of requests a second here
    AI_BACKEND: 'rules',
  }
}

/** A port nothing listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo
      probe.close(() => resolve(port))
    })
  })
}

/** Starts the service on a fresh store and resolves once /readyz answers 200, with the time that took. */
async function startService(storagePath: string, logLevel = LOG_LEVEL) {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const child = spawn(process.execPath, [serverPath], { env: { ...serviceEnv(storagePath), PORT: String(port), LOG_LEVEL: logLevel }, stdio: 'ignore' })
  const started = performance.now()
  for (;;) {
    const status = await call(url, 'GET', '/readyz').then((r) => r.status, () => 0)
    if (status === 200) return { child, url, readyMs: performance.now() - started }
    if (child.exitCode !== null) throw new Error(`the service exited ${child.exitCode} before it was ready`)
    await new Promise((r) => setTimeout(r, 5))
  }
}

// ---------------------------------------------------------------- load

interface Row {
  name: string
  result: LoadResult
  peakRssMb: number
  baseline?: number
}

/** One autocannon run in its own process, sampling the server's RSS meanwhile. */
async function loadRun(name: string, pid: number, spec: Omit<LoadSpec, 'connections' | 'seconds'>): Promise<Row> {
  let peak = rssMb(pid)
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 100)
  try {
    const { child, match } = await startProcess(
      [join(here, 'lib/load.ts'), JSON.stringify({ ...spec, connections: CONNECTIONS, seconds: SECONDS })],
      process.env,
      /^(\{.*\})\n/m,
    )
    await stop(child)
    return { name, result: JSON.parse(match[1]) as LoadResult, peakRssMb: peak }
  } finally {
    clearInterval(sampler)
  }
}

// ---------------------------------------------------------------- main

// The tsc that npm puts on PATH (node_modules/.bin), as `npm run build` would.
execFileSync('npm', ['run', '--silent', 'build'], { cwd: join(here, '..'), stdio: 'inherit' })

const dir = mkdtempSync(join(tmpdir(), 'todo-bench-'))
const rows: Row[] = []
try {
  console.log(`todo-gitops benchmark: ${CONNECTIONS} connections, ${SECONDS} s per run, service LOG_LEVEL=${LOG_LEVEL}, node ${process.version}`)
  console.log(`service: dist/server.js (the production build, just rebuilt by npm run build)`)

  // Process start -> first /readyz 200, three cold starts on fresh stores.
  const readyTimes: number[] = []
  for (let run = 0; run < 3; run++) {
    const { child, readyMs } = await startService(join(dir, `ready-${run}.json`), 'WARNING')
    readyTimes.push(readyMs)
    await stop(child)
  }

  // Baselines.
  const baseline = await startProcess([join(here, 'lib/baseline-server.ts')], process.env, /^(http:\S+)\n/m)
  const baseUrl = baseline.match[1]
  const a = await loadRun('baseline (a) constant JSON', baseline.child.pid!, { url: baseUrl, path: '/constant', method: 'GET', tokens: [] })
  const b = await loadRun('baseline (b) 100 tasks from memory', baseline.child.pid!, { url: baseUrl, path: '/tasks', method: 'GET', tokens: [] })
  rows.push(a, b)
  await stop(baseline.child)

  // The service on a fresh store.
  const service = await startService(join(dir, 'tasks.json'))
  const { url } = service
  const pid = service.child.pid!

  const reader = await ok(url, 'POST', '/auth/signup', { email: 'reader@bench.test', password: 'benchmark password' })
  for (let i = 1; i <= TASK_COUNT; i++) await ok(url, 'POST', '/tasks', taskInput(i), reader.token)
  // One user (and one chat session) per connection for the chat and write runs.
  const users = await Promise.all(
    Array.from({ length: CONNECTIONS }, (_, i) => ok(url, 'POST', '/auth/signup', { email: `user${i}@bench.test`, password: 'benchmark password' })),
  )
  const tokens = users.map((u) => u.token as string)
  for (const token of tokens) for (let i = 1; i <= 3; i++) await ok(url, 'POST', '/tasks', taskInput(i), token)
  const sessions = await Promise.all(tokens.map((token) => ok(url, 'POST', '/sessions', undefined, token).then((s) => s.session_id as string)))

  rows.push({ ...(await loadRun('GET /tasks (100 tasks)', pid, { url, path: '/tasks', method: 'GET', tokens: [reader.token] })), baseline: b.result.requestsPerSecond })
  rows.push(await loadRun('POST /sessions/:id/messages (rules)', pid, { url, path: '/sessions/{session}/messages', method: 'POST', tokens, sessions, body: { message: "what's pending" } }))
  // A turn that reads more: a date, a priority and a task named by its title (lookup + update, written).
  rows.push(await loadRun('chat: update by title (rules)', pid, {
    url, path: '/sessions/{session}/messages', method: 'POST', tokens, sessions, body: { message: 'move benchmark task 2 to friday and make it high priority' },
  }))
  rows.push(await loadRun('POST /tasks (durable)', pid, { url, path: '/tasks', method: 'POST', tokens, body: { title: 'written by the benchmark', tags: ['bench'] } }))

  await new Promise((r) => setTimeout(r, 1000))
  const rssAfter = rssMb(pid)
  const rssPeak = rssMb(pid, 'VmHWM')
  await stop(service.child)

  // ---------------------------------------------------------------- report
  const base = a.result.requestsPerSecond
  const pad = (s: string, n: number) => s.padEnd(n)
  const num = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d })
  console.log()
  console.log(
    pad('run', 38) + pad('req/s', 10) + pad('p50 ms', 8) + pad('p99 ms', 8) + pad('errors', 8) + pad('peak RSS', 10) + pad('vs (a)', 8) + 'vs (b)',
  )
  for (const r of rows) {
    const errors = r.result.errors + r.result.non2xx + r.result.timeouts
    console.log(
      pad(r.name, 38) +
        pad(num(r.result.requestsPerSecond), 10) +
        pad(num(r.result.p50), 8) +
        pad(num(r.result.p99), 8) +
        pad(num(errors), 8) +
        pad(`${num(r.peakRssMb)} MB`, 10) +
        pad(`${num(r.result.requestsPerSecond / base, 2)}x`, 8) +
        (r.baseline ? `${num(r.result.requestsPerSecond / r.baseline, 2)}x` : ''),
    )
  }
  console.log()
  console.log(`service RSS after the runs: ${num(rssAfter)} MB (peak ${num(rssPeak)} MB)`)
  console.log(`process start -> first /readyz 200: ${readyTimes.map((t) => `${num(t)} ms`).join(', ')} (best ${num(Math.min(...readyTimes))} ms)`)
  console.log(
    'targets (DESIGN.md §4): GET /tasks >= 0.5x (b) and p99 <= 25 ms; POST /tasks >= 2,000/s; chat p99 <= 30 ms; RSS <= 120 MB; start -> ready <= 500 ms',
  )
} finally {
  rmSync(dir, { recursive: true, force: true })
}
