// What the SQL stores share: turning rows into contract objects, the filters SQL leaves to code, and the
// one error type callers see when the database fails.

import { StorageError } from '../errors.ts'
import type { ChatMessage, Priority, SessionRecord, Task, TaskChanges, UserRecord } from './types.ts'

/** Columns of a task, in the order every SELECT/RETURNING lists them. */
export const TASK_COLUMNS = 'id, title, description, completed, priority, tags, due_date, created_at, updated_at, completed_at'

export interface TaskRow {
  id: number | string
  title: string
  description: string
  completed: number | boolean
  priority: string
  tags: string | string[]
  due_date: string | null
  created_at: string
  updated_at: string
  completed_at: string | null
}

export function taskFromRow(row: TaskRow): Task {
  return {
    id: Number(row.id),
    title: row.title,
    description: row.description,
    completed: Boolean(row.completed),
    priority: row.priority as Priority,
    tags: typeof row.tags === 'string' ? (JSON.parse(row.tags) as string[]) : [...row.tags],
    due_date: row.due_date,
    created_at: row.created_at,
    updated_at: row.updated_at,
    completed_at: row.completed_at,
  }
}

export interface UserRow {
  id: string
  email: string
  password_hash: string
  created_at: string
  next_task_id: number | string
}

export function userFromRow(row: UserRow): UserRecord {
  return { id: row.id, email: row.email, password_hash: row.password_hash, created_at: row.created_at, next_task_id: Number(row.next_task_id) }
}

export interface SessionRow {
  id: string
  user_id: string
  created_at: string
  last_activity_ms: number | string
  message_count: number | string
  timezone: string | null
}

export function sessionFromRow(row: SessionRow, messages: ChatMessage[]): SessionRecord {
  const session: SessionRecord = {
    id: row.id,
    user_id: row.user_id,
    created_at: row.created_at,
    last_activity: new Date(Number(row.last_activity_ms)).toISOString(),
    messages,
    message_count: Number(row.message_count),
  }
  if (row.timezone !== null) session.timezone = row.timezone
  return session
}

/** Text search as the REST API always had it: a case-insensitive substring of title or description, with
 * JavaScript's Unicode case folding (SQL's lower() differs between engines and locales, so it is done here). */
export function matchesText(task: Task, q: string): boolean {
  const needle = q.toLowerCase()
  return task.title.toLowerCase().includes(needle) || task.description.toLowerCase().includes(needle)
}

/** The optional fields of TaskChanges, in a fixed order: the SET clause is built only from these names. */
export const CHANGEABLE = ['title', 'description', 'priority', 'due_date', 'tags', 'completed'] as const

/** Which fields a change sets, as a bit mask (one prepared statement per distinct mask). */
export function changeMask(changes: TaskChanges): number {
  let mask = 0
  CHANGEABLE.forEach((field, i) => {
    if (changes[field] !== undefined) mask |= 1 << i
  })
  return mask
}

/** A database failure as callers see it: 503, a generic message (the details go to the log, never to clients). */
export function storageUnavailable(): StorageError {
  return new StorageError('Storage is unavailable, try again shortly')
}
