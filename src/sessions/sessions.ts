// Chat sessions, kept in the store so any replica can serve any session and a restart loses nothing.
// A session expires SESSION_TIMEOUT_MINUTES after its last message; an expired session answers 404 exactly
// like an unknown one (or another user's), and is removed from the document when a session is created or
// deleted.

import { randomUUID } from 'node:crypto'
import { sessionNotFound } from '../errors.ts'
import type { ChatMessage, SessionRecord, Store, StoreDocument } from '../store/types.ts'

/**
 * A session as this module keeps it: the store's record plus the user's IANA time zone, optional (a session
 * created before time zones existed, or without one, is UTC). Stored inside the session record.
 */
export type ChatSession = SessionRecord & { timezone?: string }

/** Messages kept per session (the newest); older ones are dropped, message_count keeps the total. */
export const MAX_HISTORY = 50

export interface SessionsOptions {
  store: Store
  timeoutMinutes: number
  clock: () => Date
}

export function expiresAt(session: Pick<SessionRecord, 'last_activity'>, timeoutMinutes: number): Date {
  return new Date(Date.parse(session.last_activity) + timeoutMinutes * 60_000)
}

export function isExpired(session: Pick<SessionRecord, 'last_activity'>, now: Date, timeoutMinutes: number): boolean {
  return expiresAt(session, timeoutMinutes).getTime() <= now.getTime()
}

/** Sessions not yet expired, all users (todo_app_sessions_active is computed from this at scrape time). */
export function countActiveSessions(doc: Readonly<StoreDocument>, now: Date, timeoutMinutes: number): number {
  let count = 0
  for (const s of Object.values(doc.sessions)) if (!isExpired(s, now, timeoutMinutes)) count += 1
  return count
}

const copy = (s: SessionRecord): SessionRecord => structuredClone(s)

type ToolCall = NonNullable<ChatMessage['tool_calls']>[number]

/** A task as history keeps it: enough to name it ("task 3, buy milk, done"); the task itself is in the store. */
function taskRef(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || !('id' in value) || !('title' in value)) return value
  const task = value as { id: unknown; title: unknown; completed?: unknown }
  return { id: task.id, title: task.title, completed: task.completed }
}

/**
 * What history keeps of a tool call: its arguments, and its result with every task cut down to a reference.
 * Full tasks in every listed turn would make each session, and so the one shared document that every write
 * rewrites, grow with every "what's pending".
 */
export function historyToolCall(call: ToolCall): ToolCall {
  const result = call.result as { tasks?: unknown } | null
  if (result && typeof result === 'object' && Array.isArray(result.tasks)) {
    return { ...call, result: { ...result, tasks: result.tasks.map(taskRef) } }
  }
  return { ...call, result: taskRef(call.result) }
}

function forHistory(message: ChatMessage): ChatMessage {
  return message.tool_calls ? { ...message, tool_calls: message.tool_calls.map(historyToolCall) } : message
}

export function createSessions(opts: SessionsOptions) {
  const { store, timeoutMinutes, clock } = opts

  /** The session if it exists, belongs to `userId` and has not expired at `at`; else 404. */
  function live(doc: Readonly<StoreDocument>, userId: string, id: string, at: Date): SessionRecord {
    const session = Object.hasOwn(doc.sessions, id) ? doc.sessions[id] : undefined
    if (!session || session.user_id !== userId || isExpired(session, at, timeoutMinutes)) throw sessionNotFound(id)
    return session
  }

  /** Drop expired sessions (all users), when sessions are created or deleted: the set can only grow
   * through create, and a chat turn should not walk every session. Call only after all checks passed. */
  function prune(doc: StoreDocument, now: Date): void {
    for (const [id, s] of Object.entries(doc.sessions)) {
      if (isExpired(s, now, timeoutMinutes)) delete doc.sessions[id]
    }
  }

  return {
    expiresAt: (s: SessionRecord) => expiresAt(s, timeoutMinutes),

    /** `timezone` must already be checked (isValidTimeZone). */
    create(userId: string, options: { timezone?: string } = {}): Promise<ChatSession> {
      return store.update((doc) => {
        const now = clock()
        prune(doc, now)
        const at = now.toISOString()
        const session: ChatSession = { id: randomUUID(), user_id: userId, created_at: at, last_activity: at, messages: [], message_count: 0 }
        if (options.timezone) session.timezone = options.timezone
        doc.sessions[session.id] = session
        return session // the store hands back a detached copy
      })
    },

    get(userId: string, id: string): Promise<ChatSession> {
      return store.read((doc) => copy(live(doc, userId, id, clock())))
    },

    /**
     * Append one turn's messages. `receivedAt` is when the user's message arrived: the session must have
     * been live then (a slow model turn does not make it expire), and it becomes the last activity.
     */
    append(userId: string, id: string, messages: ChatMessage[], receivedAt: Date): Promise<SessionRecord> {
      return store.update((doc) => {
        const session = live(doc, userId, id, receivedAt)
        session.messages = [...session.messages, ...messages.map(forHistory)].slice(-MAX_HISTORY)
        session.message_count += messages.length
        if (Date.parse(session.last_activity) < receivedAt.getTime()) session.last_activity = receivedAt.toISOString()
        return session // the store hands back a detached copy
      })
    },

    delete(userId: string, id: string): Promise<void> {
      return store.update((doc) => {
        const now = clock()
        live(doc, userId, id, now)
        delete doc.sessions[id]
        prune(doc, now)
      })
    },
  }
}

export type Sessions = ReturnType<typeof createSessions>
