// npm run bench: the service under load, next to two bare-Fastify baselines (a constant JSON route and 100
// tasks from memory) and a plain-pg write baseline, on this machine, in one run. Prints figures only (no pass/fail).
// Each server and the load generator (autocannon) run in their own processes. The service measured is the
// production artifact: bench builds it first (`npm run build`) and starts `dist/server.js` with the environment
// and node flags of package.json start:dist, as the image does.
//
// For each backend (SQLite; PostgreSQL: embedded PostgreSQL 18 from npm, or BENCH_DATABASE_URL) and each
// amount of other users' data (0, 1,000, 10,000 users × 20 tasks, seeded straight into the store): start ->
// ready, GET /tasks (100 tasks), POST /tasks (durable, one user per connection), RSS after. Then three service
// processes on one SQLite file and on one PostgreSQL database: acknowledged writes/s, lost, duplicate ids.
//
//   BENCH_SECONDS=8 BENCH_CONNECTIONS=100 BENCH_GET_CONNECTIONS=50 BENCH_OTHER_USERS=0,1000,10000 BENCH_BACKENDS=sqlite,postgres npm run bench
//   (BENCH_SHARED=0 skips the three-process runs; BENCH_SERVICE_NODE_ARGS='--flag …' and BENCH_SERVICE_ENV='K=V …'
//   start the service with node flags and environment)

import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer, request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createTokens } from '../src/auth/tokens.ts'
import { createStore } from '../src/store/index.ts'
import { silentLogger } from '../src/store/logger.ts'
import type { StorageBackend } from '../src/store/types.ts'
import { createDatabase, startEmbeddedPostgres } from '../test/helpers/embedded-postgres.ts'
import type { LoadResult, LoadSpec } from './lib/load.ts'
import { plainInsertsPerSecond } from './lib/pg-baseline.ts'
import { READER, seed, WRITER_TASKS, writerId } from './lib/seed.ts'
import { SERVICE_ENV_VARS, SERVICE_NODE_FLAGS } from './lib/service-command.ts'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10)
/** Writes (POST /tasks) and chat turns: 100 connections, one user each. */
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 100)
/** Reads (GET /tasks and the two baselines it is compared with): one user reading 100 tasks over 50 connections,
 * the load the storage targets were set against (docs/performance.md). */
const GET_CONNECTIONS = Number(process.env.BENCH_GET_CONNECTIONS ?? 50)
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'WARNING' // the prod setting (the table in gen/environments.ts)
const OTHER_USERS = (process.env.BENCH_OTHER_USERS ?? '0,1000,10000').split(',').map(Number)
const BACKENDS = (process.env.BENCH_BACKENDS ?? 'sqlite,postgres').split(',') as StorageBackend[]
/** Node flags for the service processes: production's (package.json start:dist), then any extra ones for
 * experiments (e.g. `--max-semi-space-size=16`; a flag given twice takes the later value). */
const SERVICE_NODE_ARGS = [...SERVICE_NODE_FLAGS, ...(process.env.BENCH_SERVICE_NODE_ARGS ?? '').split(' ').filter(Boolean)]
/** Extra environment for the service processes, after production's (package.json start:dist) (experiments,
 * e.g. `MALLOC_ARENA_MAX=2`). */
const SERVICE_ENV = Object.fromEntries((process.env.BENCH_SERVICE_ENV ?? '').split(' ').filter(Boolean).map((kv) => kv.split('=', 2)))
/** BENCH_SHARED=0 skips the three-processes-on-one-store runs. */
const SHARED = process.env.BENCH_SHARED !== '0'
const POOL_SIZE = 10 // the service's DATABASE_POOL_SIZE default, and the baseline's
const JWT_SECRET = `bench-secret-not-real-${'x'.repeat(32)}`
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

