// The storage contract: domain operations on users, one user's tasks, chat sessions, and the counts the
// metrics need. Routes, the assistant's tools (through src/tasks/tasks.ts) and the metrics use only this.
// Implementations: SQLite (sqlite-store.ts, the default) and PostgreSQL (postgres-store.ts); every one
// passes the same contract suite (test/store/contract.ts). Semantics: docs/storage.md.

/** The priorities a task may have, lowest first (also the task schemas' enum: src/tasks/schemas.ts). */
export const priorities = ['low', 'normal', 'high', 'critical'] as const
export type Priority = (typeof priorities)[number]

import type { StorageBackend } from '../contract.ts'
import type { TaskFilter } from '../tasks/schemas.ts'
export type { StorageBackend }

/** A task as stored and as sent on the wire (snake_case). */
export interface Task {
  id: number
  title: string
  description: string
  completed: boolean
  priority: Priority
  tags: string[]
  due_date: string | null
  created_at: string
  updated_at: string
  completed_at: string | null
}

export interface UserRecord {
  id: string
  /** lower-cased */
  email: string
  /** scrypt: "scrypt$<N>$<r>$<p>$<salt b64>$<hash b64>" */
  password_hash: string
  created_at: string
  /** The id the user's next task gets. Task ids are per user and never reused. */
  next_task_id: number
}

export type NewUser = Omit<UserRecord, 'next_task_id'>

export interface ChatMessage {
  role: 'user' | 'assistant'
  content: string
  timestamp: string
  /** Tool calls an assistant message made (kept so history shows what chat changed). */
  tool_calls?: { tool: string; arguments: unknown; result: unknown }[]
}

export interface SessionRecord {
  id: string
  user_id: string
  created_at: string
  last_activity: string
  /** Bounded: the newest messages only (see the sessions module). */
  messages: ChatMessage[]
  /** Total messages ever posted, including those trimmed from `messages`. */
  message_count: number
  /** The user's IANA time zone, when the client gave one. */
  timezone?: string
}

export type NewSession = Pick<SessionRecord, 'id' | 'user_id' | 'created_at' | 'timezone'>

/** Filters of a task list; all optional, combined with AND. */
/** GET /tasks' query, defined by its schema; `q` is a case-insensitive substring of title or description. */
export type { TaskFilter }

/** A new task's fields; the store assigns the id. */
export type NewTaskRow = Omit<Task, 'id' | 'completed' | 'completed_at'>

/** Fields to change; `updated_at` always. Setting `completed` sets or clears `completed_at` (to `updated_at`)
 * only when it changes the task's state. */
export interface TaskChanges {
  title?: string
  description?: string
  priority?: Priority
  due_date?: string | null
  tags?: string[]
  completed?: boolean
  updated_at: string
}

/** A session is live while its last activity is after `liveAfter` (= now − the session timeout). */
export interface Turn {
  messages: ChatMessage[]
  /** When the user's message arrived: becomes the last activity (if later), and the session must be live then. */
  at: Date
  liveAfter: Date
  /** Messages kept; older ones are dropped (message_count keeps the total). */
  maxHistory: number
}

/** Everything in a store, in the JSON file store's version-1 document format (export, import, upgrade). */
export interface StoreDocument {
  version: 1
  users: Record<string, UserRecord>
  /** lower-cased email -> user id */
  user_ids_by_email: Record<string, string>
  /** user id -> that user's tasks in id order */
  tasks: Record<string, Task[]>
  sessions: Record<string, SessionRecord>
}

export interface ImportCounts {
  users: number
  tasks: number
  sessions: number
}

export interface Store {
  readonly backend: StorageBackend | 'memory'
  /** Connect / open the file and bring the schema up to date. A broken file or unreachable database
   * throws a StorageError saying what is wrong (the file is never overwritten). */
  open(): Promise<void>
  /** Whether storage answers now (readiness). Never throws, never hangs. */
  check(): Promise<boolean>
  /** Finish pending writes, release everything. */
  close(): Promise<void>

  /** false: the email is taken. */
  createUser(user: NewUser): Promise<boolean>
  findUserByEmail(email: string): Promise<UserRecord | undefined>
  findUserById(id: string): Promise<UserRecord | undefined>

  /** The user's tasks matching `filter`, in id order. */
  listTasks(userId: string, filter: TaskFilter): Promise<Task[]>
  /** The same list as JSON text (an array in the wire format), built by the database: GET /tasks sends it as it
   * is, without parsing and serializing 100 tasks per request. Text search (`q`) is not offered here: its
   * case folding is JavaScript's, applied by listTasks. */
  listTasksJson(userId: string, filter: Omit<TaskFilter, 'q'>): Promise<string>
  getTask(userId: string, id: number): Promise<Task | undefined>
  /** Allocates the user's next id atomically (never a duplicate, never reused); undefined: no such user. */
  insertTask(userId: string, row: NewTaskRow): Promise<Task | undefined>
  updateTask(userId: string, id: number, changes: TaskChanges): Promise<Task | undefined>
  deleteTask(userId: string, id: number): Promise<Task | undefined>

  createSession(session: NewSession): Promise<void>
  /** The user's session if live; undefined for unknown, another user's or expired. */
  getSession(userId: string, id: string, liveAfter: Date): Promise<SessionRecord | undefined>
  /** Append one turn's messages; false when the session was not live at `turn.at`. Returns no session: a chat
   * turn has it already, and reading back its history was half of what a turn allocated. */
  appendTurn(userId: string, id: string, turn: Turn): Promise<boolean>
  /** false: no live session of this user with this id. */
  deleteSession(userId: string, id: string, liveAfter: Date): Promise<boolean>
  /** Remove every session whose last activity is not after `liveAfter`; how many went. */
  deleteExpiredSessions(liveAfter: Date): Promise<number>

  countTasks(): Promise<number>
  countActiveSessions(liveAfter: Date): Promise<number>

  /** Whether the store holds no user at all (upgrade import runs only then). */
  isEmpty(): Promise<boolean>
  /** Everything, as one document. */
  exportAll(): Promise<StoreDocument>
  /** Add a whole document in one transaction; users, tasks and sessions whose ids exist are skipped. */
  importAll(doc: StoreDocument): Promise<ImportCounts>
}
