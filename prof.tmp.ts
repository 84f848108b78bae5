import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createSqliteStore } from './src/store/sqlite-store.ts'
import { silentLogger } from './src/store/logger.ts'
import { seed, READER } from './bench/lib/seed.ts'
import { createTokens } from './src/auth/tokens.ts'
const dir = mkdtempSync(join(tmpdir(), 'prof-'))
const path = join(dir, 'x.db')
const s = createSqliteStore({ path, logger: silentLogger }); await s.open(); await seed(s, 0, 1); await s.close()
const secret = 'bench-secret-not-real-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'
const child = spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, 'dist/server.js'], { env: { PATH: process.env.PATH, PORT: '18777', HOST: '127.0.0.1', STORAGE_PATH: path, JWT_SECRET: secret, LOG_LEVEL: 'WARNING', RATE_LIMIT_PER_MINUTE: '100000000' }, stdio: 'inherit' })
await new Promise((r) => setTimeout(r, 2000))
const token = createTokens(secret).sign(READER)
const { createRequire } = await import('node:module')
const autocannon = createRequire(import.meta.url)('autocannon')
const r = await autocannon({ url: 'http://127.0.0.1:18777/tasks', connections: 50, duration: 6, headers: { authorization: `Bearer ${token}` } })
console.log('req/s', r.requests.average, 'p99', r.latency.p99, 'non2xx', r.non2xx)
child.kill('SIGTERM'); await new Promise((res) => child.on('exit', res))
const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))!
const prof = JSON.parse(readFileSync(join(dir, file), 'utf8'))
const self = new Map<string, number>()
const dt = prof.timeDeltas as number[]; const samples = prof.samples as number[]
const byId = new Map(prof.nodes.map((n: any) => [n.id, n]))
samples.forEach((id, i) => { const n: any = byId.get(id); const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber}`; self.set(k, (self.get(k) ?? 0) + (dt[i] ?? 0)) })
const total = [...self.values()].reduce((a, b) => a + b, 0)
const idle = [...self.entries()].filter(([k]) => k.startsWith('(idle)')).reduce((a, [, v]) => a + v, 0)
console.log('busy share', ((total - idle) / total).toFixed(2))
for (const [k, v] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log((v / (total - idle) * 100).toFixed(1).padStart(5), k)
