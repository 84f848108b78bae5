// Storage benchmark (`npm run bench:store`): prints figures, judges nothing.
//  1. durable updates/s, one process, 100 concurrent createTask calls (group commit at work)
//  2. acknowledged writes/s of 3 processes sharing one file, and how many acknowledged writes are missing
//  3. one atomic durable replace of a 48 KB document (write + fsync + rename + directory fsync)
// The processes of (2) are this script started again with `--worker`.

import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { writeFileAtomic } from '../src/store/atomic-write.ts'
import { parseDocument } from '../src/store/document.ts'
import { createFileStore, type FileStore } from '../src/store/file-store.ts'
import type { StoreDocument } from '../src/store/types.ts'
import { createTask } from '../src/tasks/tasks.ts'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3)
const USERS = ['alice', 'bob', 'carol', 'dave']

function addUsers(doc: StoreDocument): void {
  for (const id of USERS) {
    if (doc.users[id]) continue
    doc.users[id] = { id, email: `${id}@example.test`, password_hash: 'not-a-real-hash', created_at: new Date(0).toISOString(), next_task_id: 1 }
    doc.user_ids_by_email[`${id}@example.test`] = id
  }
}

/** Run `concurrency` lanes of createTask until `until` (epoch ms); call onAck after each durable add. */
async function addTasksUntil(store: FileStore, until: number, concurrency: number, label: string, onAck: (user: string, id: number) => void): Promise<number> {
  let n = 0
  async function lane(): Promise<void> {
    while (Date.now() < until) {
      const user = USERS[n % USERS.length]
      const task = await createTask(store, user, { title: `${label} task ${n++}`, tags: ['bench'] })
      onAck(user, task.id)
    }
  }
  await Promise.all(Array.from({ length: concurrency }, lane))
  return n
}

async function worker(path: string, startAt: number, label: string): Promise<void> {
  const store = createFileStore({ path })
  await store.open()
  await store.update(addUsers)
  process.stdout.write('ready\n')
  await new Promise((r) => setTimeout(r, startAt - Date.now()))
  let out = ''
  await addTasksUntil(store, startAt + SECONDS * 1000, 100, label, (user, id) => {
    out += `${user} ${id}\n`
    if (out.length > 4096) {
      process.stdout.write(out)
      out = ''
    }
  })
  process.stdout.write(out)
  await store.close()
}

async function oneProcess(dir: string): Promise<void> {
  const path = join(dir, 'one.json')
  const store = createFileStore({ path })
  await store.open()
  await store.update(addUsers)
  const started = Date.now()
  const writesBefore = store.stats.writes
  const n = await addTasksUntil(store, started + SECONDS * 1000, 100, 'one', () => {})
  const seconds = (Date.now() - started) / 1000
  const writes = store.stats.writes - writesBefore
  await store.close()
  console.log(`1 process, 100 concurrent: ${Math.round(n / seconds)} durable updates/s` +
    ` (${n} updates in ${writes} fsynced writes, ${(n / writes).toFixed(1)} per write; final file ${(statSync(path).size / 1e6).toFixed(1)} MB)`)
}

async function threeProcesses(dir: string): Promise<void> {
  const path = join(dir, 'shared.json')
  const startAt = Date.now() + 1500 // after all three have started and opened the store
  const acked: string[] = []
  const self = fileURLToPath(import.meta.url)
  const runs = [0, 1, 2].map((i) => {
    const child = spawn(process.execPath, [self, '--worker', path, String(startAt), `p${i}`], { stdio: ['ignore', 'pipe', 'inherit'] })
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line !== 'ready') acked.push(line)
    })
    return new Promise<number | null>((resolve) => child.on('close', resolve))
  })
  const codes = await Promise.all(runs)
  const doc = parseDocument(readFileSync(path, 'utf8'))
  const stored = new Set(Object.entries(doc.tasks).flatMap(([user, tasks]) => tasks.map((t) => `${user} ${t.id}`)))
  const lost = acked.filter((a) => !stored.has(a)).length
  console.log(`3 processes, one file, 100 concurrent each: ${Math.round(acked.length / SECONDS)} acknowledged writes/s` +
    ` (${acked.length} acknowledged, ${stored.size} stored, lost = ${lost}, worker exit codes ${codes.join(',')})`)
}

async function atomicWrite(dir: string): Promise<void> {
  const path = join(dir, 'atomic.json')
  const bytes = Buffer.alloc(48 * 1024, 'x')
  const dirHandle = await open(dir, 'r')
  const times: number[] = []
  for (let i = 0; i < 200; i++) {
    const t0 = performance.now()
    await writeFileAtomic(path, bytes, dirHandle)
    times.push(performance.now() - t0)
  }
  await dirHandle.close()
  times.sort((a, b) => a - b)
  const mean = times.reduce((a, b) => a + b, 0) / times.length
  console.log(`one atomic durable write of 48 KB (write + fsync + rename + dir fsync): mean ${mean.toFixed(2)} ms,` +
    ` p50 ${times[100].toFixed(2)} ms, p99 ${times[197].toFixed(2)} ms (200 runs)`)
}

if (process.argv[2] === '--worker') {
  const [, , , path, startAt, label] = process.argv
  await worker(path, Number(startAt), label)
} else {
  const dir = mkdtempSync(join(tmpdir(), 'bench-store-'))
  try {
    console.log(`storage benchmark: ${SECONDS} s per run, files in ${dir}`)
    await atomicWrite(dir)
    await oneProcess(dir)
    await threeProcesses(dir)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
