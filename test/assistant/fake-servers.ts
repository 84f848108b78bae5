// Fake Ollama and OpenAI servers on 127.0.0.1 (port 0) that speak the real wire formats, scripted per test:
// each chat request takes the next step of the script. They record the requests the real clients send.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** What the fake does with one chat request. */
type Step =
  /** A normal answer: text and/or tool calls (Ollama: arguments as objects; OpenAI: as JSON strings). */
  | { reply: { content?: string; tool_calls?: unknown[] }; finish?: string }
  /** An HTTP error with the server's error body. */
  | { status: number; error: unknown; headers?: Record<string, string> }
  /** Any body at all, e.g. malformed JSON. */
  | { raw: string; status?: number; contentType?: string }
  /** Start the answer, then cut the connection. */
  | { truncate: true }
  /** Send headers (and, streaming, a first chunk), then nothing until the client gives up. */
  | { stall: true }
  /** Never answer at all. */
  | { hang: true }

/** One message of a chat request, in the fields both wire formats use (Ollama's `tool_name`, OpenAI's `tool_call_id`). */
interface WireMessage {
  role: string
  content: string
  tool_name?: string
  tool_call_id?: string
  tool_calls?: unknown[]
}

/** A chat request as the real clients send it (the fields the tests read). */
interface ChatRequest {
  model: string
  stream?: boolean
  messages: WireMessage[]
  tools: { type: string; function: { name: string; parameters: unknown } }[]
}

interface Recorded {
  method: string
  url: string
  headers: IncomingMessage['headers']
  /** The parsed JSON body, taken to be a chat request: only chat requests carry one. */
  body: ChatRequest
}

export interface FakeServer {
  url: string
  requests: Recorded[]
  chatRequests: () => ChatRequest[]
  /** Script for the next chat requests. */
  script: Step[]
  close(): Promise<void>
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  let text = ''
  for await (const chunk of req) text += chunk
  try {
    return text ? JSON.parse(text) : undefined
  } catch {
    return text
  }
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers })
  res.end(JSON.stringify(body))
}

async function startServer(handle: (req: IncomingMessage, res: ServerResponse, body: ChatRequest, fake: FakeServer) => void): Promise<FakeServer> {
  const fake: FakeServer = {
    url: '',
    requests: [],
    script: [],
    chatRequests: () => fake.requests.filter((r) => r.url.endsWith('/chat') || r.url.endsWith('/chat/completions')).map((r) => r.body),
    close: async () => {},
  }
  const server: Server = createServer(async (req, res) => {
    const body = (await readBody(req)) as ChatRequest // a fake trusts the real clients' wire format
    fake.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body })
    handle(req, res, body, fake)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  fake.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    })
  return fake
}

function nextStep(fake: FakeServer): Step {
  return fake.script.shift() ?? { status: 500, error: 'the fake server has no more scripted answers' }
}

/** A port nothing listens on (a server that was started and closed). */
export async function deadUrl(): Promise<string> {
  const fake = await startServer(() => {})
  await fake.close()
  return fake.url
}

// -------------------------------------------------------------------------------------------------
// Ollama: /api/chat (NDJSON stream unless "stream": false, as the real server), /api/tags, /api/version

export interface FakeOllamaOptions {
  /** Names /api/tags lists (default: llama3.2:latest). */
  models?: string[]
  version?: string
}

