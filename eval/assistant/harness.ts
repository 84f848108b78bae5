// Runs the evaluation cases against an assistant backend and scores them: a case passes when the task
// state after the turn is exactly what it expects (and the reply matches where it says so). A change to a
// task the case did not mean is counted apart: the target for those is zero.

import type { Assistant, TurnResult } from '../../src/assistant/types.ts'
import { createSessions } from '../../src/sessions/sessions.ts'
import type { Store, Task } from '../../src/store/types.ts'
import { createTask, listTasks, updateTask } from '../../src/tasks/tasks.ts'
import { storeWithUser } from '../../test/helpers/memory-store.ts'
import { EVAL_NOW, type Category, type EvalCase, type TaskFields } from './cases.ts'

export const TARGETS = { overall: 0.9, perCategory: 0.75, wrongTaskChanges: 0 } as const

/** Makes the assistant under test for one case (fresh store, that case's clock). */
export type BackendFactory = (deps: { store: Store; clock: () => Date }) => Promise<Assistant>

interface CaseResult {
  case: EvalCase
  pass: boolean
  /** Why it failed, one line each. */
  problems: string[]
  /** Ids of tasks changed or deleted that the case did not mean. */
  wrongTasks: number[]
  reply: string
  tools: string[]
}

export interface EvalReport {
  backend: string
  results: CaseResult[]
  overall: number
  byCategory: Map<Category, { pass: number; total: number }>
  wrongTaskChanges: number
}

const USER = 'eval-user'
const FIELDS = ['title', 'description', 'priority', 'due_date', 'tags', 'completed'] as const
const DEFAULTS: Required<TaskFields> = { title: '', description: '', priority: 'normal', due_date: null, tags: [], completed: false }

type Field = (typeof FIELDS)[number]

function normalized(field: Field, value: unknown): unknown {
  if (field === 'title') return String(value).trim().toLowerCase().replace(/[.!]+$/, '')
  if (field === 'description') return String(value ?? '').trim().replace(/[.]+$/, '')
  if (field === 'due_date') return value ? String(value).slice(0, 10) : null
  if (field === 'tags') return [...((value as string[]) ?? [])].sort()
  return value
}

const same = (field: Field, a: unknown, b: unknown) => JSON.stringify(normalized(field, a)) === JSON.stringify(normalized(field, b))

function differences(expected: TaskFields, actual: Task, fields: readonly Field[]): string[] {
  return fields
    .filter((f) => !same(f, expected[f], actual[f]))
    .map((f) => `${f} ${JSON.stringify(actual[f])}, expected ${JSON.stringify(expected[f])}`)
}

async function seed(store: Store, c: EvalCase, clock: () => Date) {
  for (const s of c.seed ?? []) {
    const task = await createTask(store, USER, { title: s.title, description: s.description, priority: s.priority, due_date: s.due_date, tags: s.tags }, clock)
    if (s.completed) await updateTask(store, USER, task.id, { completed: true }, clock)
  }
}

/** Run one case: seed, earlier turns through a real session (history persisted in the store), the scored turn. */
async function runCase(c: EvalCase, factory: BackendFactory): Promise<CaseResult> {
  const store = storeWithUser(USER)
  const now = new Date(c.now ?? EVAL_NOW)
  const clock = () => new Date(now)
  await seed(store, c, clock)
  const assistant = await factory({ store, clock })
  const sessions = createSessions({ store, timeoutMinutes: 30, clock })
  const session = await sessions.create(USER, { timezone: c.timezone })

  const turn = async (message: string): Promise<TurnResult> => {
    const current = await sessions.get(USER, session.id)
    const result = await assistant.reply({ userId: USER, message, history: current.messages, sessionId: session.id, timezone: current.timezone })
    const at = clock().toISOString()
    await sessions.append(USER, session.id, [
      { role: 'user', content: message, timestamp: at },
      { role: 'assistant', content: result.reply, timestamp: at, tool_calls: result.tool_calls },
    ], clock())
    return result
  }

  const problems: string[] = []
  let result: TurnResult | undefined
  let before: Task[] = []
  try {
    for (const message of c.before ?? []) await turn(message)
    before = structuredClone(await listTasks(store, USER)) // a snapshot: the store may change these objects in place
    result = await turn(c.say)
  } catch (err) {
    problems.push(`the turn failed: ${(err as Error).message}`)
  }
  const after = structuredClone(await listTasks(store, USER))
  const wrongTasks = result ? compare(c, before, after, result.reply, problems) : []
  return { case: c, pass: problems.length === 0, problems, wrongTasks, reply: result?.reply ?? '', tools: result?.tool_calls.map((t) => t.tool) ?? [] }
}

