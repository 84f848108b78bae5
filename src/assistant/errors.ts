// Failures of an assistant turn. They are AppErrors, so the app's error handler renders them; they also
// carry the tool calls the turn made before it failed, so the session history can report them.

import { AppError } from '../errors.ts'
import { redactCredentials, truncate } from '../redact.ts'
import type { ToolCallRecord } from './types.ts'

/** Metric outcome label of a model call (todo_app_ai_requests_total{outcome}). */
export type AiOutcome = 'success' | 'error' | 'timeout' | 'bad_response' | 'unavailable'

export class AssistantTurnError extends AppError {
  readonly outcome: AiOutcome
  /** Tool calls already executed in this turn (their task changes stay). */
  toolCalls: ToolCallRecord[] = []

  /** `message` and `detail` are for the log only: clients and the session history get a fixed text per code. */
  constructor(statusCode: 502 | 503, code: string, message: string, outcome: AiOutcome, headers: Record<string, string> = {}, detail: UpstreamDetail = {}) {
    super(statusCode, code, message, headers, { ...detail })
    this.name = 'AssistantTurnError'
    this.outcome = outcome
  }
}

/** What the log learns about an upstream failure: its HTTP status and its body, redacted and truncated. */
export interface UpstreamDetail {
  upstream_status?: number
  upstream_body?: string
}

/** Longest upstream body kept in a log line. */
export const UPSTREAM_BODY_MAX = 300

/** An upstream's answer made fit for a log line: credentials (known and credential-shaped) removed, then cut. */
export function upstreamDetail(status: number | undefined, body: unknown, redact: (text: string) => string = redactCredentials): UpstreamDetail {
  const text = body === undefined || body === null ? '' : typeof body === 'string' ? body : safeJson(body)
  return { ...(status !== undefined ? { upstream_status: status } : {}), ...(text ? { upstream_body: truncate(redact(text), UPSTREAM_BODY_MAX) } : {}) }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value)
  } catch {
    return String(value)
  }
}

export const aiUnavailable = (message: string, headers?: Record<string, string>, detail?: UpstreamDetail) =>
  new AssistantTurnError(503, 'AI_UNAVAILABLE', message, 'unavailable', headers, detail)
export const aiTimeout = (seconds: number) =>
  new AssistantTurnError(503, 'AI_TIMEOUT', `The AI backend did not answer within ${seconds} s`, 'timeout')
export const aiBadResponse = (message: string, detail?: UpstreamDetail) => new AssistantTurnError(502, 'AI_BAD_RESPONSE', message, 'bad_response', {}, detail)
export const aiUpstreamError = (message: string, detail?: UpstreamDetail) => new AssistantTurnError(502, 'AI_UPSTREAM_ERROR', message, 'error', {}, detail)

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'UND_ERR_CONNECT_TIMEOUT'])

/** A fetch that never got a response: nothing listening, DNS failure, connection reset before headers. */
export function isUnreachable(err: unknown): boolean {
  const e = err as { message?: string; code?: string; cause?: { code?: string } } | null
  if (!e) return false
  if (err instanceof TypeError && e.message === 'fetch failed') return true
  return UNREACHABLE_CODES.has(e.code ?? e.cause?.code ?? '')
}
