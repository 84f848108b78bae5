// The openai backend: the real `openai` client against a fake OpenAI-compatible server on 127.0.0.1
// (OPENAI_BASE_URL), speaking /v1/chat/completions with tool_calls and finish_reason "tool_calls", error
// bodies, 429 with retry-after, and /v1/models for the health probe.

import t from 'tap'
import { createAssistant } from '../../src/assistant/index.ts'
import { AssistantTurnError } from '../../src/assistant/errors.ts'
import { MAX_TOOL_ROUNDS } from '../../src/assistant/turn.ts'
import { ConfigError } from '../../src/config.ts'
import { createMetrics } from '../../src/metrics.ts'
import { createTask } from '../../src/tasks/tasks.ts'
import { storeWithUser } from '../helpers/memory-store.ts'
import { deadUrl, startFakeOpenAi } from './fake-servers.ts'
import { manualClock, silentLogger, testConfig } from './helpers.ts'

const KEY = 'test-key-not-real'

async function setup(t: { teardown(fn: () => unknown): void }, opts: { timeout?: number; baseUrl?: string; key?: string } = {}) {
  const fake = await startFakeOpenAi({ apiKey: KEY })
  t.teardown(() => fake.close())
  const store = storeWithUser('u1')
  const metrics = createMetrics()
  const config = testConfig({ aiBackend: 'openai', openaiApiKey: opts.key ?? KEY, openaiBaseUrl: opts.baseUrl ?? `${fake.url}/v1`, openaiModel: 'gpt-4o-mini', aiTimeoutSeconds: opts.timeout ?? 5 })
  const assistant = await createAssistant({ config, store, metrics, clock: manualClock(), logger: silentLogger })
  t.teardown(() => assistant.stop())
  const say = (message: string) => assistant.reply({ userId: 'u1', message, history: [] })
  return { fake, store, metrics, assistant, say }
}

let callId = 0
const toolCall = (name: string, args: unknown) => ({ id: `call_${++callId}`, type: 'function', function: { name, arguments: typeof args === 'string' ? args : JSON.stringify(args) } })

async function failure(p: Promise<unknown>): Promise<AssistantTurnError> {
  try {
    await p
  } catch (err) {
    if (err instanceof AssistantTurnError) return err
    throw err
  }
  throw new Error('the turn did not fail')
}

t.test('AI_BACKEND=openai without a key is a configuration error', async (t) => {
  const config = testConfig({ aiBackend: 'openai', openaiApiKey: undefined })
  await t.rejects(createAssistant({ config, store: storeWithUser(), metrics: createMetrics(), clock: () => new Date(), logger: silentLogger }), ConfigError)
})

t.test('"add buy milk tomorrow" -> add_task -> the task exists -> the model\'s reply', async (t) => {
  const { fake, store, say } = await setup(t)
  const call = toolCall('add_task', { title: 'Buy milk', due_date: '2026-03-05' })
  fake.script.push({ reply: { tool_calls: [call] } }, { reply: { content: 'Added "Buy milk" for tomorrow.' } })
  const result = await say('add buy milk tomorrow')
  t.match(result, { reply: 'Added "Buy milk" for tomorrow.', intent: 'AddTask', confidence: 0.9 })
  t.match(result.tool_calls, [{ tool: 'add_task', arguments: { title: 'Buy milk', due_date: '2026-03-05' }, result: { id: 1 } }])
  t.match(store.doc.tasks.u1, [{ id: 1, title: 'Buy milk', due_date: '2026-03-05' }])

  const chats = fake.requests.filter((r) => r.url === '/v1/chat/completions')
  t.equal(chats[0].headers.authorization, `Bearer ${KEY}`)
  const [first, second] = chats.map((r) => r.body)
  t.equal(first.model, 'gpt-4o-mini')
  t.match(first.tools[4], { type: 'function', function: { name: 'update_task', parameters: { required: ['task_id'] } } })
  t.match(first.messages[0], { role: 'system', content: /2026-03-04/ })
  t.match(second.messages.at(-2), { role: 'assistant', tool_calls: [{ id: call.id, type: 'function', function: { name: 'add_task' } }] })
  t.match(second.messages.at(-1), { role: 'tool', tool_call_id: call.id })
  t.match(JSON.parse(second.messages.at(-1).content), { id: 1, title: 'Buy milk' })
})

