// One error type for everything the service answers with a 4xx/5xx. The app's error handler turns it
// into the contract's body: {"error": {"code", "message"}, "request_id"}.

export class AppError extends Error {
  readonly statusCode: number
  readonly code: string
  /** Extra response headers, e.g. Retry-After. */
  readonly headers: Record<string, string>

  constructor(statusCode: number, code: string, message: string, headers: Record<string, string> = {}) {
    super(message)
    this.name = 'AppError'
    this.statusCode = statusCode
    this.code = code
    this.headers = headers
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
