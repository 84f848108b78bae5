// Failures of an assistant turn. They are AppErrors, so the app's error handler renders them; they also
// carry the tool calls the turn made before it failed, so the session history can report them.

import { AppError } from '../errors.ts'
import type { ToolCallRecord } from './types.ts'

/** Metric outcome label of a model call (todo_app_ai_requests_total{outcome}). */
export type AiOutcome = 'success' | 'error' | 'timeout' | 'bad_response' | 'unavailable'

export class AssistantTurnError extends AppError {
  readonly outcome: AiOutcome
  /** Tool calls already executed in this turn (their task changes stay). */
  toolCalls: ToolCallRecord[] = []

  constructor(statusCode: 502 | 503, code: string, message: string, outcome: AiOutcome, headers: Record<string, string> = {}) {
    super(statusCode, code, message, headers)
    this.name = 'AssistantTurnError'
    this.outcome = outcome
  }
}

export const aiUnavailable = (message: string, headers?: Record<string, string>) =>
  new AssistantTurnError(503, 'AI_UNAVAILABLE', message, 'unavailable', headers)
export const aiTimeout = (seconds: number) =>
  new AssistantTurnError(503, 'AI_TIMEOUT', `The AI backend did not answer within ${seconds} s`, 'timeout')
export const aiBadResponse = (message: string) => new AssistantTurnError(502, 'AI_BAD_RESPONSE', message, 'bad_response')
export const aiUpstreamError = (message: string) => new AssistantTurnError(502, 'AI_UPSTREAM_ERROR', message, 'error')

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'UND_ERR_CONNECT_TIMEOUT'])

/** A fetch that never got a response: nothing listening, DNS failure, connection reset before headers. */
export function isUnreachable(err: unknown): boolean {
  const e = err as { message?: string; code?: string; cause?: { code?: string } } | null
  if (!e) return false
  if (err instanceof TypeError && e.message === 'fetch failed') return true
  return UNREACHABLE_CODES.has(e.code ?? e.cause?.code ?? '')
}
