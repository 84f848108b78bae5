// The assistant's contract: what the session routes call and what the app shows in /health.

import type { FastifyBaseLogger } from 'fastify'
import type { AiBackend, Config } from '../config.ts'
import type { Metrics } from '../metrics.ts'
import type { ChatMessage, Store } from '../store/types.ts'

/** What a chat turn was about, for logs and metrics (docs/contracts.md, "Service"). */
export type Intent = 'AddTask' | 'ListTasks' | 'CompleteTask' | 'DeleteTask' | 'UpdateTask' | 'Help' | 'Unknown'

export type ToolName = 'add_task' | 'list_tasks' | 'complete_task' | 'delete_task' | 'update_task'

/** One tool call as the user sees it in the reply and in the session history. */
export interface ToolCallRecord {
  tool: string
  arguments: unknown
  /** The tool's result, or `{error: {code, message}}` when the call was refused or failed. */
  result: unknown
}

export interface TurnInput {
  userId: string
  message: string
  /** The session's recent messages, oldest first (not including `message`). */
  history: readonly ChatMessage[]
  sessionId?: string
  /** The user's IANA time zone (the session's), for "today" and "friday"; UTC when unknown. */
  timezone?: string
}

export interface TurnResult {
  reply: string
  intent: Intent
  /** 0..1: how sure the backend is that it understood the message. */
  confidence: number
  tool_calls: ToolCallRecord[]
}

export interface AssistantStatus {
  ai: 'connected' | 'degraded'
  openai: 'connected' | 'degraded' | 'not_configured'
}

export interface Assistant {
  backend: AiBackend
  /** Answer one user message. A backend failure rejects with an AssistantTurnError (an AppError). */
  reply(input: TurnInput): Promise<TurnResult>
  /** Cached, never blocks, never throws. */
  status(): AssistantStatus
  /** Begin background reachability probing (no-op for rules). */
  start(): void
  stop(): Promise<void>
}

export interface AssistantDeps {
  config: Config
  store: Store
  metrics: Metrics
  clock: () => Date
  logger: FastifyBaseLogger
}
