// Issue 13, finding 3: 100 concurrent logins from one client (inside its rate limit) took every thread of
// libuv's pool and every core with scrypt, and another user's POST /tasks waited seconds. Password hashing
// now runs at most HASH_CONCURRENCY at a time with at most HASH_QUEUE_MAX waiting; the rest of the burst is
// refused at once with 503 OVERLOADED + Retry-After, and the other user's writes keep their latency.
// Figures (with and without the bound) come from `npm run bench:logins` (bench/logins.ts, docs/performance.md).

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { buildApp } from '../../src/app.ts'
import { HASH_CONCURRENCY, HASH_QUEUE_MAX, HASH_RETRY_AFTER_SECONDS, hashingLoad } from '../../src/auth/passwords.ts'
import { errorCode, signup, testConfig } from '../app/helpers.ts'

const BURST = 100

t.test('a 100-login burst: bounded hashing, the excess refused with 503 + Retry-After, other writes are not queued behind it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'todo-burst-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  // The service's own store (real file I/O on the thread pool that scrypt also uses), rate limit out of the way.
  const app = await buildApp(testConfig({ STORAGE_PATH: join(dir, 'todo.db'), RATE_LIMIT_PER_MINUTE: '10000', LOG_LEVEL: 'WARNING' }), { logStream: { write: () => {} } })
  t.teardown(() => app.close())
  await app.ready()

  const writer = await signup(app, 'writer@example.test')
  await signup(app, 'target@example.test', 'the target password')
  const write = async () => {
    const started = performance.now()
    const res = await app.inject({ method: 'POST', url: '/tasks', headers: writer.auth, payload: { title: 'a write' } })
    t.equal(res.statusCode, 201)
    return performance.now() - started
  }
  const baseline: number[] = []
  for (let i = 0; i < 10; i++) baseline.push(await write())
  baseline.sort((a, b) => a - b)
  const baselineMedian = baseline[5]

  let maxRunning = 0
  let maxWaiting = 0
  const sampler = setInterval(() => {
    const load = hashingLoad()
    maxRunning = Math.max(maxRunning, load.running)
    maxWaiting = Math.max(maxWaiting, load.waiting)
  }, 2)
  let burstDone = 0
  const logins = Promise.all(
    Array.from({ length: BURST }, () =>
      app.inject({ method: 'POST', url: '/auth/login', payload: { email: 'target@example.test', password: 'the target password' } }).then((r) => {
        burstDone = performance.now()
        return r
      }),
    ),
  )
  await new Promise((r) => setTimeout(r, 5))
  const during: number[] = []
  for (let i = 0; i < 5; i++) during.push(await write())
  const writesDone = performance.now()
  const responses = await logins
  clearInterval(sampler)

  t.ok(maxRunning <= HASH_CONCURRENCY, `at most ${HASH_CONCURRENCY} hashes at once (saw ${maxRunning})`)
  t.ok(maxWaiting <= HASH_QUEUE_MAX, `at most ${HASH_QUEUE_MAX} waiting (saw ${maxWaiting})`)
  const ok = responses.filter((r) => r.statusCode === 200)
  const refused = responses.filter((r) => r.statusCode === 503)
  t.equal(ok.length + refused.length, BURST, 'every login is answered 200 or 503')
  t.ok(ok.length >= HASH_CONCURRENCY, `the head of the burst signs in (${ok.length})`)
  t.ok(refused.length >= BURST - HASH_CONCURRENCY - HASH_QUEUE_MAX - 10, `the excess is refused (${refused.length})`)
  for (const r of refused.slice(0, 5)) {
    t.equal(errorCode(r), 'OVERLOADED')
    t.equal(r.headers['retry-after'], String(HASH_RETRY_AFTER_SECONDS))
  }
  const slowest = Math.max(...during)
  t.comment(`POST /tasks: median ${baselineMedian.toFixed(1)} ms before the burst, slowest ${slowest.toFixed(1)} ms during it`)
  // An ordering, not a timing (latency figures: npm run bench:logins): unbounded, the writes waited behind
  // the whole burst and finished after it.
  t.ok(writesDone <= burstDone, 'the writes finished before the burst did')
})
