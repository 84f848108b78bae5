// The ollama backend: the real `ollama` client against a fake Ollama on 127.0.0.1 that speaks /api/chat
// (NDJSON streaming and single JSON), /api/tags and /api/version. Scripted conversations, every failure,
// the health probe and the metrics.

import t from 'tap'
import { createAssistant } from '../../src/assistant/index.ts'
import { AssistantTurnError } from '../../src/assistant/errors.ts'
import { MAX_TOOL_ROUNDS } from '../../src/assistant/turn.ts'
import { createMetrics } from '../../src/metrics.ts'
import { createTask } from '../../src/tasks/tasks.ts'
import { storeWithUser } from '../helpers/memory-store.ts'
import { deadUrl, startFakeOllama, type FakeServer } from './fake-servers.ts'
import { manualClock, silentLogger, testConfig } from './helpers.ts'

async function setup(t: { teardown(fn: () => unknown): void }, opts: { stream?: boolean; timeout?: number; endpoint?: string; model?: string; models?: string[] } = {}) {
  const fake = await startFakeOllama({ models: opts.models })
  t.teardown(() => fake.close())
  const store = storeWithUser('u1')
  const metrics = createMetrics()
  const config = testConfig({ aiBackend: 'ollama', ollamaEndpoint: opts.endpoint ?? fake.url, ollamaModel: opts.model ?? 'llama3.2', aiTimeoutSeconds: opts.timeout ?? 5 })
  const assistant = await createAssistant({ config, store, metrics, clock: manualClock(), logger: silentLogger }, { ollamaStream: opts.stream })
  t.teardown(() => assistant.stop())
  const say = (message: string) => assistant.reply({ userId: 'u1', message, history: [] })
  return { fake, store, metrics, assistant, say }
}

const toolCall = (name: string, args: unknown) => ({ function: { name, arguments: args } })

async function failure(p: Promise<unknown>): Promise<AssistantTurnError> {
  try {
    await p
  } catch (err) {
    if (err instanceof AssistantTurnError) return err
    throw err
  }
  throw new Error('the turn did not fail')
}

for (const stream of [true, false]) {
  t.test(`"add buy milk tomorrow" -> add_task -> the task exists -> the model's reply (stream: ${stream})`, async (t) => {
    const { fake, store, say } = await setup(t, { stream })
    fake.script.push(
      { reply: { tool_calls: [toolCall('add_task', { title: 'Buy milk', due_date: '2026-03-05' })] } },
      { reply: { content: 'I added "Buy milk" for tomorrow.' } },
    )
    const result = await say('add buy milk tomorrow')
    t.same(result.reply, 'I added "Buy milk" for tomorrow.', "the reply text is the model's")
    t.equal(result.intent, 'AddTask')
    t.equal(result.confidence, 0.9)
    t.match(result.tool_calls, [{ tool: 'add_task', arguments: { title: 'Buy milk', due_date: '2026-03-05' }, result: { id: 1, title: 'Buy milk' } }])
    t.match(store.doc.tasks.u1, [{ id: 1, title: 'Buy milk', due_date: '2026-03-05' }], 'the task exists')

    // What the client sent: model, tools in Ollama's format, the prompt, then the tool result as role "tool".
    const [first, second] = fake.chatRequests()
    t.equal(first.model, 'llama3.2')
    t.equal(first.stream, stream)
    t.same(first.tools.map((x: any) => x.type), ['function', 'function', 'function', 'function', 'function'])
    t.match(first.tools[0], { function: { name: 'add_task', parameters: { type: 'object', required: ['title'] } } })
    t.match(first.messages[0], { role: 'system', content: /Today is Wednesday 2026-03-04/ })
    t.match(first.messages.at(-1), { role: 'user', content: 'add buy milk tomorrow' })
    t.match(second.messages.at(-2), { role: 'assistant', tool_calls: [{ function: { name: 'add_task', arguments: { title: 'Buy milk' } } }] })
    const toolMessage = second.messages.at(-1)
    t.match(toolMessage, { role: 'tool', tool_name: 'add_task' })
    t.match(JSON.parse(toolMessage.content), { id: 1, title: 'Buy milk' })
  })
}

t.test('two rounds: list, then complete the one named', async (t) => {
  const { fake, store, say } = await setup(t)
  await createTask(store, 'u1', { title: 'Buy milk' })
  await createTask(store, 'u1', { title: 'Call mom' })
  fake.script.push(
    { reply: { tool_calls: [toolCall('list_tasks', { status: 'pending' })] } },
    { reply: { tool_calls: [toolCall('complete_task', { task_id: 2 })] } },
    { reply: { content: 'Done: "Call mom" is complete.' } },
  )
  const result = await say('I called mom')
  t.equal(result.intent, 'ListTasks', 'intent = the first tool called')
  t.same(result.tool_calls.map((c) => c.tool), ['list_tasks', 'complete_task'])
  t.equal(store.doc.tasks.u1[1].completed, true)
  t.equal(store.doc.tasks.u1[0].completed, false)
  const [, second, third] = fake.chatRequests()
  t.match(JSON.parse(second.messages.at(-1).content), { count: 2, tasks: [{ id: 1 }, { id: 2, title: 'Call mom' }] }, 'the model saw the list')
  t.same(third.messages.filter((m: any) => m.role === 'tool').map((m: any) => m.tool_name), ['list_tasks', 'complete_task'])
})

