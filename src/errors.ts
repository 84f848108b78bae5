// One error type for everything the service answers with a 4xx/5xx. The app's error handler turns it
// into the contract's body: {"error": {"code", "message"}, "request_id"}.

export class AppError extends Error {
  readonly statusCode: number
  readonly code: string
  /** Extra response headers, e.g. Retry-After. */
  readonly headers: Record<string, string>
  /** Extra fields for the log line (never sent to the client). */
  readonly detail: Record<string, unknown>

  constructor(statusCode: number, code: string, message: string, headers: Record<string, string> = {}, detail: Record<string, unknown> = {}) {
    super(message)
    this.name = 'AppError'
    this.statusCode = statusCode
    this.code = code
    this.headers = headers
    this.detail = detail
  }
}

export const validationError = (message: string) => new AppError(400, 'VALIDATION_ERROR', message)
export const taskNotFound = (id: number) => new AppError(404, 'TASK_NOT_FOUND', `Task ${id} not found`)
export const sessionNotFound = (id: string) =>
  new AppError(404, 'SESSION_NOT_FOUND', `Session ${id} not found or expired`)

/** Storage unusable (corrupt, unreadable, not writable). 503: the pod is not ready. */
export class StorageError extends AppError {
  constructor(message: string) {
    super(503, 'STORAGE_UNAVAILABLE', message)
    this.name = 'StorageError'
  }
}

/**
 * What a client is told about a 5xx: one fixed sentence per code. The error's own message may carry storage
 * paths, errno or parser text, an upstream's answer or the address of a backend: that goes to the log only,
 * whichever store or backend raised it.
 */
const PUBLIC_5XX_MESSAGES: Record<string, string> = {
  INTERNAL_ERROR: 'Internal server error',
  STORAGE_UNAVAILABLE: 'Storage is temporarily unavailable, retry later',
  OVERLOADED: 'The server is overloaded, retry later',
  AI_UNAVAILABLE: 'The AI backend is unavailable, retry later',
  AI_TIMEOUT: 'The AI backend did not answer in time',
  AI_BAD_RESPONSE: 'The AI backend sent an unusable answer',
  AI_UPSTREAM_ERROR: 'The AI backend failed to answer',
}

export function publicMessage(status: number, code: string, message: string): string {
  if (status < 500) return message
  return PUBLIC_5XX_MESSAGES[code] ?? 'The service could not complete the request'
}
