// The offline rules backend: the parser (pure, with an injected clock) and whole turns against a store.

import t from 'tap'
import { createRulesBackend, extractDate, parseMessage } from '../../src/assistant/rules.ts'
import { createToolExecutor } from '../../src/assistant/tools.ts'
import { storeWithUser } from '../helpers/memory-store.ts'

// A Wednesday, late in the UTC day (dates are UTC calendar dates).
const NOW = new Date('2026-03-04T23:30:00.000Z')

const call = (tool: string, args: Record<string, unknown>) => ({ kind: 'call', tool, args })

t.test('parses the documented commands into tool calls', async (t) => {
  const cases: [string, string, unknown][] = [
    ['add buy milk tomorrow #home high priority', 'AddTask', call('add_task', { title: 'buy milk', priority: 'high', due_date: '2026-03-05', tags: ['home'] })],
    ["what's pending", 'ListTasks', call('list_tasks', { status: 'pending' })],
    ['show completed', 'ListTasks', call('list_tasks', { status: 'completed' })],
    ['list high priority tasks', 'ListTasks', call('list_tasks', { priority: 'high' })],
    ['show #work', 'ListTasks', call('list_tasks', { tag: 'work' })],
    ['show my tasks', 'ListTasks', call('list_tasks', {})],
    ['mark 3 done', 'CompleteTask', call('complete_task', { task_id: 3 })],
    ['Complete task 5.', 'CompleteTask', call('complete_task', { task_id: 5 })],
    ['delete task 2', 'DeleteTask', call('delete_task', { task_id: 2 })],
    ['rename 1 to call mom', 'UpdateTask', call('update_task', { task_id: 1, title: 'call mom' })],
    ['set 2 priority high', 'UpdateTask', call('update_task', { task_id: 2, priority: 'high' })],
    ['set priority of 2 to urgent', 'UpdateTask', call('update_task', { task_id: 2, priority: 'critical' })],
    ['move 2 to friday', 'UpdateTask', call('update_task', { task_id: 2, due_date: '2026-03-06' })],
    ['reopen 3', 'UpdateTask', call('update_task', { task_id: 3, completed: false })],
    ['complete buy milk', 'CompleteTask', { kind: 'by_title', tool: 'complete_task', title: 'buy milk' }],
    ['mark buy milk as done', 'CompleteTask', { kind: 'by_title', tool: 'complete_task', title: 'buy milk' }],
    ['delete the laundry', 'DeleteTask', { kind: 'by_title', tool: 'delete_task', title: 'laundry' }],
  ]
  for (const [message, intent, command] of cases) {
    const parsed = parseMessage(message, NOW)
    t.equal(parsed.intent, intent, `${message} -> ${intent}`)
    t.same(parsed.command, command, `${message} -> ${JSON.stringify(command)}`)
  }
})

t.test('confidence: exact patterns high, title matches lower, unknown low with help', async (t) => {
  t.equal(parseMessage('mark 3 done', NOW).confidence, 0.95)
  t.equal(parseMessage('complete buy milk', NOW).confidence, 0.6)
  const help = parseMessage('help', NOW)
  t.equal(help.intent, 'Help')
  t.match(help.command, { kind: 'reply', text: /add buy milk tomorrow/ })
  const unknown = parseMessage('what is the weather', NOW)
  t.equal(unknown.intent, 'Unknown')
  t.equal(unknown.confidence, 0.2)
  t.match(unknown.command, { kind: 'reply', text: /didn't understand.*\n.*add buy milk/s })
  t.match(parseMessage('add', NOW), { intent: 'AddTask', command: { kind: 'reply', text: /What should I add/ } })
})

t.test('dates come from the injected clock', async (t) => {
  const cases: [string, string | undefined][] = [
    ['today', '2026-03-04'],
    ['tomorrow', '2026-03-05'],
    ['the day after tomorrow', '2026-03-06'],
    ['on friday', '2026-03-06'],
    ['wednesday', '2026-03-11'], // a weekday is the next one after today
    ['next monday', '2026-03-09'],
    ['next week', '2026-03-11'],
    ['in 3 days', '2026-03-07'],
    ['on 2026-12-01', '2026-12-01'],
    ['someday', undefined],
  ]
  for (const [text, date] of cases) t.equal(extractDate(text, NOW).date, date, text)
  // Month and year boundaries.
  t.equal(extractDate('tomorrow', new Date('2026-12-31T12:00:00Z')).date, '2027-01-01')
  t.equal(extractDate('tomorrow', new Date('2028-02-28T12:00:00Z')).date, '2028-02-29')
})

function backend() {
  const store = storeWithUser('u1')
  const clock = () => NOW
  const rules = createRulesBackend({ executor: createToolExecutor({ store, clock }), clock })
  const say = (message: string) => rules.reply({ userId: 'u1', message, history: [] })
  return { store, say }
}

t.test('a conversation changes tasks through the tools', async (t) => {
  const { store, say } = backend()
  const added = await say('add buy milk tomorrow #home high priority')
  t.match(added, { intent: 'AddTask', confidence: 0.95, reply: /Added task 1\. buy milk \(due 2026-03-05, high priority, #home\)/ })
  t.match(added.tool_calls, [{ tool: 'add_task', arguments: { title: 'buy milk' }, result: { id: 1, title: 'buy milk' } }])
  await say('add call mom')

  const pending = await say("what's pending")
  t.match(pending, { intent: 'ListTasks', reply: /You have 2 pending tasks:\n1\. buy milk.*\n2\. call mom/ })

  const done = await say('complete buy milk')
  t.match(done, { intent: 'CompleteTask', confidence: 0.8, reply: /Marked task 1 "buy milk" as done/ })
  t.same(done.tool_calls.map((c) => c.tool), ['list_tasks', 'complete_task'], 'the title lookup is a visible tool call')
  t.equal(store.doc.tasks.u1[0].completed, true)

  t.match(await say('show completed'), { reply: /You have 1 completed task:\n1\. buy milk \(done/ })
  t.match(await say('rename 2 to call dad'), { intent: 'UpdateTask', reply: /Updated task 2\. call dad/ })
  t.match(await say('set 2 priority critical'), { reply: /critical priority/ })
  t.match(await say('delete task 2'), { intent: 'DeleteTask', reply: /Deleted task 2 "call dad"/ })
  t.equal(store.doc.tasks.u1.length, 1)
})

t.test('errors and ambiguity are explained, not thrown', async (t) => {
  const { store, say } = backend()
  t.match(await say('mark 9 done'), { intent: 'CompleteTask', reply: "I couldn't do that: Task 9 not found." })
  await say('add buy milk')
  await say('add buy milk powder')
  t.match(await say('complete milk'), { confidence: 0.4, reply: /Several tasks match "milk": 1\. buy milk; 2\. buy milk powder/ })
  t.match(await say('complete buy milk'), { confidence: 0.8, reply: /Marked task 1/ }, 'an exact title wins over partial ones')
  t.match(await say('complete powder'), { confidence: 0.6, reply: /Marked task 2/ })
  t.match(await say('complete bread'), { reply: /couldn't find a pending task called "bread"/ })
  t.match(await say('add pay rent on 2026-02-31'), { reply: /not a real date/ })
  t.equal(store.doc.tasks.u1.length, 2)
  t.match(await say('hello'), { intent: 'Unknown', confidence: 0.2, tool_calls: [] })
})
