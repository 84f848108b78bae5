// Task operations on the store: the only code that changes tasks. REST routes call these directly;
// chat reaches them only through the assistant's tool layer (src/assistant/tools.ts).
// Inputs are assumed schema-valid (schemas.ts); the checks here are those a schema cannot express.

import { taskNotFound, validationError } from '../errors.ts'
import type { Priority, Store, StoreDocument, Task } from '../store/types.ts'

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

export interface TaskFilter {
  status?: 'all' | 'pending' | 'completed'
  priority?: Priority
  tag?: string
  q?: string
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

function userTasks(doc: StoreDocument, userId: string): Task[] {
  return (doc.tasks[userId] ??= [])
}

function findTask(doc: Readonly<StoreDocument>, userId: string, id: number): Task {
  const task = doc.tasks[userId]?.find((t) => t.id === id)
  if (!task) throw taskNotFound(id)
  return task
}

export function createTask(store: Store, userId: string, input: NewTask, clock: Clock = () => new Date()): Promise<Task> {
  const title = normalizeTitle(input.title)
  const due_date = checkDueDate(input.due_date)
  const tags = checkTags(input.tags)
  return store.update((doc) => {
    const user = doc.users[userId]
    if (!user) throw validationError('unknown user')
    const now = clock().toISOString()
    const task: Task = {
      id: user.next_task_id,
      title,
      description: input.description ?? '',
      completed: false,
      priority: input.priority ?? 'normal',
      tags,
      due_date,
      created_at: now,
      updated_at: now,
      completed_at: null,
    }
    user.next_task_id += 1
    userTasks(doc, userId).push(task)
    return { ...task, tags: [...task.tags] }
  })
}

export function matchesFilter(task: Task, filter: TaskFilter): boolean {
  if (filter.status === 'pending' && task.completed) return false
  if (filter.status === 'completed' && !task.completed) return false
  if (filter.priority && task.priority !== filter.priority) return false
  if (filter.tag && !task.tags.includes(filter.tag)) return false
  if (filter.q) {
    const q = filter.q.toLowerCase()
    if (!task.title.toLowerCase().includes(q) && !task.description.toLowerCase().includes(q)) return false
  }
  return true
}

export function listTasks(store: Store, userId: string, filter: TaskFilter = {}): Promise<Task[]> {
  return store.read((doc) => (doc.tasks[userId] ?? []).filter((t) => matchesFilter(t, filter)))
}

export function getTask(store: Store, userId: string, id: number): Promise<Task> {
  return store.read((doc) => findTask(doc, userId, id))
}

export function updateTask(store: Store, userId: string, id: number, patch: TaskPatch, clock: Clock = () => new Date()): Promise<Task> {
  const title = patch.title === undefined ? undefined : normalizeTitle(patch.title)
  const due_date = patch.due_date === undefined ? undefined : checkDueDate(patch.due_date)
  const tags = patch.tags === undefined ? undefined : checkTags(patch.tags)
  return store.update((doc) => {
    const task = findTask(doc, userId, id)
    const now = clock().toISOString()
    if (title !== undefined) task.title = title
    if (patch.description !== undefined) task.description = patch.description
    if (patch.priority !== undefined) task.priority = patch.priority
    if (due_date !== undefined) task.due_date = due_date
    if (tags !== undefined) task.tags = tags
    if (patch.completed !== undefined && patch.completed !== task.completed) {
      task.completed = patch.completed
      task.completed_at = patch.completed ? now : null
    }
    task.updated_at = now
    return { ...task, tags: [...task.tags] }
  })
}

export function deleteTask(store: Store, userId: string, id: number): Promise<Task> {
  return store.update((doc) => {
    const task = findTask(doc, userId, id)
    doc.tasks[userId] = userTasks(doc, userId).filter((t) => t.id !== id)
    return task
  })
}
