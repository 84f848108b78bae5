// Chat sessions, kept in the store so any replica can serve any session and a restart loses nothing.
// A session expires SESSION_TIMEOUT_MINUTES after its last message; an expired session answers 404 exactly
// like an unknown one (or another user's), and is removed from the store when a session is created or deleted.

import { randomUUID } from 'node:crypto'
import { sessionNotFound } from '../errors.ts'
import type { ChatMessage, SessionRecord, Store } from '../store/types.ts'
import { storableText } from '../text.ts'

/** Messages kept per session (the newest); older ones are dropped, message_count keeps the total. */
export const MAX_HISTORY = 50

export interface SessionsOptions {
  store: Store
  timeoutMinutes: number
  clock: () => Date
}

function expiresAt(session: Pick<SessionRecord, 'last_activity'>, timeoutMinutes: number): Date {
  return new Date(Date.parse(session.last_activity) + timeoutMinutes * 60_000)
}

/** A session is live at `at` when its last activity is after this instant. */
export function liveAfter(at: Date, timeoutMinutes: number): Date {
  return new Date(at.getTime() - timeoutMinutes * 60_000)
}

type ToolCall = NonNullable<ChatMessage['tool_calls']>[number]

/** A task as history keeps it: enough to name it ("task 3, buy milk, done"); the task itself is in the store. */
function taskRef(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || !('id' in value) || !('title' in value)) return value
  const task = value as { id: unknown; title: unknown; completed?: unknown }
  return { id: task.id, title: task.title, completed: task.completed }
}

/**
 * What history keeps of a tool call: its arguments, and its result with every task cut down to a reference.
 * Full tasks in every listed turn would make each session grow with every "what's pending".
 */
export function historyToolCall(call: ToolCall): ToolCall {
  const result = call.result as { tasks?: unknown } | null
  if (result && typeof result === 'object' && Array.isArray(result.tasks)) {
    return { ...call, result: { ...result, tasks: result.tasks.map(taskRef) } }
  }
  return { ...call, result: taskRef(call.result) }
}

/** A model's text can hold what no request may (src/text.ts): history keeps U+FFFD in its place. */
function forHistory(message: ChatMessage): ChatMessage {
  return storableText(message.tool_calls ? { ...message, tool_calls: message.tool_calls.map(historyToolCall) } : message)
}

export function createSessions(opts: SessionsOptions) {
  const { store, timeoutMinutes, clock } = opts
  const live = (at: Date) => liveAfter(at, timeoutMinutes)

  return {
    expiresAt: (s: SessionRecord) => expiresAt(s, timeoutMinutes),

    /** A new session. Expired sessions (every user's) are removed here: the set only grows through create,
     * and a chat turn should not pay for it. */
    async create(userId: string, options: { timezone?: string } = {}): Promise<SessionRecord> {
      const now = clock()
      const at = now.toISOString()
      const session: SessionRecord = { id: randomUUID(), user_id: userId, created_at: at, last_activity: at, messages: [], message_count: 0 }
      if (options.timezone !== undefined) session.timezone = options.timezone
      // Issued together, so both join one group commit.
      await Promise.all([store.deleteExpiredSessions(live(now)), store.createSession(session)])
      return session
    },

    /** The session if it exists, belongs to `userId` and has not expired; else 404. */
    async get(userId: string, id: string): Promise<SessionRecord> {
      const session = await store.getSession(userId, id, live(clock()))
      if (!session) throw sessionNotFound(id)
      return session
    },

    /**
     * Append one turn's messages. `receivedAt` is when the user's message arrived: the session must have
     * been live then (a slow model turn does not make it expire), and it becomes the last activity.
     */
    async append(userId: string, id: string, messages: ChatMessage[], receivedAt: Date): Promise<void> {
      const appended = await store.appendTurn(userId, id, {
        messages: messages.map(forHistory),
        at: receivedAt,
        liveAfter: live(receivedAt),
        maxHistory: MAX_HISTORY,
      })
      if (!appended) throw sessionNotFound(id)
    },

    async delete(userId: string, id: string): Promise<void> {
      const now = clock()
      const [deleted] = await Promise.all([store.deleteSession(userId, id, live(now)), store.deleteExpiredSessions(live(now))])
      if (!deleted) throw sessionNotFound(id)
    },

    /** Sessions not yet expired, all users (todo_app_sessions_active, computed at scrape time). */
    countActive(): Promise<number> {
      return store.countActiveSessions(live(clock()))
    },
  }
}