function compare(c: EvalCase, before: Task[], after: Task[], reply: string, problems: string[]): number[] {
  const { expect } = c
  const was = new Map(before.map((t) => [t.id, t]))
  const now = new Map(after.map((t) => [t.id, t]))
  const added = after.filter((t) => !was.has(t.id))
  const deleted = before.filter((t) => !now.has(t.id)).map((t) => t.id)
  const changed = after.filter((t) => was.has(t.id) && FIELDS.some((f) => !same(f, t[f], was.get(t.id)![f])))

  if (expect.add) {
    if (added.length !== 1) problems.push(`expected one new task, got ${added.length}${added.length ? `: ${added.map((t) => JSON.stringify(t.title)).join(', ')}` : ''}`)
    else problems.push(...differences({ ...DEFAULTS, ...expect.add }, added[0], FIELDS).map((d) => `new task: ${d}`))
  } else if (added.length) problems.push(`unexpected new task(s): ${added.map((t) => JSON.stringify(t.title)).join(', ')}`)

  const wantDeleted = new Set(expect.delete ?? [])
  const wantChanged = new Map(Object.entries(expect.change ?? {}).map(([id, fields]) => [Number(id), fields]))
  for (const id of wantDeleted) if (!deleted.includes(id)) problems.push(`task ${id} should be deleted`)
  for (const [id, fields] of wantChanged) {
    const task = now.get(id)
    if (!task) {
      problems.push(`task ${id} should be changed, but it is gone`)
      continue
    }
    const old = was.get(id)!
    // The named fields must have their new values; every other field must be as it was.
    const expected: TaskFields = { ...Object.fromEntries(FIELDS.map((f) => [f, old[f]])), ...fields }
    problems.push(...differences(expected, task, FIELDS).map((d) => `task ${id}: ${d}`))
  }
  const wrongTasks = [...deleted.filter((id) => !wantDeleted.has(id)), ...changed.map((t) => t.id).filter((id) => !wantChanged.has(id))]
  for (const id of wrongTasks) problems.push(`task ${id} "${was.get(id)?.title}" was ${now.has(id) ? 'changed' : 'deleted'} but was not meant`)

  for (const re of expect.reply ?? []) if (!re.test(reply)) problems.push(`reply does not match ${re}`)
  const mentions = (id: number) => {
    const title = was.get(id)?.title
    return title !== undefined && reply.toLowerCase().includes(title.toLowerCase())
  }
  for (const id of expect.shows ?? []) if (!mentions(id)) problems.push(`reply does not show task ${id} "${was.get(id)?.title}"`)
  for (const id of expect.hides ?? []) if (mentions(id)) problems.push(`reply shows task ${id} "${was.get(id)?.title}", which it should not`)
  return wrongTasks
}

export async function runEval(backend: string, cases: readonly EvalCase[], factory: BackendFactory): Promise<EvalReport> {
  const results: CaseResult[] = []
  for (const c of cases) results.push(await runCase(c, factory))
  const byCategory = new Map<Category, { pass: number; total: number }>()
  for (const r of results) {
    const entry = byCategory.get(r.case.category) ?? { pass: 0, total: 0 }
    entry.total += 1
    if (r.pass) entry.pass += 1
    byCategory.set(r.case.category, entry)
  }
  const passed = results.filter((r) => r.pass).length
  return {
    backend,
    results,
    overall: results.length ? passed / results.length : 0,
    byCategory,
    wrongTaskChanges: results.reduce((n, r) => n + r.wrongTasks.length, 0),
  }
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`

/** The report as text: per-category scores, the totals against the targets, then each failure. */
export function formatReport(report: EvalReport): string {
  const lines = [`backend: ${report.backend} (${report.results.length} cases)`, '']
  lines.push(`${'category'.padEnd(26)}pass`)
  for (const [category, { pass, total }] of report.byCategory) {
    const flag = pass / total < TARGETS.perCategory ? '  << below target' : ''
    lines.push(`${category.padEnd(26)}${`${pass}/${total}`.padEnd(8)}${pct(pass / total)}${flag}`)
  }
  const passed = report.results.filter((r) => r.pass).length
  lines.push('', `overall: ${passed}/${report.results.length} = ${pct(report.overall)} (target >= ${pct(TARGETS.overall)}, each category >= ${pct(TARGETS.perCategory)})`)
  lines.push(`wrong-task changes: ${report.wrongTaskChanges} (target ${TARGETS.wrongTaskChanges})`)
  const failures = report.results.filter((r) => !r.pass)
  if (failures.length) {
    lines.push('', 'failures:')
    for (const f of failures) {
      lines.push(`- [${f.case.category}] ${f.case.id}: ${JSON.stringify(f.case.say)}${f.case.before?.length ? ` (after ${f.case.before.map((b) => JSON.stringify(b)).join(', ')})` : ''}`)
      for (const p of f.problems) lines.push(`    ${p}`)
      lines.push(`    reply: ${JSON.stringify(f.reply.length > 200 ? `${f.reply.slice(0, 200)}...` : f.reply)}  tools: ${f.tools.join(', ') || 'none'}`)
    }
  }
  return lines.join('\n')
}

export function meetsTargets(report: EvalReport): boolean {
  return (
    report.overall >= TARGETS.overall &&
    [...report.byCategory.values()].every(({ pass, total }) => pass / total >= TARGETS.perCategory) &&
    report.wrongTaskChanges <= TARGETS.wrongTaskChanges
  )
}
