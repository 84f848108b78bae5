// npm run bench:rules: the CPU cost of one rules-backend chat turn, in process, with no HTTP and no disk:
// the parse alone, and whole turns (parse + task lookup + tool calls) against a user with 100 tasks.
// Prints figures only. The HTTP chat p99 under load is in `npm run bench`.
//
//   BENCH_TURNS=2000 npm run bench:rules

import { createRulesBackend, parseMessage } from '../src/assistant/rules.ts'
import { createToolExecutor } from '../src/assistant/tools.ts'
import type { ChatMessage } from '../src/store/types.ts'
import { createTask } from '../src/tasks/tasks.ts'
import { storeWithUser } from '../test/helpers/memory-store.ts'
import { taskInput, TASK_COUNT } from './lib/fixtures.ts'

const TURNS = Number(process.env.BENCH_TURNS ?? 2000)
const NOW = new Date('2026-03-04T15:00:00.000Z')
const clock = () => NOW

// What people type, one of each kind the backend handles; none of them changes the 100 tasks for good.
const MESSAGES: [string, string][] = [
  ['add with date, priority, tag', 'pls add finish the tax forms by dec 5, urgent #home'],
  ['add with a note', 'add return the jacket - note: bring receipt'],
  ['list due this week', "what's due this week?"],
  ['list everything', 'show me everything'],
  ['complete by title (past tense)', 'I finished benchmark task 42'],
  ['update by title', 'move benchmark task 7 to friday and make it high priority'],
  ['small talk', 'thanks!'],
  ['not understood', 'flibber the jabberwock'],
]

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b)
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
  return { mean: samples.reduce((a, b) => a + b, 0) / samples.length, p50: at(0.5), p99: at(0.99) }
}

const us = (n: number) => `${n.toFixed(0).padStart(6)} µs`

// ---------------------------------------------------------------- parse only
console.log(`rules backend, node ${process.version}, ${TURNS} turns per message kind, ${TASK_COUNT} tasks`)
console.log()
console.log(`${'message'.padEnd(34)}${'parse cpu'.padEnd(12)}${'turn cpu'.padEnd(12)}${'turn p50'.padEnd(12)}turn p99 (wall)`)

const store = storeWithUser('u1')
for (let i = 1; i <= TASK_COUNT; i++) await createTask(store, 'u1', { ...taskInput(i), priority: 'normal' }, clock)
const rules = createRulesBackend({ executor: createToolExecutor({ store, clock }), clock })
const history: ChatMessage[] = []
const ctx = { now: NOW, timezone: 'Europe/Berlin' }

const totals: number[] = []
for (const [name, message] of MESSAGES) {
  for (let i = 0; i < 200; i++) parseMessage(message, ctx) // warm up
  const parseStart = process.cpuUsage()
  for (let i = 0; i < TURNS; i++) parseMessage(message, ctx)
  const parseCpu = process.cpuUsage(parseStart)
  const parseUs = (parseCpu.user + parseCpu.system) / TURNS

  const walls: number[] = []
  const turnStart = process.cpuUsage()
  for (let i = 0; i < TURNS; i++) {
    const t0 = performance.now()
    const result = await rules.reply({ userId: 'u1', message, history, timezone: ctx.timezone })
    walls.push((performance.now() - t0) * 1000)
    // Keep the 100 tasks as they were: take back an add, reopen a completion.
    for (const call of result.tool_calls) {
      const id = (call.result as { id?: number } | null)?.id
      if (call.tool === 'add_task' && id) store.doc.tasks.u1 = store.doc.tasks.u1.filter((t) => t.id !== id)
      if (call.tool === 'complete_task' && id) store.doc.tasks.u1.find((t) => t.id === id)!.completed = false
    }
  }
  const turnCpu = process.cpuUsage(turnStart)
  const turnUs = (turnCpu.user + turnCpu.system) / TURNS
  totals.push(turnUs)
  const wall = stats(walls)
  console.log(`${name.padEnd(34)}${us(parseUs).padEnd(12)}${us(turnUs).padEnd(12)}${us(wall.p50).padEnd(12)}${us(wall.p99)}`)
}
console.log()
console.log(`mean CPU per rules turn over these kinds: ${(totals.reduce((a, b) => a + b, 0) / totals.length).toFixed(0)} µs`)
console.log('(in process on an in-memory store: the file store, HTTP and JSON around it are measured by npm run bench)')
