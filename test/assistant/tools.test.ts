// The tool layer: schema validation identical to REST (no coercion, no unknown fields), execution through
// src/tasks/tasks.ts, and an executor that answers every failure as {ok: false, error} instead of throwing.

import t from 'tap'
import { createToolExecutor, intentOfTool, toolCallRecord, toolDefinitions } from '../../src/assistant/tools.ts'
import { storeWithUser } from '../helpers/memory-store.ts'

const clock = () => new Date('2026-03-04T10:00:00.000Z')

function setup() {
  const store = storeWithUser('u1')
  return { store, tools: createToolExecutor({ store, clock }) }
}

t.test('offers the five tools with JSON-schema parameters', async (t) => {
  t.same(toolDefinitions.map((d) => d.name), ['add_task', 'list_tasks', 'complete_task', 'delete_task', 'update_task'])
  for (const d of toolDefinitions) {
    t.equal(d.parameters.type, 'object', `${d.name} takes an object`)
    t.equal(d.parameters.additionalProperties, false, `${d.name} refuses unknown arguments`)
    t.ok(d.description.length > 10, `${d.name} is described for the model`)
  }
})

t.test('add_task creates a task through the task module', async (t) => {
  const { store, tools } = setup()
  const out = await tools.execute('u1', 'add_task', { title: ' buy milk ', due_date: '2026-03-05', tags: ['home'], priority: 'high' })
  t.ok(out.ok)
  t.match(out, { result: { id: 1, title: 'buy milk', due_date: '2026-03-05', tags: ['home'], priority: 'high', completed: false } })
  t.equal(store.doc.tasks.u1.length, 1)
  t.equal(store.doc.users.u1.next_task_id, 2)
})

t.test('invalid arguments are refused exactly like a REST body', async (t) => {
  const { store, tools } = setup()
  const cases: [string, unknown, RegExp][] = [
    ['add_task', { title: 'x', owner: 'someone-else' }, /arguments has an unknown field "owner"/],
    ['add_task', { title: 5 }, /title must be string/],
    ['add_task', { title: '   ' }, /title/],
    ['add_task', {}, /arguments\.title is required/],
    ['add_task', { title: 'x', priority: 'huge' }, /priority/],
    ['add_task', { title: 'x', tags: ['Home'] }, /tags/],
    ['add_task', 'buy milk', /must be object/],
    ['complete_task', { task_id: '1' }, /task_id must be integer/],
    ['complete_task', { task_id: 0 }, /task_id/],
    ['update_task', { task_id: 1 }, /nothing to change/],
    ['list_tasks', { status: 'later' }, /status/],
    ['list_tasks', { q: 'milk' }, /arguments has an unknown field "q"/],
  ]
  for (const [tool, args, message] of cases) {
    const out = await tools.execute('u1', tool, args)
    t.equal(out.ok, false, `${tool} ${JSON.stringify(args)} refused`)
    if (!out.ok) {
      t.equal(out.error.code, 'VALIDATION_ERROR')
      t.match(out.error.message, message)
    }
  }
  t.same(store.doc.tasks.u1 ?? [], [], 'nothing was created')
})

t.test('a real date is required even when the pattern matches', async (t) => {
  const { tools } = setup()
  const out = await tools.execute('u1', 'add_task', { title: 'x', due_date: '2026-02-31' })
  t.match(out, { ok: false, error: { code: 'VALIDATION_ERROR', message: /not a real date/ } })
})

t.test('unknown tool and missing task are tool errors, not exceptions', async (t) => {
  const { tools } = setup()
  t.match(await tools.execute('u1', 'drop_database', {}), { ok: false, error: { code: 'UNKNOWN_TOOL', message: /add_task/ } })
  t.match(await tools.execute('u1', 'complete_task', { task_id: 7 }), { ok: false, error: { code: 'TASK_NOT_FOUND', message: 'Task 7 not found' } })
})

t.test('a failing store becomes a tool error', async (t) => {
  const { store, tools } = setup()
  store.insertTask = async () => { throw new Error('disk on fire') }
  t.match(await tools.execute('u1', 'add_task', { title: 'x' }), { ok: false, error: { code: 'INTERNAL_ERROR' } })
})

