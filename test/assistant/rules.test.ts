// The offline rules backend: the parser (pure, injected clock and time zone) and whole turns against a
// store, with the session history that gives "it" and confirmations their meaning. The broad behaviour on
// realistic phrasing is scored by the evaluation (eval/assistant, test/assistant/eval.test.ts).

import t from 'tap'
import { createRulesBackend, parseMessage } from '../../src/assistant/rules.ts'
import { createToolExecutor } from '../../src/assistant/tools.ts'
import type { TurnResult } from '../../src/assistant/types.ts'
import { historyToolCall } from '../../src/sessions/sessions.ts'
import type { ChatMessage } from '../../src/store/types.ts'
import { storeWithUser } from '../helpers/memory-store.ts'

// A Wednesday, late in the UTC day.
const NOW = new Date('2026-03-04T23:30:00.000Z')
const ctx = { now: NOW, timezone: 'UTC' }

t.test('a new task: title without the words that carried date, priority, tags, note or politeness', async (t) => {
  const cases: [string, Record<string, unknown>][] = [
    ['add buy milk tomorrow #home high priority', { title: 'buy milk', due_date: '2026-03-05', priority: 'high', tags: ['home'] }],
    ['add fix the leaking sink, urgent', { title: 'fix the leaking sink', priority: 'critical' }],
    ['add high priority task: prepare board deck', { title: 'prepare board deck', priority: 'high' }],
    ['add finish tax forms by dec 5', { title: 'finish tax forms', due_date: '2026-12-05' }],
    ['remind me tmrw to text sarah', { title: 'text sarah', due_date: '2026-03-05' }],
    ["can you add 'email landlord about the heater tomorrow' please?", { title: 'email landlord about the heater tomorrow' }],
    ['add return the jacket - note: bring receipt', { title: 'return the jacket', description: 'bring receipt' }],
    ['add fix the fence, tag it home', { title: 'fix the fence', tags: ['home'] }],
    ["don't forget to water the plants this weekend, not urgent", { title: 'water the plants', due_date: '2026-03-07', priority: 'low' }],
    ['pls add call the bank !!', { title: 'call the bank', priority: 'high' }],
    ['add "delete old photos"', { title: 'delete old photos' }],
    ['add pay rent end of the month tagged home and bills', { title: 'pay rent', due_date: '2026-03-31', tags: ['home', 'bills'] }],
  ]
  for (const [message, task] of cases) {
    const parsed = parseMessage(message, ctx)
    t.same(parsed.command, { kind: 'add', task, unclear: undefined }, message)
    t.equal(parsed.intent, 'AddTask')
  }
})

t.test('dates follow the time zone and the injected clock', async (t) => {
  const at = (now: string, timezone: string, message: string) =>
    (parseMessage(message, { now: new Date(now), timezone }).command as { task: { due_date?: string } }).task.due_date
  // 23:30 UTC on Wednesday March 4 is already Thursday March 5 in Tokyo.
  t.equal(at('2026-03-04T23:30:00Z', 'UTC', 'add x today'), '2026-03-04')
  t.equal(at('2026-03-04T23:30:00Z', 'Asia/Tokyo', 'add x today'), '2026-03-05')
  t.equal(at('2026-03-04T23:30:00Z', 'Asia/Tokyo', 'add x tomorrow'), '2026-03-06')
  t.equal(at('2026-03-05T02:00:00Z', 'America/New_York', 'add x tonight'), '2026-03-04')
  const cases: [string, string][] = [
    ['friday', '2026-03-06'], ['on wednesday', '2026-03-11'], ['next monday', '2026-03-09'], ['next week', '2026-03-11'],
    ['this week', '2026-03-08'], ['this weekend', '2026-03-07'], ['in 3 days', '2026-03-07'], ['by dec 5', '2026-12-05'],
    ['end of the month', '2026-03-31'], ['2026-12-01', '2026-12-01'], ['the day after tomorrow', '2026-03-06'],
  ]
  for (const [words, date] of cases) t.equal(at('2026-03-04T12:00:00Z', 'UTC', `add pay rent ${words}`), date, words)
  t.equal(at('2026-12-31T12:00:00Z', 'UTC', 'add x tomorrow'), '2027-01-01', 'year boundary')
  t.match(parseMessage('add sat exam prep', ctx).command, { task: { title: 'sat exam prep' } }, 'a bare abbreviation is not a date')
  t.notOk((parseMessage('add sat exam prep', ctx).command as { task: { due_date?: string } }).task.due_date)
})

