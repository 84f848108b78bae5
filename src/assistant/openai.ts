// The `openai` backend: the official client, chat.completions with tools (arguments arrive as JSON strings),
// results as `role: "tool"` messages with tool_call_id. OPENAI_BASE_URL points it at a compatible server.
// The SDK's `timeout` only covers the wait for headers, so every call also carries the turn's AbortSignal;
// retries are cut to one and each attempt gets the time left in the turn.

import { APIConnectionError, APIConnectionTimeoutError, APIError, OpenAI } from 'openai'
import type { ChatCompletion, ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions'
import type { Config } from '../config.ts'
import { ConfigError } from '../config.ts'
import { createRedactor } from '../redact.ts'
import { aiBadResponse, aiUnavailable, aiUpstreamError, isUnreachable, upstreamDetail, type AssistantTurnError } from './errors.ts'
import type { PromptMessage } from './prompt.ts'
import { toolDefinitions } from './tools.ts'
import type { ModelAdapter, ModelReply, ModelToolCall } from './turn.ts'

/** One retry for a transient 408/409/429/5xx; the turn's deadline bounds it anyway. */
export const OPENAI_MAX_RETRIES = 1

const openaiTools: ChatCompletionTool[] = toolDefinitions.map((d) => ({
  type: 'function',
  function: { name: d.name, description: d.description, parameters: d.parameters },
}))

export interface OpenAiOptions {
  config: Pick<Config, 'openaiApiKey' | 'openaiModel' | 'openaiBaseUrl' | 'aiTimeoutSeconds'>
}

export function createOpenAiAdapter(opts: OpenAiOptions): ModelAdapter<ChatCompletionMessageParam> & { probe(signal: AbortSignal): Promise<void> } {
  const { openaiApiKey, openaiModel: model, openaiBaseUrl, aiTimeoutSeconds } = opts.config
  if (!openaiApiKey) throw new ConfigError('Invalid OPENAI_API_KEY (unset): required when AI_BACKEND=openai')
  const client = new OpenAI({
    apiKey: openaiApiKey,
    baseURL: openaiBaseUrl,
    maxRetries: OPENAI_MAX_RETRIES,
    timeout: aiTimeoutSeconds * 1000,
    logLevel: 'off', // failures are logged by the session routes, without the SDK's request dumps
  })
  // Log text only (clients get a fixed message per error code).
  const where = openaiBaseUrl ?? 'the OpenAI API'
  const redact = createRedactor([openaiApiKey])

  function decode(completion: ChatCompletion): ModelReply<ChatCompletionMessageParam> {
    const choice = (completion as Partial<ChatCompletion> | null)?.choices?.[0]
    const message = choice?.message
    if (!choice || !message || typeof message !== 'object') throw aiBadResponse(`${where} sent a response without choices`)
    if (choice.finish_reason === 'length') throw aiBadResponse('The model reply was truncated (finish_reason: length)')
    if (choice.finish_reason === 'content_filter') throw aiBadResponse('The model reply was withheld by the content filter')
    const raw = message.tool_calls ?? []
    if (!Array.isArray(raw)) throw aiBadResponse(`${where} sent tool_calls that are not a list`)
    const toolCalls: ModelToolCall[] = raw.map((call) => {
      if (typeof call?.id !== 'string') throw aiBadResponse(`${where} sent a tool call without an id`)
      if (call.type !== 'function') {
        return { id: call.id, name: String((call as { custom?: { name?: string } }).custom?.name ?? call.type), arguments: undefined, argumentsError: `Only function tools exist here, not "${String(call.type)}" tools` }
      }
      try {
        return { id: call.id, name: call.function.name, arguments: JSON.parse(call.function.arguments) as unknown }
      } catch {
        return { id: call.id, name: call.function.name, arguments: call.function.arguments, argumentsError: 'arguments are not valid JSON' }
      }
    })
    const text = typeof message.content === 'string' ? message.content : ''
    return { message: { role: 'assistant', content: message.content ?? null, ...(raw.length ? { tool_calls: raw } : {}) }, text, toolCalls }
  }

  return {
    backend: 'openai',

    conversation(system: string, history: PromptMessage[], user: string): ChatCompletionMessageParam[] {
      return [{ role: 'system', content: system }, ...history, { role: 'user', content: user }]
    },

    async call(messages, signal, remainingMs) {
      const completion = await client.chat.completions.create({ model, messages, tools: openaiTools }, { signal, timeout: remainingMs })
      return decode(completion)
    },

    toolResult(call, content): ChatCompletionMessageParam {
      return { role: 'tool', tool_call_id: call.id, content }
    },

    classify(err): AssistantTurnError {
      if (err instanceof APIConnectionTimeoutError) return aiUnavailable(`${where} did not answer in time`)
      if (err instanceof APIConnectionError || isUnreachable(err)) return aiUnavailable(`${where} is unreachable`)
      if (err instanceof APIError && typeof err.status === 'number') {
        // The SDK's message repeats the upstream body, which may echo our credentials: only status and body,
        // redacted and truncated, reach the log.
        const detail = upstreamDetail(err.status, err.error, redact)
        if (err.status === 429) {
          const retryAfter = err.headers?.get('retry-after')
          const seconds: Record<string, string> = retryAfter && /^\d{1,5}$/.test(retryAfter) ? { 'Retry-After': retryAfter } : {}
          return aiUnavailable(`${where} is rate limiting requests`, seconds, detail)
        }
        if (err.status === 503) return aiUnavailable(`${where} is unavailable`, {}, detail)
        return aiUpstreamError(`${where} answered HTTP ${err.status}`, detail)
      }
      return aiBadResponse(`${where} sent a response that could not be read`, upstreamDetail(undefined, err instanceof Error ? err.message : String(err), redact))
    },

    /** A cheap authenticated call: list the models. */
    async probe(signal) {
      await client.models.list({ signal, maxRetries: 0 })
    },
  }
}
