// npm run bench:logins: another user's POST /tasks latency while a burst of concurrent logins arrives
// (issue 13, finding 3). Starts the service (`node src/server.ts`, file store in a temporary directory, rate
// limit out of the way), then for each burst size prints the writes' latency and what the logins got.
// Figures only, no pass/fail; test/security/login-burst.test.ts asserts the behaviour.
//
//   BENCH_BURSTS=100,200 BENCH_WRITES=20 npm run bench:logins

import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const BURSTS = (process.env.BENCH_BURSTS ?? '100,200').split(',').map(Number)
const WRITES = Number(process.env.BENCH_WRITES ?? 20)
const serverPath = new URL('../src/server.ts', import.meta.url).pathname

/** A free port (the service logs its address at INFO, and the bench runs it at ERROR to keep logging cost out). */
const port = await new Promise<number>((resolve) => {
  const probe = createServer().listen(0, '127.0.0.1', () => {
    const { port } = probe.address() as { port: number }
    probe.close(() => resolve(port))
  })
})
const base = `http://127.0.0.1:${port}`

const dir = mkdtempSync(join(tmpdir(), 'bench-logins-'))
const child = spawn(process.execPath, [serverPath], {
  env: {
    PATH: process.env.PATH,
    PORT: String(port),
    HOST: '127.0.0.1',
    STORAGE_PATH: join(dir, 'todo.db'),
    JWT_SECRET: `bench-only-secret-${process.pid}-${Date.now()}-padding-padding`,
    RATE_LIMIT_PER_MINUTE: '100000000',
    LOG_LEVEL: 'ERROR',
  },
  stdio: ['ignore', 'ignore', 'inherit'],
})
child.on('exit', (code) => {
  if (code) console.error(`the service exited with ${code}`)
})
for (let ready = false; !ready; ) {
  ready = await fetch(`${base}/readyz`).then((r) => r.ok, () => false)
  if (!ready) await new Promise((r) => setTimeout(r, 100))
}

async function post(path: string, body: unknown, token?: string): Promise<{ status: number; json: any }> {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  })
  return { status: res.status, json: await res.json() }
}

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]

async function writes(token: string): Promise<number[]> {
  const times: number[] = []
  for (let i = 0; i < WRITES; i++) {
    const started = performance.now()
    await post('/tasks', { title: `write ${i}` }, token)
    times.push(performance.now() - started)
  }
  return times
}

try {
  const writer = (await post('/auth/signup', { email: 'writer@example.test', password: 'writer passphrase' })).json.token as string
  await post('/auth/signup', { email: 'target@example.test', password: 'target passphrase' })
  const idle = await writes(writer)
  console.log(`idle: POST /tasks p50 ${quantile(idle, 0.5).toFixed(1)} ms, max ${Math.max(...idle).toFixed(1)} ms`)
  for (const burst of BURSTS) {
    const started = performance.now()
    const logins = Promise.all(Array.from({ length: burst }, () => post('/auth/login', { email: 'target@example.test', password: 'target passphrase' })))
    const during = await writes(writer)
    const answers = await logins
    const burstMs = performance.now() - started
    const by = (s: number) => answers.filter((a) => a.status === s).length
    console.log(
      `${burst} concurrent logins: POST /tasks p50 ${quantile(during, 0.5).toFixed(1)} ms, max ${Math.max(...during).toFixed(1)} ms; ` +
        `logins 200: ${by(200)}, 503: ${by(503)}, other: ${burst - by(200) - by(503)}; burst answered in ${burstMs.toFixed(0)} ms`,
    )
    await new Promise((r) => setTimeout(r, 1500)) // let Retry-After pass before the next burst
  }
} finally {
  child.kill('SIGTERM')
  rmSync(dir, { recursive: true, force: true })
}
