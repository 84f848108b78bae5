// The stored document and the Store contract. One JSON document holds everything (DESIGN.md §2 "Storage").

export type Priority = 'low' | 'normal' | 'high' | 'critical'
export const priorities: readonly Priority[] = ['low', 'normal', 'high', 'critical']

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
  email: string
  /** scrypt: "scrypt$<N>$<r>$<p>$<salt b64>$<hash b64>" */
  password_hash: string
  created_at: string
  /** Task ids are per user and never reused. */
  next_task_id: number
}

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
  /** Bounded: the newest messages only (see sessions module). */
  messages: ChatMessage[]
  /** Total messages ever posted, including those trimmed from `messages`. */
  message_count: number
}

export interface StoreDocument {
  version: 1
  users: Record<string, UserRecord>
  /** lower-cased email -> user id */
  user_ids_by_email: Record<string, string>
  /** user id -> that user's tasks in id order */
  tasks: Record<string, Task[]>
  sessions: Record<string, SessionRecord>
}

export function emptyDocument(): StoreDocument {
  return { version: 1, users: {}, user_ids_by_email: {}, tasks: {}, sessions: {} }
}

/**
 * The storage contract every part of the service uses. Implementations: the JSON file store
 * (src/store/file-store.ts), safe for several processes sharing one file.
 */
export interface Store {
  /** Open the document: create the directory if missing, read and validate the file. A corrupt or
   * unreadable file throws a StorageError that says what is wrong and the file is never overwritten. */
  open(): Promise<void>
  /** Run `fn` on the current document (re-read first if another process changed the file). Neither
   * `fn` nor the caller may mutate the document or the objects `fn` returns from it. */
  read<T>(fn: (doc: Readonly<StoreDocument>) => T): Promise<T>
  /** Run `fn` under the cross-process lock on the freshest document and make the change durable before
   * resolving with what `fn` returned, detached from the document (safe to keep). `fn` must do all its
   * checks (and throw an AppError) BEFORE it mutates anything: a throwing `fn` is rejected alone and must
   * leave the document untouched (any other error drops that fn's changes). `fn` is synchronous (no
   * awaiting inside the lock) and may be handed a copy-on-write draft: plain property and array mutations
   * only. Concurrent updates may share one write+fsync. */
  update<T>(fn: (doc: StoreDocument) => T): Promise<T>
  /** Whether storage is usable now (readiness). Never throws. */
  check(): Promise<boolean>
  /** Finish pending updates, release everything. */
  close(): Promise<void>
}