export async function startFakeOllama(opts: FakeOllamaOptions = {}): Promise<FakeServer> {
  const models = opts.models ?? ['llama3.2:latest']
  return startServer((req, res, body, fake) => {
    if (req.method === 'GET' && req.url === '/api/version') return json(res, 200, { version: opts.version ?? '0.12.6' })
    if (req.method === 'GET' && req.url === '/api/tags') {
      return json(res, 200, {
        models: models.map((name) => ({ name, model: name, modified_at: '2026-01-01T00:00:00Z', size: 2019393189, digest: 'a80c4f17acd5', details: { format: 'gguf', family: 'llama', parameter_size: '3.2B', quantization_level: 'Q4_K_M' } })),
      })
    }
    if (req.method !== 'POST' || req.url !== '/api/chat') return json(res, 404, { error: '404 page not found' })

    const model = body?.model
    const created_at = '2026-03-04T10:00:00.000Z'
    const streaming = body?.stream !== false
    const step = nextStep(fake)
    if ('hang' in step) return
    if ('status' in step && 'error' in step) return json(res, step.status, { error: step.error }, step.headers)
    if ('raw' in step) {
      res.writeHead(step.status ?? 200, { 'content-type': step.contentType ?? (streaming ? 'application/x-ndjson' : 'application/json; charset=utf-8') })
      return res.end(step.raw)
    }
    const chunk = (message: object, done = false, extra: object = {}) =>
      JSON.stringify({ model, created_at, message: { role: 'assistant', content: '', ...message }, done, ...extra }) + '\n'
    if ('truncate' in step) {
      res.writeHead(200, { 'content-type': streaming ? 'application/x-ndjson' : 'application/json; charset=utf-8' })
      res.write(streaming ? chunk({ content: 'Sure, ' }) : chunk({ content: 'Sure, I will' }).slice(0, 40))
      return setImmediate(() => res.destroy())
    }
    if ('stall' in step) {
      res.writeHead(200, { 'content-type': streaming ? 'application/x-ndjson' : 'application/json; charset=utf-8' })
      if (streaming) res.write(chunk({ content: 'Let me think' }))
      return // never ends; closeAllConnections() at teardown
    }
    const { content = '', tool_calls } = step.reply
    const final = { done_reason: step.finish ?? 'stop', total_duration: 1_000_000, eval_count: 10 }
    if (!streaming) {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' })
      return res.end(chunk({ content, ...(tool_calls ? { tool_calls } : {}) }, true, final).trimEnd())
    }
    // Streaming as Ollama does it: content in pieces, tool calls in a chunk of their own, then done.
    res.writeHead(200, { 'content-type': 'application/x-ndjson' })
    for (const piece of content.match(/.{1,8}/gs) ?? []) res.write(chunk({ content: piece }))
    if (tool_calls) res.write(chunk({ tool_calls }))
    res.end(chunk({}, true, final))
  })
}

// -------------------------------------------------------------------------------------------------
// OpenAI: POST /v1/chat/completions, GET /v1/models

export async function startFakeOpenAi(opts: { apiKey?: string } = {}): Promise<FakeServer> {
  const apiKey = opts.apiKey ?? 'test-key-not-real'
  let n = 0
  return startServer((req, res, body, fake) => {
    if (req.headers.authorization !== `Bearer ${apiKey}`) {
      return json(res, 401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } })
    }
    if (req.method === 'GET' && req.url === '/v1/models') {
      return json(res, 200, { object: 'list', data: [{ id: 'gpt-4o-mini', object: 'model', created: 1721172741, owned_by: 'system' }] })
    }
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') return json(res, 404, { error: { message: 'Unknown request URL', type: 'invalid_request_error', param: null, code: 'unknown_url' } })

    const step = nextStep(fake)
    if ('hang' in step) return
    if ('status' in step && 'error' in step) return json(res, step.status, { error: step.error }, step.headers)
    if ('raw' in step) {
      res.writeHead(step.status ?? 200, { 'content-type': step.contentType ?? 'application/json' })
      return res.end(step.raw)
    }
    if ('truncate' in step) {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '500' })
      res.write('{"id":"chatcmpl-1","object":"chat.completion","choices":[{"index":0,"mess')
      return setImmediate(() => res.destroy())
    }
    if ('stall' in step) {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.write('{"id":"chatcmpl-1",')
      return
    }
    const { content = null, tool_calls } = step.reply as { content?: string | null; tool_calls?: unknown[] }
    n += 1
    json(res, 200, {
      id: `chatcmpl-${n}`,
      object: 'chat.completion',
      created: 1767225600,
      model: body?.model,
      choices: [{ index: 0, message: { role: 'assistant', content, refusal: null, ...(tool_calls ? { tool_calls } : {}) }, logprobs: null, finish_reason: step.finish ?? (tool_calls ? 'tool_calls' : 'stop') }],
      usage: { prompt_tokens: 100, completion_tokens: 10, total_tokens: 110 },
    }, { 'x-request-id': `req_${n}` })
  })
}