t.test('two rounds: list, then complete the one named', async (t) => {
  const { fake, store, say } = await setup(t)
  await createTask(store, 'u1', { title: 'Buy milk' })
  await createTask(store, 'u1', { title: 'Call mom' })
  fake.script.push(
    { reply: { tool_calls: [toolCall('list_tasks', { status: 'pending' })] } },
    { reply: { tool_calls: [toolCall('complete_task', { task_id: 1 })] } },
    { reply: { content: 'Marked "Buy milk" as done.' } },
  )
  const result = await say('I bought the milk')
  t.same(result.tool_calls.map((c) => c.tool), ['list_tasks', 'complete_task'])
  t.equal(result.intent, 'ListTasks')
  t.equal(store.doc.tasks.u1[0].completed, true)
  t.equal(store.doc.tasks.u1[1].completed, false)
})

t.test('bad arguments, non-JSON arguments, non-function and unknown tools go back to the model', async (t) => {
  const { fake, store, say } = await setup(t)
  const calls = [
    toolCall('add_task', { title: 'x', due_date: 'tomorrow' }),
    toolCall('add_task', '{"title": "Buy milk"'),
    { id: 'call_custom', type: 'custom', custom: { name: 'shell', input: 'rm -rf /' } },
    toolCall('send_email', { to: 'someone' }),
  ]
  fake.script.push({ reply: { tool_calls: calls } }, { reply: { tool_calls: [toolCall('add_task', { title: 'Buy milk' })] } }, { reply: { content: 'Added.' } })
  const result = await say('add buy milk')
  t.match(result.tool_calls, [
    { tool: 'add_task', result: { error: { code: 'VALIDATION_ERROR', message: /due_date/ } } },
    { tool: 'add_task', arguments: '{"title": "Buy milk"', result: { error: { code: 'VALIDATION_ERROR', message: /not valid JSON/ } } },
    { tool: 'shell', result: { error: { code: 'VALIDATION_ERROR', message: /function tools/ } } },
    { tool: 'send_email', result: { error: { code: 'UNKNOWN_TOOL' } } },
    { tool: 'add_task', result: { id: 1 } },
  ])
  t.equal(store.doc.tasks.u1.length, 1)
  const toolMessages = fake.chatRequests()[1].messages.filter((m: any) => m.role === 'tool')
  t.same(toolMessages.map((m: any) => m.tool_call_id), calls.map((c) => c.id), 'every tool call is answered by its id')
})

