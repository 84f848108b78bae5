// Task operations: the only code that changes tasks (through the store contract). REST routes call these directly;
// chat reaches them only through the assistant's tool layer (src/assistant/tools.ts).
// Inputs are assumed schema-valid (schemas.ts); the checks here are those a schema cannot express.

import { taskNotFound, validationError } from '../errors.ts'
import { matchesText } from '../store/rows.ts'
import type { Priority, Store, Task, TaskChanges, TaskFilter } from '../store/types.ts'

export type { TaskFilter }

export interface NewTask {
  title: string
  description?: string
  priority?: Priority
  due_date?: string | null
  tags?: string[]
}

export interface TaskPatch {
  title?: string
  description?: string
  priority?: Priority
  due_date?: string | null
  tags?: string[]
  completed?: boolean
}

export type Clock = () => Date

function normalizeTitle(title: string): string {
  const trimmed = title.trim()
  if (trimmed.length === 0) throw validationError('title must not be blank')
  return trimmed
}

function checkDueDate(due: string | null | undefined): string | null {
  if (due === undefined || due === null) return null
  if (Number.isNaN(Date.parse(due.length === 10 ? `${due}T00:00:00Z` : due))) {
    throw validationError(`due_date ${JSON.stringify(due)} is not a real date`)
  }
  // Reject dates Date.parse silently rolls over (2026-02-31 -> March 3).
  const [y, m, d] = due.slice(0, 10).split('-').map(Number)
  const probe = new Date(Date.UTC(y, m - 1, d))
  if (probe.getUTCMonth() !== m - 1 || probe.getUTCDate() !== d) {
    throw validationError(`due_date ${JSON.stringify(due)} is not a real date`)
  }
  return due
}

function checkTags(tags: string[] | undefined): string[] {
  if (!tags) return []
  if (new Set(tags).size !== tags.length) throw validationError('tags must be unique')
  return [...tags]
}

export async function createTask(store: Store, userId: string, input: NewTask, clock: Clock = () => new Date()): Promise<Task> {
  const title = normalizeTitle(input.title)
  const due_date = checkDueDate(input.due_date)
  const tags = checkTags(input.tags)
  const now = clock().toISOString()
  const task = await store.insertTask(userId, {
    title,
    description: input.description ?? '',
    priority: input.priority ?? 'normal',
    tags,
    due_date,
    created_at: now,
    updated_at: now,
  })
  // Authentication checks that the user exists; this covers one deleted between the check and the write.
  if (!task) throw validationError('unknown user')
  return task
}

export function matchesFilter(task: Task, filter: TaskFilter): boolean {
  if (filter.status === 'pending' && task.completed) return false
  if (filter.status === 'completed' && !task.completed) return false
  if (filter.priority && task.priority !== filter.priority) return false
  if (filter.tag && !task.tags.includes(filter.tag)) return false
  return !filter.q || matchesText(task, filter.q)
}

export function listTasks(store: Store, userId: string, filter: TaskFilter = {}): Promise<Task[]> {
  return store.listTasks(userId, filter)
}

/** The list as the JSON text of a response body `{"tasks": […]}`. Without a text search, the database builds
 * the array (no parse, no serialization here); with one, the filtered tasks are serialized. */
export async function listTasksBody(store: Store, userId: string, filter: TaskFilter = {}): Promise<string> {
  const list = filter.q ? JSON.stringify(await store.listTasks(userId, filter)) : await store.listTasksJson(userId, filter)
  return `{"tasks":${list}}`
}

export async function getTask(store: Store, userId: string, id: number): Promise<Task> {
  const task = await store.getTask(userId, id)
  if (!task) throw taskNotFound(id)
  return task
}

export async function updateTask(store: Store, userId: string, id: number, patch: TaskPatch, clock: Clock = () => new Date()): Promise<Task> {
  const changes: TaskChanges = {
    title: patch.title === undefined ? undefined : normalizeTitle(patch.title),
    description: patch.description,
    priority: patch.priority,
    due_date: patch.due_date === undefined ? undefined : checkDueDate(patch.due_date),
    tags: patch.tags === undefined ? undefined : checkTags(patch.tags),
    completed: patch.completed,
    updated_at: clock().toISOString(),
  }
  const task = await store.updateTask(userId, id, changes)
  if (!task) throw taskNotFound(id)
  return task
}

export async function deleteTask(store: Store, userId: string, id: number): Promise<Task> {
  const task = await store.deleteTask(userId, id)
  if (!task) throw taskNotFound(id)
  return task
}
