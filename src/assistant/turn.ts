// The model loop shared by the ollama and openai backends: ask the model, run the tools it calls through
// the tool layer, send the results back, until it answers in text. Bounded in rounds and, for the whole
// turn, by AI_TIMEOUT_SECONDS through one AbortSignal that every model call carries.

import type { Metrics } from '../metrics.ts'
import { AssistantTurnError, aiBadResponse, aiTimeout, type AiOutcome } from './errors.ts'
import { historyMessages, systemPrompt, type PromptMessage } from './prompt.ts'
import { intentOfTool, toolCallRecord, type ToolExecutor, type ToolOutcome } from './tools.ts'
import type { ToolCallRecord, TurnInput, TurnResult } from './types.ts'

/** Model calls that may ask for tools; one more call than this that still asks for tools ends the turn. */
export const MAX_TOOL_ROUNDS = 5
/** Tool calls run per turn at most; further ones are refused (a model stuck in a loop). */
const MAX_TOOL_CALLS = 20

/** Confidence of a model turn (documented in docs/assistant.md). */
const MODEL_CONFIDENCE = { toolSucceeded: 0.9, toolFailed: 0.6, noTool: 0.5 } as const

/** A tool call as a backend decoded it. `argumentsError` set: the arguments could not be decoded. */
export interface ModelToolCall {
  id: string
  name: string
  arguments: unknown
  argumentsError?: string
}

export interface ModelReply<M> {
  /** The assistant message to append to the conversation before the tool results. */
  message: M
  text: string
  toolCalls: ModelToolCall[]
}

/** One backend's wire format: how to start a conversation, call the model, and return tool results. */
export interface ModelAdapter<M> {
  backend: 'ollama' | 'openai'
  conversation(system: string, history: PromptMessage[], user: string): M[]
  /** One model HTTP call. Throws on any failure (classified by `classify`). */
  call(messages: M[], signal: AbortSignal, remainingMs: number): Promise<ModelReply<M>>
  toolResult(call: ModelToolCall, content: string): M
  /** Turn a failure of `call` into the error the user gets. */
  classify(err: unknown): AssistantTurnError
  /** Told the outcome of every call (health status learns from real traffic). */
  observed?(outcome: AiOutcome): void
}

export interface TurnDeps {
  executor: ToolExecutor
  metrics: Metrics
  clock: () => Date
  timeoutSeconds: number
}

export async function runModelTurn<M>(adapter: ModelAdapter<M>, deps: TurnDeps, input: TurnInput): Promise<TurnResult> {
  const { executor, metrics, clock, timeoutSeconds } = deps
  const deadline = Date.now() + timeoutSeconds * 1000
  const signal = AbortSignal.timeout(timeoutSeconds * 1000)
  const messages = adapter.conversation(systemPrompt(clock(), input.timezone), historyMessages(input.history), input.message)
  const records: ToolCallRecord[] = []
  let firstOutcome: ToolOutcome | undefined

  const callModel = async (): Promise<ModelReply<M>> => {
    const end = metrics.aiRequestDuration.startTimer({ backend: adapter.backend })
    let outcome: AiOutcome = 'success'
    try {
      if (signal.aborted) throw signal.reason
      const reply = await adapter.call(messages, signal, Math.max(1, deadline - Date.now()))
      if (reply.toolCalls.length === 0 && !reply.text.trim()) throw aiBadResponse('The model returned an empty reply')
      return reply
    } catch (err) {
      const failure = signal.aborted ? aiTimeout(timeoutSeconds) : err instanceof AssistantTurnError ? err : adapter.classify(err)
      outcome = failure.outcome
      throw failure
    } finally {
      end({ outcome })
      metrics.aiRequestsTotal.inc({ backend: adapter.backend, outcome })
      adapter.observed?.(outcome)
    }
  }

  try {
    for (let round = 0; round <= MAX_TOOL_ROUNDS; round++) {
      const reply = await callModel()
      if (reply.toolCalls.length === 0) {
        const first = records[0]?.tool
        const confidence = !first ? MODEL_CONFIDENCE.noTool : firstOutcome?.ok ? MODEL_CONFIDENCE.toolSucceeded : MODEL_CONFIDENCE.toolFailed
        return { reply: reply.text.trim(), intent: intentOfTool(first), confidence, tool_calls: records }
      }
      if (round === MAX_TOOL_ROUNDS) break
      messages.push(reply.message)
      for (const call of reply.toolCalls) {
        const outcome: ToolOutcome = call.argumentsError
          ? { ok: false, error: { code: 'VALIDATION_ERROR', message: call.argumentsError } }
          : records.length >= MAX_TOOL_CALLS
            ? { ok: false, error: { code: 'TOO_MANY_TOOL_CALLS', message: `At most ${MAX_TOOL_CALLS} tool calls per message` } }
            : await executor.execute(input.userId, call.name, call.arguments)
        firstOutcome ??= outcome
        records.push(toolCallRecord(call.name, call.arguments, outcome))
        messages.push(adapter.toolResult(call, JSON.stringify(outcome.ok ? outcome.result : { error: outcome.error })))
      }
    }
    throw aiBadResponse(`The model kept calling tools after ${MAX_TOOL_ROUNDS} rounds`)
  } catch (err) {
    // Everything that escapes is an AssistantTurnError carrying the calls already made (their changes stay).
    const failure = err instanceof AssistantTurnError ? err : signal.aborted ? aiTimeout(timeoutSeconds) : aiBadResponse('The assistant turn failed')
    failure.toolCalls = records
    throw failure
  }
}
