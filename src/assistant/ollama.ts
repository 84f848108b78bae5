// The `ollama` backend: the official client against OLLAMA_ENDPOINT, tools in Ollama's format (arguments
// arrive as objects), tool results as `role: "tool"` messages. The client has no timeout and its abort()
// does not cancel a non-streamed request, so every call gets a fetch bound to the turn's AbortSignal.

import { Ollama, type ChatResponse, type Message, type Tool, type ToolCall } from 'ollama'
import type { Config } from '../config.ts'
import { aiBadResponse, aiUnavailable, aiUpstreamError, isUnreachable, upstreamDetail, type AssistantTurnError } from './errors.ts'
import type { PromptMessage } from './prompt.ts'
import { toolDefinitions } from './tools.ts'
import type { ModelAdapter, ModelReply, ModelToolCall } from './turn.ts'

const ollamaTools: Tool[] = toolDefinitions.map((d) => ({
  type: 'function',
  function: { name: d.name, description: d.description, parameters: d.parameters as Tool['function']['parameters'] },
}))

/** Ollama lists pulled models with their tag; an untagged name means `:latest`. */
export const withTag = (model: string) => (model.includes(':') ? model : `${model}:latest`)

/** A client whose every request also ends when `signal` aborts. */
function clientFor(host: string, signal?: AbortSignal): Ollama {
  if (!signal) return new Ollama({ host })
  return new Ollama({
    host,
    fetch: (url, init) => fetch(url, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal }),
  })
}

function decodeToolCalls(calls: unknown): ModelToolCall[] {
  if (calls === undefined || calls === null) return []
  if (!Array.isArray(calls)) throw aiBadResponse('Ollama sent tool_calls that are not a list')
  return calls.map((c: Partial<ToolCall> & { id?: unknown }, i) => {
    const name = c?.function?.name
    if (typeof name !== 'string') throw aiBadResponse('Ollama sent a tool call without a function name')
    return { id: typeof c.id === 'string' ? c.id : `call_${i}`, name, arguments: c.function?.arguments }
  })
}

export interface OllamaOptions {
  config: Pick<Config, 'ollamaEndpoint' | 'ollamaModel'>
  /** Ask for NDJSON streaming (default) or one JSON response. The turn needs the whole reply either way;
   * streaming makes a cut-off answer explicit (no final `done: true`). */
  stream?: boolean
}

export function createOllamaAdapter(opts: OllamaOptions): ModelAdapter<Message> & { probe(signal: AbortSignal): Promise<void> } {
  const host = opts.config.ollamaEndpoint
  const model = opts.config.ollamaModel
  const stream = opts.stream ?? true

  async function chat(messages: Message[], signal: AbortSignal): Promise<{ last: ChatResponse; content: string; toolCalls: unknown[] }> {
    const ollama = clientFor(host, signal)
    if (!stream) {
      const last = await ollama.chat({ model, messages, tools: ollamaTools, stream: false })
      const message = (last as Partial<ChatResponse> | null)?.message
      if (!message || typeof message !== 'object') throw aiBadResponse('Ollama sent a response without a message')
      return { last, content: message.content ?? '', toolCalls: message.tool_calls ?? [] }
    }
    let content = ''
    const toolCalls: unknown[] = []
    let last: ChatResponse | undefined
    for await (const part of await ollama.chat({ model, messages, tools: ollamaTools, stream: true })) {
      content += part.message?.content ?? ''
      const calls = part.message?.tool_calls
      if (calls !== undefined) toolCalls.push(...(Array.isArray(calls) ? calls : [calls]))
      last = part
    }
    if (!last) throw aiBadResponse('Ollama sent an empty stream')
    return { last, content, toolCalls }
  }

  return {
    backend: 'ollama',

    conversation(system: string, history: PromptMessage[], user: string): Message[] {
      return [{ role: 'system', content: system }, ...history, { role: 'user', content: user }]
    },

    async call(messages, signal): Promise<ModelReply<Message>> {
      const { last, content, toolCalls: raw } = await chat(messages, signal)
      if (last.done !== true) throw aiBadResponse('The Ollama response was cut off (no done: true)')
      if (last.done_reason === 'length') throw aiBadResponse('The model reply was truncated (done_reason: length)')
      if (typeof content !== 'string') throw aiBadResponse('Ollama sent a message whose content is not text')
      const toolCalls = decodeToolCalls(raw)
      const message: Message = { role: 'assistant', content, ...(toolCalls.length ? { tool_calls: raw as ToolCall[] } : {}) }
      return { message, text: content, toolCalls }
    },

    toolResult(call, content): Message {
      return { role: 'tool', content, tool_name: call.name }
    },

    classify(err): AssistantTurnError {
      // Messages and details are for the log (clients get a fixed message per code); bodies are redacted and cut.
      const e = err as { name?: string; status_code?: number; error?: string; message?: string }
      if (e?.name === 'ResponseError' && typeof e.status_code === 'number') {
        const body = e.error ?? e.message ?? ''
        const detail = upstreamDetail(e.status_code, body)
        if (e.status_code === 404 && /not found/i.test(body)) {
          return aiUnavailable(`Ollama model "${model}" is not available (run \`ollama pull ${model}\` on the Ollama server)`, {}, detail)
        }
        if (e.status_code === 429 || e.status_code === 503) return aiUnavailable(`Ollama is busy (HTTP ${e.status_code})`, {}, detail)
        return aiUpstreamError(`Ollama answered HTTP ${e.status_code}`, detail)
      }
      if (isUnreachable(err)) return aiUnavailable(`Ollama at ${host} is unreachable`)
      return aiBadResponse('Ollama sent a response that could not be read', upstreamDetail(undefined, e?.message ?? String(err)))
    },

    /** Reachable (/api/version) and OLLAMA_MODEL pulled (/api/tags). */
    async probe(signal) {
      const ollama = clientFor(host, signal)
      await ollama.version()
      const { models } = await ollama.list()
      const wanted = withTag(model)
      if (!models.some((m) => m.name === wanted || m.model === wanted)) {
        throw new Error(`model ${wanted} is not pulled on ${host} (run \`ollama pull ${model}\`)`)
      }
    },
  }
}
