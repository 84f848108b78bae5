// The benchmark's baselines (docs/contracts.md, "Performance targets"), in their own process like the service:
// (a) GET /constant: a bare Fastify route returning a small constant JSON — the framework's ceiling;
// (b) GET /tasks: a bare Fastify route returning 100 tasks from memory — no auth, no store.

import Fastify from 'fastify'
import { memoryTasks } from './fixtures.ts'

const app = Fastify({ logger: false })
const tasks = { tasks: memoryTasks() }
app.get('/constant', async () => ({ hello: 'world' }))
app.get('/tasks', async () => tasks)
const address = await app.listen({ port: 0, host: '127.0.0.1' })
process.stdout.write(`${address}\n`)
// No SIGTERM handler: the benchmark ends it and nothing needs flushing.
