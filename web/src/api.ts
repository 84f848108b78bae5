// The service's JSON API (README "API"), same origin. Every failure becomes an ApiError with the
// contract's code and message; a 401 on an authenticated call means the token expired or was revoked.

// The wire types are the service's own (type-only imports: nothing of src/ reaches the bundle).
import type { Priority, Task } from '../../src/store/types.ts'
import type { TaskFilter } from '../../src/tasks/schemas.ts'

export type { Priority, Task }
export type StatusFilter = NonNullable<TaskFilter['status']>

export interface ChatMessage {
  role: 'user' | 'assistant'
  content: string
}

export interface Reply {
  reply: string
  tool_calls: { name: string }[]
}

export class ApiError extends Error {
  readonly status: number
  readonly code: string
  constructor(status: number, code: string, message: string) {
    super(message)
    this.status = status
    this.code = code
  }
}

const NETWORK_ERROR = 'NETWORK_ERROR'

async function call<T>(method: string, path: string, token: string | null, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {}
  if (token) headers.authorization = `Bearer ${token}`
  if (body !== undefined) headers['content-type'] = 'application/json'
  let res: Response
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
  } catch {
    throw new ApiError(0, NETWORK_ERROR, 'The service cannot be reached. Check the connection and try again.')
  }
  if (res.status === 204) return undefined as T
  const data: unknown = await res.json().catch(() => null)
  if (!res.ok) {
    const error = (data as { error?: { code?: unknown; message?: unknown } } | null)?.error
    const code = typeof error?.code === 'string' ? error.code : 'HTTP_ERROR'
    const message = typeof error?.message === 'string' ? error.message : `The service answered ${res.status}.`
    throw new ApiError(res.status, code, message)
  }
  return data as T
}

function browserTimeZone(): { timezone?: string } {
  const timezone = Intl.DateTimeFormat().resolvedOptions().timeZone
  return timezone ? { timezone } : {}
}

export interface Credentials {
  email: string
  password: string
}

export const signUp = (c: Credentials) => call<{ user_id: string; token: string }>('POST', '/auth/signup', null, c)
export const logIn = (c: Credentials) => call<{ user_id: string; token: string }>('POST', '/auth/login', null, c)

/** The calls that need a token. */
export function authedApi(token: string) {
  return {
    listTasks: (status: StatusFilter) => call<{ tasks: Task[] }>('GET', `/tasks?status=${status}`, token).then((r) => r.tasks),
    setCompleted: (id: number, completed: boolean) => call<Task>('PATCH', `/tasks/${id}`, token, { completed }),
    // The browser's time zone, so that "today" and "friday" mean the user's days, not the server's.
    createSession: () => call<{ session_id: string }>('POST', '/sessions', token, browserTimeZone()).then((r) => r.session_id),
    history: (sessionId: string) =>
      call<{ messages: ChatMessage[] }>('GET', `/sessions/${encodeURIComponent(sessionId)}/messages`, token).then((r) => r.messages),
    send: (sessionId: string, message: string) =>
      call<Reply>('POST', `/sessions/${encodeURIComponent(sessionId)}/messages`, token, { message }),
  }
}
export type AuthedApi = ReturnType<typeof authedApi>