t.test('invalid arguments and unknown tools go back to the model; the turn goes on', async (t) => {
  const { fake, store, say } = await setup(t)
  fake.script.push(
    { reply: { tool_calls: [toolCall('add_task', { title: 'Buy milk', priority: 'super', owner: 'u2' }), toolCall('wipe_everything', {})] } },
    { reply: { tool_calls: [toolCall('add_task', { title: 'Buy milk', priority: 'high' })] } },
    { reply: { content: 'Added with high priority.' } },
  )
  const result = await say('add buy milk, super urgent')
  t.match(result.tool_calls, [
    { tool: 'add_task', result: { error: { code: 'VALIDATION_ERROR' } } },
    { tool: 'wipe_everything', result: { error: { code: 'UNKNOWN_TOOL' } } },
    { tool: 'add_task', result: { id: 1, priority: 'high' } },
  ])
  t.equal(result.intent, 'AddTask')
  t.equal(result.confidence, 0.6, 'lower when the first call was refused')
  t.equal(store.doc.tasks.u1.length, 1)
  const errors = fake.chatRequests()[1].messages.filter((m: any) => m.role === 'tool').map((m: any) => JSON.parse(m.content).error.code)
  t.same(errors, ['VALIDATION_ERROR', 'UNKNOWN_TOOL'], 'the model saw both errors')
})

t.test('a reply without tools: intent Unknown', async (t) => {
  const { fake, say } = await setup(t)
  fake.script.push({ reply: { content: 'Hello! I can manage your tasks.' } })
  t.match(await say('hi'), { reply: 'Hello! I can manage your tasks.', intent: 'Unknown', confidence: 0.5, tool_calls: [] })
})

t.test('failures end the turn with 502/503 and keep the changes already made', async (t) => {
  const cases: { name: string; steps: object[]; stream?: boolean; status: number; code: string; message?: RegExp; outcome: string }[] = [
    { name: 'model not pulled (404)', steps: [{ status: 404, error: 'model "llama3.2" not found, try pulling it first' }], status: 503, code: 'AI_UNAVAILABLE', message: /ollama pull llama3.2/, outcome: 'unavailable' },
    { name: 'HTTP 500 with an error body', steps: [{ status: 500, error: 'llama runner process has terminated' }], status: 502, code: 'AI_UPSTREAM_ERROR', message: /HTTP 500.*llama runner/, outcome: 'error' },
    { name: 'HTTP 400', steps: [{ status: 400, error: 'invalid tool' }], status: 502, code: 'AI_UPSTREAM_ERROR', outcome: 'error' },
    { name: 'malformed JSON', stream: false, steps: [{ raw: '{"model": "llama3.2", "message": ' }], status: 502, code: 'AI_BAD_RESPONSE', outcome: 'bad_response' },
    { name: 'a response without a message', stream: false, steps: [{ raw: '{"model":"llama3.2","done":true}' }], status: 502, code: 'AI_BAD_RESPONSE', outcome: 'bad_response' },
    { name: 'truncated stream (no done)', stream: true, steps: [{ truncate: true }], status: 502, code: 'AI_BAD_RESPONSE', outcome: 'bad_response' },
    { name: 'truncated body', stream: false, steps: [{ truncate: true }], status: 502, code: 'AI_BAD_RESPONSE', outcome: 'bad_response' },
    { name: 'error in the stream', stream: true, steps: [{ raw: '{"error":"out of memory"}\n' }], status: 502, code: 'AI_BAD_RESPONSE', message: /out of memory/, outcome: 'bad_response' },
    { name: 'done_reason length', steps: [{ reply: { content: 'I will add' }, finish: 'length' }], status: 502, code: 'AI_BAD_RESPONSE', message: /truncated/, outcome: 'bad_response' },
    { name: 'empty reply', steps: [{ reply: { content: '' } }], status: 502, code: 'AI_BAD_RESPONSE', outcome: 'bad_response' },
  ]
  for (const c of cases) {
    await t.test(c.name, async (t) => {
      const { fake, metrics, say } = await setup(t, { stream: c.stream })
      fake.script.push(...(c.steps as never[]))
      const err = await failure(say('add buy milk'))
      t.equal(err.statusCode, c.status)
      t.equal(err.code, c.code)
      if (c.message) t.match(`${err.message} ${JSON.stringify(err.detail)}`, c.message, "the log text (message and upstream detail)")
      t.match(await metrics.registry.getSingleMetricAsString('todo_app_ai_requests_total'), new RegExp(`backend="ollama",outcome="${c.outcome}"} 1`))
    })
  }

  await t.test('unreachable', async (t) => {
    const { say, metrics } = await setup(t, { endpoint: await deadUrl() })
    const err = await failure(say('add buy milk'))
    t.match(err, { statusCode: 503, code: 'AI_UNAVAILABLE', message: /unreachable/ })
    t.match(await metrics.registry.getSingleMetricAsString('todo_app_ai_requests_total'), /outcome="unavailable"} 1/)
  })

  await t.test('a failure after a tool ran keeps the task and reports the call', async (t) => {
    const { fake, store, say } = await setup(t)
    fake.script.push({ reply: { tool_calls: [toolCall('add_task', { title: 'Buy milk' })] } }, { status: 500, error: 'boom' })
    const err = await failure(say('add buy milk'))
    t.equal(err.code, 'AI_UPSTREAM_ERROR')
    t.match(err.toolCalls, [{ tool: 'add_task', result: { id: 1 } }])
    t.equal(store.doc.tasks.u1.length, 1)
  })

  await t.test('an endless tool loop ends after MAX_TOOL_ROUNDS', async (t) => {
    const { fake, say, metrics } = await setup(t)
    for (let i = 0; i <= MAX_TOOL_ROUNDS; i++) fake.script.push({ reply: { tool_calls: [toolCall('list_tasks', {})] } })
    const err = await failure(say("what's pending"))
    t.match(err, { statusCode: 502, code: 'AI_BAD_RESPONSE', message: /kept calling tools/ })
    t.equal(err.toolCalls.length, MAX_TOOL_ROUNDS)
    t.equal(fake.chatRequests().length, MAX_TOOL_ROUNDS + 1)
    t.match(await metrics.registry.getSingleMetricAsString('todo_app_ai_requests_total'), new RegExp(`outcome="success"} ${MAX_TOOL_ROUNDS + 1}`))
  })

  for (const [name, step, stream] of [['no answer at all', { hang: true }, false], ['headers, then a stalled stream', { stall: true }, true], ['headers, then a stalled body', { stall: true }, false]] as const) {
    await t.test(`slower than AI_TIMEOUT_SECONDS: ${name}`, async (t) => {
      const { fake, say, metrics } = await setup(t, { timeout: 0.3, stream })
      fake.script.push(step)
      const err = await failure(say('add buy milk'))
      t.match(err, { statusCode: 503, code: 'AI_TIMEOUT' })
      t.match(await metrics.registry.getSingleMetricAsString('todo_app_ai_request_duration_seconds'), /_count\{backend="ollama",outcome="timeout"} 1/)
    })
  }
})