t.test('list, complete, update and delete act on the calling user only', async (t) => {
  const { store, tools } = setup()
  store.doc.users.u2 = { ...store.doc.users.u1, id: 'u2', email: 'u2@example.test' }
  await tools.execute('u1', 'add_task', { title: 'mine', tags: ['home'] })
  await tools.execute('u2', 'add_task', { title: 'theirs' })
  t.match(await tools.execute('u1', 'list_tasks', {}), { ok: true, result: { count: 1, tasks: [{ title: 'mine' }] } })
  t.match(await tools.execute('u1', 'complete_task', { task_id: 1 }), { ok: true, result: { completed: true, completed_at: '2026-03-04T10:00:00.000Z' } })
  t.match(await tools.execute('u1', 'list_tasks', { status: 'pending' }), { result: { count: 0 } })
  t.match(await tools.execute('u1', 'update_task', { task_id: 1, completed: false, title: 'renamed' }), { ok: true, result: { title: 'renamed', completed: false } })
  t.match(await tools.execute('u1', 'list_tasks', { tag: 'home', priority: 'normal' }), { result: { count: 1 } })
  t.match(await tools.execute('u1', 'delete_task', { task_id: 1 }), { ok: true, result: { id: 1 } })
  t.same(store.doc.tasks.u1, [])
  t.equal(store.doc.tasks.u2.length, 1, "the other user's task is untouched")
})

t.test('results are copies: history never aliases a stored task', async (t) => {
  const { store, tools } = setup()
  const out = await tools.execute('u1', 'add_task', { title: 'x' })
  t.ok(out.ok)
  if (out.ok) (out.result as { title: string }).title = 'changed'
  t.equal(store.doc.tasks.u1[0].title, 'x')
})

t.test('records and intents', async (t) => {
  t.same(toolCallRecord('complete_task', { task_id: 1 }, { ok: false, error: { code: 'TASK_NOT_FOUND', message: 'm' } }), {
    tool: 'complete_task', arguments: { task_id: 1 }, result: { error: { code: 'TASK_NOT_FOUND', message: 'm' } },
  })
  t.equal(intentOfTool('add_task'), 'AddTask')
  t.equal(intentOfTool('update_task'), 'UpdateTask')
  t.equal(intentOfTool(undefined), 'Unknown')
  t.equal(intentOfTool('nope'), 'Unknown')
})

t.test('list_tasks: due range (soonest first, undated left out) and a minimum priority', async (t) => {
  const { tools } = setup()
  await tools.execute('u1', 'add_task', { title: 'late', due_date: '2026-03-01', priority: 'low' })
  await tools.execute('u1', 'add_task', { title: 'friday', due_date: '2026-03-06', priority: 'critical' })
  await tools.execute('u1', 'add_task', { title: 'today', due_date: '2026-03-04T18:00:00+01:00', priority: 'high' })
  await tools.execute('u1', 'add_task', { title: 'undated', priority: 'high' })
  const titles = async (args: Record<string, unknown>) => {
    const out = await tools.execute('u1', 'list_tasks', args)
    return out.ok ? (out.result as { tasks: { title: string }[] }).tasks.map((x) => x.title) : out.error.message
  }
  t.same(await titles({ due_from: '2026-03-04', due_to: '2026-03-08' }), ['today', 'friday'], 'this week, by date')
  t.same(await titles({ due_to: '2026-03-03' }), ['late'], 'overdue')
  t.same(await titles({ due_from: '2026-03-04', due_to: '2026-03-04' }), ['today'], 'a date-time counts by its calendar day')
  t.same(await titles({ min_priority: 'high' }), ['friday', 'today', 'undated'])
  t.same(await titles({ min_priority: 'high', due_to: '2026-03-05' }), ['today'])
  t.match(await titles({ due_from: 'friday' }), /due_from must match pattern/)
  t.match(await titles({ min_priority: 'huge' }), /min_priority/)
})