t.test('failures end the turn with 502/503 and keep the changes already made', async (t) => {
  const cases: { name: string; steps: object[]; status: number; code: string; message?: RegExp; outcome: string; headers?: object }[] = [
    { name: 'HTTP 500 with an error body', steps: [{ status: 500, error: { message: 'The server had an error', type: 'server_error', param: null, code: null } }, { status: 500, error: { message: 'The server had an error', type: 'server_error', param: null, code: null } }], status: 502, code: 'AI_UPSTREAM_ERROR', message: /HTTP 500/, outcome: 'error' },
    { name: 'HTTP 400', steps: [{ status: 400, error: { message: "Invalid schema for function 'add_task'", type: 'invalid_request_error', param: 'tools[0]', code: null } }], status: 502, code: 'AI_UPSTREAM_ERROR', message: /Invalid schema/, outcome: 'error' },
    { name: 'HTTP 404 unknown model', steps: [{ status: 404, error: { message: 'The model `gpt-9` does not exist', type: 'invalid_request_error', param: null, code: 'model_not_found' } }], status: 502, code: 'AI_UPSTREAM_ERROR', outcome: 'error' },
    { name: '429 twice (retried once)', steps: [0, 1].map(() => ({ status: 429, error: { message: 'Rate limit reached', type: 'requests', param: null, code: 'rate_limit_exceeded' }, headers: { 'retry-after': '0' } })), status: 503, code: 'AI_UNAVAILABLE', message: /rate limiting/, outcome: 'unavailable', headers: { 'Retry-After': '0' } },
    { name: 'malformed JSON', steps: [{ raw: '{"id": "chatcmpl-1", "choices": [' }], status: 502, code: 'AI_BAD_RESPONSE', outcome: 'bad_response' },
    { name: 'not JSON at all', steps: [{ raw: '<html>Bad gateway</html>', contentType: 'text/html' }], status: 502, code: 'AI_BAD_RESPONSE', outcome: 'bad_response' },
    { name: 'no choices', steps: [{ raw: '{"id":"chatcmpl-1","object":"chat.completion","choices":[]}' }], status: 502, code: 'AI_BAD_RESPONSE', message: /without choices/, outcome: 'bad_response' },
    { name: 'truncated body', steps: [{ truncate: true }], status: 502, code: 'AI_BAD_RESPONSE', outcome: 'bad_response' },
    { name: 'finish_reason length', steps: [{ reply: { content: 'I will' }, finish: 'length' }], status: 502, code: 'AI_BAD_RESPONSE', message: /truncated/, outcome: 'bad_response' },
  ]
  for (const c of cases) {
    await t.test(c.name, async (t) => {
      const { fake, metrics, say } = await setup(t)
      fake.script.push(...(c.steps as never[]))
      const err = await failure(say('add buy milk'))
      t.equal(err.statusCode, c.status)
      t.equal(err.code, c.code)
      if (c.message) t.match(`${err.message} ${JSON.stringify(err.detail)}`, c.message, "the log text (message and upstream detail)")
      if (c.headers) t.same(err.headers, c.headers)
      t.match(await metrics.registry.getSingleMetricAsString('todo_app_ai_requests_total'), new RegExp(`backend="openai",outcome="${c.outcome}"} 1`))
    })
  }

  await t.test('429 with retry-after, then success: the client retries inside the turn', async (t) => {
    const { fake, say } = await setup(t)
    fake.script.push({ status: 429, error: { message: 'Rate limit reached', type: 'requests', param: null, code: 'rate_limit_exceeded' }, headers: { 'retry-after': '0' } }, { reply: { content: 'Hello!' } })
    t.match(await say('hi'), { reply: 'Hello!' })
    t.equal(fake.chatRequests().length, 2)
  })

  await t.test('a wrong key is an upstream error', async (t) => {
    const { say } = await setup(t, { key: 'test-key-wrong' })
    t.match(await failure(say('hi')), { statusCode: 502, code: 'AI_UPSTREAM_ERROR', message: /401/ })
  })

  await t.test('unreachable', async (t) => {
    const { say } = await setup(t, { baseUrl: `${await deadUrl()}/v1` })
    t.match(await failure(say('hi')), { statusCode: 503, code: 'AI_UNAVAILABLE', message: /unreachable/ })
  })

  await t.test('a failure after a tool ran keeps the task and reports the call', async (t) => {
    const { fake, store, say } = await setup(t)
    fake.script.push({ reply: { tool_calls: [toolCall('add_task', { title: 'Buy milk' })] } }, { raw: 'not json' })
    const err = await failure(say('add buy milk'))
    t.equal(err.code, 'AI_BAD_RESPONSE')
    t.match(err.toolCalls, [{ tool: 'add_task', result: { id: 1 } }])
    t.equal(store.doc.tasks.u1.length, 1)
  })

  await t.test('an endless tool loop ends after MAX_TOOL_ROUNDS', async (t) => {
    const { fake, say } = await setup(t)
    for (let i = 0; i <= MAX_TOOL_ROUNDS; i++) fake.script.push({ reply: { tool_calls: [toolCall('list_tasks', {})] } })
    const err = await failure(say("what's pending"))
    t.match(err, { statusCode: 502, code: 'AI_BAD_RESPONSE', message: /kept calling tools/ })
    t.equal(err.toolCalls.length, MAX_TOOL_ROUNDS)
  })

  for (const [name, step] of [['no answer at all', { hang: true }], ['headers, then a stalled body', { stall: true }]] as const) {
    await t.test(`slower than AI_TIMEOUT_SECONDS: ${name}`, async (t) => {
      const { fake, say, metrics } = await setup(t, { timeout: 0.3 })
      fake.script.push(step)
      t.match(await failure(say('hi')), { statusCode: 503, code: 'AI_TIMEOUT' })
      t.equal(fake.chatRequests().length, 1, 'no retry past the deadline')
      t.match(await metrics.registry.getSingleMetricAsString('todo_app_ai_requests_total'), /outcome="timeout"} 1/)
    })
  }
})

t.test('health: an authenticated /v1/models call, cached', async (t) => {
  const { assistant, fake } = await setup(t)
  t.same(assistant.status(), { ai: 'degraded', openai: 'degraded' })
  assistant.start()
  await assistant.stop()
  t.same(assistant.status(), { ai: 'connected', openai: 'connected' })
  t.match(fake.requests, [{ method: 'GET', url: '/v1/models', headers: { authorization: `Bearer ${KEY}` } }])

  const { assistant: wrongKey } = await setup(t, { key: 'test-key-wrong' })
  wrongKey.start()
  await wrongKey.stop()
  t.same(wrongKey.status(), { ai: 'degraded', openai: 'degraded' })
})