function call(base: string, method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; json: unknown }> {
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

/** Where one scenario's data lives: a SQLite file, or a database on the PostgreSQL server. */
interface Place {
  backend: StorageBackend
  /** file path or database URL */
  where: string
}

function storageEnv(place: Place): NodeJS.ProcessEnv {
  return place.backend === 'postgres'
    ? { STORAGE_BACKEND: 'postgres', DATABASE_URL: place.where }
    : { STORAGE_BACKEND: 'sqlite', STORAGE_PATH: place.where, STORAGE_IMPORT_JSON: `${place.where}.none.json` }
}

function serviceEnv(place: Place): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOST: '127.0.0.1',
    ...storageEnv(place),
    LOG_LEVEL,
    JWT_SECRET,
    RATE_LIMIT_PER_MINUTE: '100000000', // one user drives thousands of requests a second here
    AI_BACKEND: 'rules',
    ...SERVICE_ENV_VARS,
    ...SERVICE_ENV,
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

/** Starts the service on `place` and resolves once /readyz answers 200, with the time that took. */
async function startService(place: Place, logLevel = LOG_LEVEL) {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const child = spawn(process.execPath, [...SERVICE_NODE_ARGS, serverPath], { env: { ...serviceEnv(place), PORT: String(port), LOG_LEVEL: logLevel }, stdio: 'ignore' })
  const started = performance.now()
  for (;;) {
    const status = await call(url, 'GET', '/readyz').then((r) => r.status, () => 0)
    if (status === 200) return { child, url, readyMs: performance.now() - started }
    if (child.exitCode !== null) throw new Error(`the service exited ${child.exitCode} before it was ready`)
    await new Promise((r) => setTimeout(r, 5))
  }
}

/** Where the service's memory sits, from its own /metrics (prom-client's process and Node.js gauges), MB. */
interface MemoryBreakdown {
  heapUsed: number
  heapTotal: number
  external: number
}

async function memoryBreakdown(base: string): Promise<MemoryBreakdown> {
  const text = await new Promise<string>((resolve, reject) => {
    request(`${base}/metrics`, { agent: false }, (res) => {
      let body = ''
      res.on('data', (c) => (body += c))
      res.on('end', () => resolve(body))
    }).on('error', reject).end()
  })
  const gauge = (name: string) => Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1] ?? NaN) / 2 ** 20
  return { heapUsed: gauge('nodejs_heap_size_used_bytes'), heapTotal: gauge('nodejs_heap_size_total_bytes'), external: gauge('nodejs_external_memory_bytes') }
}

// ---------------------------------------------------------------- load

interface Row {
  name: string
  result: LoadResult
  peakRssMb: number
  baseline?: number
}

/** One autocannon run in its own process, sampling the server's RSS meanwhile. */
async function loadRun(name: string, pid: number, spec: Omit<LoadSpec, 'connections' | 'seconds'>, connections = CONNECTIONS): Promise<Row> {
  let peak = rssMb(pid)
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 100)
  try {
    const { child, match } = await startProcess(
      [join(here, 'lib/load.ts'), JSON.stringify({ ...spec, connections, seconds: SECONDS })],
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
const tokens = createTokens(JWT_SECRET)
const readerToken = tokens.sign(READER)
const writerTokens = Array.from({ length: CONNECTIONS }, (_, i) => tokens.sign(writerId(i)))
const pgServer = BACKENDS.includes('postgres') && !process.env.BENCH_DATABASE_URL ? await startEmbeddedPostgres() : undefined
const pgUrl = process.env.BENCH_DATABASE_URL ?? pgServer?.url
let databases = 0

/** A fresh place for one scenario, seeded with `others` users' data plus the reader and the writers. */
async function freshPlace(backend: StorageBackend, others: number): Promise<Place> {
  const name = `bench_${process.pid}_${databases++}`
  const where =
    backend === 'postgres'
      ? await createDatabase(pgUrl!, name)
      : join(dir, `${name}.db`)
  const store = await createStore({ storageBackend: backend, storagePath: where, databaseUrl: where, databasePoolSize: POOL_SIZE }, silentLogger)
  await store.open()
  await seed(store, others, CONNECTIONS)
  await store.close()
  return { backend, where }
}

interface Scenario {
  backend: StorageBackend
  others: number
  readyMs: number
  get: LoadResult
  post: LoadResult
  rssAfterMb: number
  /** RSS 5 s later, idle: how much of "after" was garbage V8 had not yet given back. */
  rssIdleMb: number
  memory: MemoryBreakdown
}

interface Shared {
  backend: StorageBackend
  acknowledgedPerSecond: number
  acknowledged: number
  stored: number
  lost: number
  duplicates: number
  gaps: number
}

const num = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d })
const pad = (s: string, n: number) => s.padEnd(n)
const acked = (r: LoadResult) => r.total - r.non2xx