t.test('what a message asks for', async (t) => {
  const cases: [string, string, unknown][] = [
    ['mark 3 done', 'CompleteTask', { kind: 'complete', ref: { kind: 'id', id: 3 } }],
    ['I bought the milk', 'CompleteTask', { kind: 'complete', ref: { kind: 'title', text: 'bought the milk' } }],
    ['called mom, tick it off', 'CompleteTask', { kind: 'complete', ref: { kind: 'title', text: 'called mom' } }],
    ['remove the dentist one', 'DeleteTask', { kind: 'delete', ref: { kind: 'title', text: 'dentist' } }],
    ['make it urgent', 'UpdateTask', { kind: 'update', ref: { kind: 'recent', which: 'it' }, changes: { priority: 'critical' } }],
    ['move the dentist appointment to friday', 'UpdateTask', { kind: 'update', ref: { kind: 'title', text: 'dentist appointment' }, changes: { due_date: '2026-03-06' } }],
    ['add the tag office to task 3', 'UpdateTask', { kind: 'update', ref: { kind: 'id', id: 3 }, changes: { addTags: ['office'] } }],
    ['rename 1 to call dad', 'UpdateTask', { kind: 'update', ref: { kind: 'id', id: 1 }, changes: { title: 'call dad' } }],
    ['reopen 3', 'UpdateTask', { kind: 'reopen', ref: { kind: 'id', id: 3 } }],
    ["what's due this week?", 'ListTasks', { kind: 'list', args: { status: 'pending', due_from: '2026-03-04', due_to: '2026-03-08' }, label: 'pending tasks due this week' }],
    ['anything overdue?', 'ListTasks', { kind: 'list', args: { status: 'pending', due_to: '2026-03-03' }, label: 'pending overdue tasks' }],
    ['show me everything', 'ListTasks', { kind: 'list', args: {}, label: 'tasks' }],
    ['delete all my tasks', 'DeleteTask', { kind: 'bulk', action: 'delete', args: {}, label: 'tasks' }],
    ['clear completed', 'DeleteTask', { kind: 'bulk', action: 'delete', args: { status: 'completed' }, label: 'completed tasks' }],
    ['remove the home tag', 'UpdateTask', { kind: 'update', ref: { kind: 'tagged', tag: 'home' }, changes: { removeTags: ['home'] } }],
    ['drop the work label', 'UpdateTask', { kind: 'update', ref: { kind: 'tagged', tag: 'work' }, changes: { removeTags: ['work'] } }],
    ['set a due date of april 2 for call mom', 'UpdateTask', { kind: 'update', ref: { kind: 'title', text: 'call mom' }, changes: { due_date: '2026-04-02' } }],
    ['set a high priority on the report', 'UpdateTask', { kind: 'update', ref: { kind: 'title', text: 'report' }, changes: { priority: 'high' } }],
  ]
  for (const [message, intent, command] of cases) {
    const parsed = parseMessage(message, ctx)
    t.equal(parsed.intent, intent, `${message} -> ${intent}`)
    t.same(parsed.command, command, message)
  }
  for (const greeting of ['hi', 'Hello!', 'thanks', 'thank you so much', 'what can you do?']) {
    t.match(parseMessage(greeting, ctx), { intent: 'Help', command: { kind: 'reply' } }, greeting)
  }
  t.match(parseMessage('what is the weather', ctx), { intent: 'Unknown', confidence: 0.2, command: { kind: 'reply', text: /only help with your tasks/ } })
  t.match(parseMessage('flibber the jabberwock', ctx), { intent: 'Unknown', confidence: 0.2, command: { kind: 'reply', text: /didn't understand "flibber the jabberwock"/ } })
  t.match(parseMessage('delete', ctx), { command: { kind: 'reply', text: /Which task should I delete\?/ } }, 'a bare verb asks which task')
})

function conversation(store = storeWithUser('u1'), timezone = 'UTC') {
  const clock = () => NOW
  const rules = createRulesBackend({ executor: createToolExecutor({ store, clock }), clock })
  const history: ChatMessage[] = []
  // Each turn goes into the history as the sessions module stores it.
  const say = async (message: string): Promise<TurnResult> => {
    const result = await rules.reply({ userId: 'u1', message, history, timezone })
    history.push(
      { role: 'user', content: message, timestamp: NOW.toISOString() },
      { role: 'assistant', content: result.reply, timestamp: NOW.toISOString(), tool_calls: result.tool_calls.map(historyToolCall) },
    )
    return result
  }
  return { store, say, history, tasks: () => store.doc.tasks.u1 ?? [] }
}

t.test('the reply says what was understood', async (t) => {
  const { say } = conversation()
  t.match(await say('add buy milk tomorrow #home high priority'), { intent: 'AddTask', reply: 'Added task 1. buy milk (due Thu 2026-03-05, high priority, #home).' })
  t.match(await say('add return the jacket - note: bring receipt'), { reply: /Added task 2\. return the jacket \(note: "bring receipt"\)/ })
  t.match(await say('add call the bank priority super'), { reply: /I kept "priority super" in the title: I could not read it as a date, priority or tag\./ })
  t.match(await say('add prep lunch boxes every sunday'), { reply: /"every sunday" stays in the title: tasks do not repeat here/ })
  t.match(await say('move 1 to friday and make it blue'), { intent: 'UpdateTask', reply: /due Fri 2026-03-06.*I didn't understand "blue"/s })
})

t.test('"it", "that" and "the last one" come from the session history', async (t) => {
  const { say, tasks } = conversation()
  await say('add call mom')
  await say('add book flights')
  t.match(await say('make it urgent'), { reply: /task 2 "book flights": priority critical/ })
  t.match(await say('tag it with travel'), { reply: /#travel/ })
  t.match(await say('show my tasks'), { intent: 'ListTasks' })
  t.match(await say('mark the first one done'), { reply: /Marked task 1 "call mom" as done/ })
  t.equal(tasks()[0].completed, true)
  t.match(await say('actually reopen it'), { reply: /task 1 "call mom": reopened/ })
  t.equal(tasks()[0].completed, false)
})

t.test('a fresh conversation has no "it": the reply asks, nothing changes', async (t) => {
  const first = conversation()
  await first.say('add call mom')
  const second = conversation(first.store) // same user, another session
  t.match(await second.say('delete it'), { intent: 'DeleteTask', reply: /Which task do you want to delete\?/, tool_calls: [] })
  t.equal(first.tasks().length, 1)
})

t.test('titles are matched by words, typos and past tenses; ambiguity asks and never changes a task', async (t) => {
  const { say, tasks } = conversation()
  await say('add dentist appointment friday')
  await say('add buy milk')
  await say('add buy milk powder')
  await say('add call mom')
  await say('add pay the plumber')
  t.match(await say('remove the dentst one'), { intent: 'DeleteTask', reply: /Deleted task 1 "dentist appointment"/ })
  const ambiguous = await say('complete milk')
  t.match(ambiguous, { confidence: 0.4, reply: /More than one task matches "milk": 2\. buy milk; 3\. buy milk powder\. Which one\?/ })
  t.same(ambiguous.tool_calls.map((c) => c.tool), ['list_tasks'], 'only a lookup')
  t.match(await say('I bought the milk'), { reply: /Marked task 2 "buy milk" as done/ }, 'the whole title was said: it wins')
  t.match(await say('called mom, tick it off'), { reply: /Marked task 4 "call mom" as done/ })
  const paid = await say('I paid the rent')
  t.match(paid, { reply: /couldn't find a pending task matching "paid the rent"/ }, 'the verb alone does not pick "pay the plumber"')
  t.equal(tasks().find((x) => x.id === 5)?.completed, false)
  t.match(await say('delete milk'), { reply: /More than one task matches/ }, 'a deletion never guesses')
  t.match(await say('mark the plumber wash done'), { reply: /couldn't find/ }, 'half of the words is not enough')
  t.match(await say('spoke to mom'), { reply: /couldn't find a pending task/ }, 'call mom is already done')
  await say('add call dad')
  t.match(await say('spoke to dad'), { reply: /Marked task 6 "call dad" as done/ }, 'speaking is calling')
  t.equal(tasks().length, 5, 'four left after the deletion, and call dad')
})

t.test('a date span takes in "the Nth of <month>"; words after "of" it cannot read are reported', async (t) => {
  t.match(parseMessage('add take the car for its MOT on the 3rd of april', ctx).command, { kind: 'add', task: { title: 'take the car for its MOT', due_date: '2026-04-03' }, unclear: undefined })
  t.match(parseMessage('add renew the permit on april the 10th', ctx).command, { kind: 'add', task: { title: 'renew the permit', due_date: '2026-04-10' } })
  t.match(parseMessage('add pay the rent on the 1st of the quarter', ctx).command, { kind: 'add', task: { title: 'pay the rent of the quarter' }, unclear: /I kept "of the quarter"/ })
  t.match(parseMessage('add pay rent on the 1st of every month', ctx).command, { task: { due_date: '2026-04-01' }, unclear: /"every month" stays in the title: tasks do not repeat here, so it is due once, on Wed 2026-04-01/ })
})

t.test('a tag named with no task removes that tag, and never deletes the task carrying it', async (t) => {
  const { say, tasks } = conversation()
  await say('add fix the fence #home #diy')
  await say('add buy milk #groceries')
  t.match(await say('delete the groceries tag'), { intent: 'UpdateTask', reply: /task 2 "buy milk": no tags/ }, 'the only task with the tag')
  t.match(await say('delete groceries'), { reply: /couldn't find/ }, 'a tag alone does not pick a task to delete')
  await say('add paint the shed #home')
  t.match(await say('remove the home tag'), { reply: /task 3 "paint the shed": no tags/ }, 'the task in the conversation')
  await say('add clean the gutters #home')
  await say('show my tasks')
  t.match(await say('remove the diy tag'), { reply: /task 1 "fix the fence": tags #home/ }, 'no task in the conversation: the only one with it')
  await say('add sweep the porch #home')
  await say('show my tasks')
  t.match(await say('strip the home tag'), { reply: /More than one task matches #home: 1\. fix the fence; 4\. clean the gutters; 5\. sweep the porch\. Which one\?/ })
  t.match(await say('5'), { reply: /task 5 "sweep the porch": no tags/ }, 'the answer to "which one?"')
  t.equal(tasks().length, 5, 'nothing deleted')
})

t.test('two titles in one deletion or completion: both when each is clear, else nothing', async (t) => {
  const { say, tasks } = conversation()
  for (const title of ['dentist appointment', 'buy milk', 'buy milk powder', 'call mom', 'pay the plumber']) await say(`add ${title}`)
  t.match(await say('delete call mom and the milk'), { reply: /"the milk" matches more than one task: 2\. buy milk; 3\. buy milk powder\. I changed nothing/ })
  t.match(await say('delete the dentist appointment and the car wash'), { reply: /couldn't find a task matching "car wash", so I changed nothing/ })
  t.equal(tasks().length, 5)
  t.match(await say('delete the dentist appointment and call mom'), { intent: 'DeleteTask', reply: 'Deleted 2 tasks: 1. dentist appointment; 4. call mom.' })
  t.match(await say('mark the plumber and the milk powder done'), { intent: 'CompleteTask', reply: 'Marked 2 tasks as done: 5. pay the plumber; 3. buy milk powder.' })
  t.same(tasks().map((x) => [x.id, x.completed]), [[2, false], [3, true], [5, true]])
  await say('add send the invoice')
  t.notMatch((await say('I finished the milk and sent it')).reply, /invoice/, '"and sent it" is about the milk, not another task')
  t.equal(tasks().find((x) => x.id === 6)?.completed, false)
})

t.test('bulk deletes ask first and act only on an explicit yes as the next message', async (t) => {
  const { say, tasks } = conversation()
  await say('add a')
  await say('add b')
  await say('mark 1 done')
  const ask = await say('delete all my tasks')
  t.match(ask, { intent: 'DeleteTask', reply: /This will delete 2 tasks:\n1\. a \(done\)\n2\. b\n.*Reply "yes"/s })
  t.same(ask.tool_calls.map((c) => c.tool), ['list_tasks'])
  t.equal(tasks().length, 2, 'nothing deleted yet')
  await say('show my tasks') // not an answer: the question lapses
  t.match(await say('yes'), { reply: /nothing waiting for a yes/, tool_calls: [] })
  t.equal(tasks().length, 2)

  await say('clear completed')
  t.match(await say('no'), { reply: 'OK, I changed nothing.' })
  t.equal(tasks().length, 2)
  await say('clear completed')
  await say('add c') // a task added after the question is not part of it
  t.match(await say('yes'), { reply: /nothing waiting/ })
  await say('clear completed')
  t.match(await say('yes'), { intent: 'DeleteTask', reply: 'Deleted 1 task: 1. a.' })
  t.same(tasks().map((x) => x.title), ['b', 'c'])
})

t.test('lists: by due date, priority, tag, status; numbered by task id', async (t) => {
  const { say } = conversation()
  await say('add pay rent yesterday') // a past date: overdue at once
  await say('add file taxes today urgent')
  await say('add plan trip next week #travel')
  await say('add water plants')
  t.match(await say('anything overdue?'), { reply: /1 pending overdue task.*\n1\. pay rent/ })
  t.match(await say("what's due today"), { reply: /\n2\. file taxes \(due Wed 2026-03-04, critical priority\)$/ })
  t.match(await say('show urgent tasks'), { reply: /1 high or critical priority task/ })
  t.match(await say('show #travel'), { reply: /\n3\. plan trip/ })
  const all = await say('show me everything')
  t.match(all, { reply: /You have 4 tasks \(the number is the task id\):\n1\. pay rent.*\n2\. file taxes.*\n3\. plan trip.*\n4\. water plants/s })
})

t.test('errors are explained, not thrown', async (t) => {
  const { say, tasks } = conversation()
  t.match(await say('mark 9 done'), { intent: 'CompleteTask', reply: "I couldn't do that: Task 9 not found." })
  t.match(await say('add pay rent on 2026-02-31'), { reply: /pay rent/ }, 'an impossible date is not taken as a date')
  t.match(await say('complete bread'), { reply: /couldn't find a pending task matching "bread"/ })
  t.equal(tasks().length, 1)
})

t.test('questions about one task, and changes to many refused plainly', async (t) => {
  const { say, tasks } = conversation()
  await say('add pay electricity bill next tuesday')
  await say('add buy milk - 2 liters')
  t.match(await say('when is the electricity bill due?'), { intent: 'ListTasks', reply: 'Task 1 "pay electricity bill" is due Tue 2026-03-10.' })
  t.match(await say('is the milk done?'), { reply: 'No, task 2 "buy milk" is still pending.' })
  t.match(await say('details of task 2'), { reply: '2. buy milk (note: "2 liters")' })
  const refused = await say('move all my tasks to tomorrow')
  t.match(refused, { reply: /one task at a time/, tool_calls: [] })
  t.equal(tasks().length, 2, 'no task was added or changed')
  t.equal(tasks()[0].due_date, '2026-03-10')
})

t.test('follow-ups: an answer to "which one?", a bare change, "I meant …"', async (t) => {
  const { say, tasks } = conversation()
  await say('add buy milk')
  await say('add buy milk powder')
  await say('add call mom')
  t.match(await say('delete the milk one'), { reply: /^More than one task matches/ })
  t.match(await say('3'), { tool_calls: [] }, 'an id not offered is no answer')
  t.equal(tasks().length, 3, 'task 3 was not offered, so nothing was deleted')
  await say('delete the milk one')
  t.match(await say('the powder one'), { reply: 'Deleted task 2 "buy milk powder".' })
  t.same(tasks().map((x) => x.id), [1, 3])

  await say('add fix the leak')
  t.match(await say('high priority please'), { reply: /task 4 "fix the leak": priority high/ })
  t.match(await say('due on saturday'), { reply: /task 4 "fix the leak": due Sat 2026-03-07/ })
  t.match(await say('#plumbing'), { reply: /tags #plumbing/ })
  t.match(await say('add buy presnt for tom'), { reply: /Added task 5/ })
  t.match(await say('oops, I meant buy present for tom'), { reply: /renamed from "buy presnt for tom" to "buy present for tom"/ })
  t.match(await say('show my tasks'), { intent: 'ListTasks' })
  t.match(await say('oops, I meant call dad'), { reply: /Which task/ }, 'only right after adding')
  t.equal(tasks().length, 4)

  const fresh = conversation()
  t.match(await fresh.say('urgent'), { reply: /Which task do you want to change\?/, tool_calls: [] }, 'no task in the conversation: ask')
})