t.test('health: /api/version and /api/tags, probed in the background and cached', async (t) => {
  await t.test('connected when the model is pulled (untagged name means :latest)', async (t) => {
    const { assistant, fake } = await setup(t, { models: ['llama3.2:latest'] })
    t.same(assistant.status(), { ai: 'degraded', openai: 'not_configured' }, 'unknown until the first probe')
    assistant.start()
    await assistant.stop() // waits for the probe in flight
    t.same(assistant.status(), { ai: 'connected', openai: 'not_configured' })
    t.same(fake.requests.map((r) => r.url), ['/api/version', '/api/tags'])
  })
  await t.test('degraded when the model is not pulled', async (t) => {
    const { assistant } = await setup(t, { models: ['mistral:latest'], model: 'llama3.2' })
    assistant.start()
    await assistant.stop()
    t.equal(assistant.status().ai, 'degraded')
  })
  await t.test('a tagged model name is matched exactly', async (t) => {
    const { assistant } = await setup(t, { models: ['llama3.2:3b'], model: 'llama3.2:3b' })
    assistant.start()
    await assistant.stop()
    t.equal(assistant.status().ai, 'connected')
  })
  await t.test('degraded when unreachable; a real call that succeeds marks it connected', async (t) => {
    const { assistant } = await setup(t, { endpoint: await deadUrl() })
    assistant.start()
    await assistant.stop()
    t.equal(assistant.status().ai, 'degraded')
    const { assistant: other, fake } = await setup(t)
    fake.script.push({ reply: { content: 'hi' } })
    await other.reply({ userId: 'u1', message: 'hi', history: [] })
    t.equal(other.status().ai, 'connected')
  })
})

t.test('history from the session reaches the model', async (t) => {
  const { fake, assistant } = await setup(t)
  fake.script.push({ reply: { content: 'Task 1 is "Buy milk".' } })
  await assistant.reply({
    userId: 'u1',
    message: 'what was that task?',
    history: [
      { role: 'user', content: 'add buy milk', timestamp: '2026-03-04T09:00:00.000Z' },
      { role: 'assistant', content: 'Added.', timestamp: '2026-03-04T09:00:01.000Z', tool_calls: [{ tool: 'add_task', arguments: { title: 'Buy milk' }, result: { id: 1 } }] },
    ],
  })
  const { messages } = fake.chatRequests()[0]
  t.same(messages.map((m: any) => m.role), ['system', 'user', 'assistant', 'user'])
  t.match(messages[2].content, /Added\.\n\[tool calls: add_task\(\{"title":"Buy milk"\}\) -> \{"id":1\}\]/)
})