try {
  console.log(`todo-gitops benchmark: GET ${GET_CONNECTIONS} connections, POST and chat ${CONNECTIONS}, ${SECONDS} s per run, service LOG_LEVEL=${LOG_LEVEL}, node ${process.version}`)
  console.log(`service: ${Object.entries({ ...SERVICE_ENV_VARS, ...SERVICE_ENV }).map(([k, v]) => `${k}=${v} `).join('')}node ${SERVICE_NODE_ARGS.join(' ')} dist/server.js (the production build, just rebuilt by npm run build); backends: ${BACKENDS.join(', ')}; other users: ${OTHER_USERS.join(', ')}`)

  // Baselines.
  const baseline = await startProcess([join(here, 'lib/baseline-server.ts')], process.env, /^(http:\S+)\n/m)
  const baseUrl = baseline.match[1]
  const a = await loadRun('baseline (a) constant JSON', baseline.child.pid!, { url: baseUrl, path: '/constant', method: 'GET', tokens: [] }, GET_CONNECTIONS)
  const b = await loadRun('baseline (b) 100 tasks from memory', baseline.child.pid!, { url: baseUrl, path: '/tasks', method: 'GET', tokens: [] }, GET_CONNECTIONS)
  await stop(baseline.child)
  let pgBaseline: number | undefined
  if (pgUrl) {
    const url = await createDatabase(pgUrl, `bench_${process.pid}_baseline`)
    pgBaseline = await plainInsertsPerSecond(url, POOL_SIZE, CONNECTIONS, SECONDS)
  }

  const scenarios: Scenario[] = []
  let chat: Row | undefined
  let chatByTitle: Row | undefined
  for (const backend of BACKENDS) {
    for (const others of OTHER_USERS) {
      const place = await freshPlace(backend, others)
      const service = await startService(place)
      const pid = service.child.pid!
      const get = await loadRun('GET /tasks', pid, { url: service.url, path: '/tasks', method: 'GET', tokens: [readerToken] }, GET_CONNECTIONS)
      if (backend === 'sqlite' && others === 0) {
        // Before the write run, as before the store change: "what's pending" lists the writers' tasks.
        const sessions = await Promise.all(writerTokens.map((token) => ok(service.url, 'POST', '/sessions', undefined, token).then((s) => (s as { session_id: string }).session_id)))
        chat = await loadRun('POST /sessions/:id/messages (rules)', pid, { url: service.url, path: '/sessions/{session}/messages', method: 'POST', tokens: writerTokens, sessions, body: { message: "what's pending" } })
        // A turn that reads more: a date, a priority and a task named by its title (lookup + update, written).
        chatByTitle = await loadRun('chat: update by title (rules)', pid, {
          url: service.url, path: '/sessions/{session}/messages', method: 'POST', tokens: writerTokens, sessions,
          body: { message: 'move benchmark task 2 to friday and make it high priority' },
        })
      }
      const post = await loadRun('POST /tasks', pid, { url: service.url, path: '/tasks', method: 'POST', tokens: writerTokens, body: { title: 'written by the benchmark', tags: ['bench'] } })
      await new Promise((r) => setTimeout(r, 1000))
      const rssAfterMb = rssMb(pid)
      const memory = await memoryBreakdown(service.url)
      await new Promise((r) => setTimeout(r, 5000))
      scenarios.push({ backend, others, readyMs: service.readyMs, get: get.result, post: post.result, rssAfterMb, rssIdleMb: rssMb(pid), memory })
      await stop(service.child)
      console.log(`  done: ${backend}, ${num(others)} other users`)
    }
  }

  // Three processes on one store, all writing for the same users (ids contend across processes).
  const shared: Shared[] = []
  for (const backend of SHARED ? BACKENDS : []) {
    const place = await freshPlace(backend, 0)
    const services = await Promise.all([0, 1, 2].map(() => startService(place)))
    const perProcess = Math.ceil(CONNECTIONS / 3)
    const runs = await Promise.all(
      services.map((s) =>
        loadRun('POST /tasks', s.child.pid!, { url: s.url, path: '/tasks', method: 'POST', tokens: writerTokens, body: { title: 'written by the benchmark' } }, perProcess),
      ),
    )
    await Promise.all(services.map((s) => stop(s.child)))
    const store = await createStore({ storageBackend: backend, storagePath: place.where, databaseUrl: place.where, databasePoolSize: 2 }, silentLogger)
    await store.open()
    let stored = 0
    let duplicates = 0
    let gaps = 0
    for (let i = 0; i < CONNECTIONS; i++) {
      const ids = (await store.listTasks(writerId(i), {})).map((task) => task.id)
      stored += ids.filter((id) => id > WRITER_TASKS).length // written by the run, not seeded
      duplicates += ids.length - new Set(ids).size
      gaps += ids.filter((id, k) => id !== k + 1).length > 0 ? 1 : 0
    }
    await store.close()
    const acknowledged = runs.reduce((n, r) => n + acked(r.result), 0)
    // A request still in flight when autocannon stops may be stored without having been acknowledged.
    shared.push({ backend, acknowledgedPerSecond: acknowledged / SECONDS, acknowledged, stored, lost: Math.max(0, acknowledged - stored), duplicates, gaps })
  }

  // ---------------------------------------------------------------- report
  const row = (cells: [string, number][]) => console.log(cells.map(([s, n]) => pad(s, n)).join(''))
  console.log()
  row([['baseline', 40], ['req/s', 10], ['p50 ms', 8], ['p99 ms', 8]])
  for (const r of [a, b]) row([[r.name, 40], [num(r.result.requestsPerSecond), 10], [num(r.result.p50), 8], [num(r.result.p99), 8]])
  if (pgBaseline !== undefined) row([[`PostgreSQL plain INSERTs, pool ${POOL_SIZE}, no HTTP`, 40], [num(pgBaseline), 10]])
  console.log()
  row([['backend', 10], ['others', 8], ['ready ms', 10], ['GET req/s', 11], ['vs (b)', 8], ['GET p99', 9], ['POST/s', 9], ['POST p99', 10], ['vs pg', 7], ['errors', 8], ['RSS MB', 8], ['+5 s idle', 11], ['heap used/total, external MB', 30]])
  for (const s of scenarios) {
    const errors = s.get.errors + s.get.non2xx + s.get.timeouts + s.post.errors + s.post.non2xx + s.post.timeouts
    row([
      [s.backend, 10],
      [num(s.others), 8],
      [num(s.readyMs), 10],
      [num(s.get.requestsPerSecond), 11],
      [`${num(s.get.requestsPerSecond / b.result.requestsPerSecond, 2)}x`, 8],
      [num(s.get.p99), 9],
      [num(s.post.requestsPerSecond), 9],
      [num(s.post.p99), 10],
      [s.backend === 'postgres' && pgBaseline ? `${num(s.post.requestsPerSecond / pgBaseline, 2)}x` : '', 7],
      [num(errors), 8],
      [num(s.rssAfterMb), 8],
      [num(s.rssIdleMb), 11],
      [`${num(s.memory.heapUsed)}/${num(s.memory.heapTotal)}, ${num(s.memory.external)}`, 30],
    ])
  }
  if (chat) console.log(`\nchat turn (rules, sqlite, empty store): ${num(chat.result.requestsPerSecond)} req/s, p99 ${num(chat.result.p99)} ms`)
  if (chatByTitle) console.log(`chat turn updating a task named by its title (rules, sqlite): ${num(chatByTitle.result.requestsPerSecond)} req/s, p99 ${num(chatByTitle.result.p99)} ms`)
  console.log()
  row([['3 processes, one store', 24], ['acked/s', 10], ['acked', 9], ['stored', 9], ['lost', 6], ['duplicate ids', 15], ['users with gaps', 15]])
  for (const s of shared) {
    row([[s.backend, 24], [num(s.acknowledgedPerSecond), 10], [num(s.acknowledged), 9], [num(s.stored), 9], [num(s.lost), 6], [num(s.duplicates), 15], [num(s.gaps), 15]])
  }
  console.log()
  console.log('storage targets (docs/performance.md): POST >= 3,000/s on sqlite, >= 0.8x the plain-pg baseline on postgres, each within 20% of its empty-store figure at 10,000 other users;')
  console.log('GET /tasks (50 connections) >= 0.6x (b), p99 <= 25 ms, unchanged by other users; start -> ready <= 0.5 s; RSS after <= 150 MB; 3 processes: 0 lost, 0 duplicate ids')
} finally {
  await pgServer?.stop()
  rmSync(dir, { recursive: true, force: true })
}
