// How the rules backend words its answers: each says what was understood (title, date, priority, tags).

import type { Task } from '../../store/types.ts'
import { showDate } from './dates.ts'

export interface TaskLike {
  id: number
  title: string
  completed?: boolean
  priority?: string
  due_date?: string | null
  tags?: readonly string[]
  description?: string
}

/** "3. buy milk (due Thu 2026-03-05, high priority, #home)": the leading number is the task id. */
export function describeTask(t: TaskLike, withDescription = false): string {
  const details = [
    t.completed ? 'done' : '',
    t.due_date ? `due ${showDate(t.due_date)}` : '',
    t.priority && t.priority !== 'normal' ? `${t.priority} priority` : '',
    ...(t.tags ?? []).map((tag) => `#${tag}`),
    withDescription && t.description ? `note: "${t.description}"` : '',
  ].filter(Boolean)
  return `${t.id}. ${t.title}${details.length ? ` (${details.join(', ')})` : ''}`
}

const RANK: Record<string, number> = { critical: 0, high: 1, normal: 2, low: 3 }

/** Soonest due first (undated last), or most important first; ties keep id order. */
export function sortTasks(tasks: readonly Task[], by: 'due' | 'priority'): Task[] {
  const key = (t: Task) => (by === 'due' ? t.due_date ?? '9999' : String(RANK[t.priority]))
  return [...tasks].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.id - b.id))
}

export function listReply(tasks: readonly Task[], label: string): string {
  if (tasks.length === 0) return `You have no ${label}.`
  const n = tasks.length
  const head = `You have ${n} ${n === 1 ? label.replace(/\btasks\b/, 'task') : label} (the number is the task id):`
  return [head, ...tasks.map((t) => describeTask(t))].join('\n')
}

export const shortList = (tasks: readonly TaskLike[]) => tasks.map((t) => `${t.id}. ${t.title}`).join('; ')

/** The fields of a change, as the reply names them. */
export function describeChange(before: TaskLike | undefined, after: Task, changed: string[]): string {
  const parts = changed.map((field) => {
    switch (field) {
      case 'title': return before ? `renamed from "${before.title}" to "${after.title}"` : `renamed to "${after.title}"`
      case 'priority': return `priority ${after.priority}`
      case 'due_date': return after.due_date ? `due ${showDate(after.due_date)}` : 'no due date'
      case 'description': return after.description ? `note "${after.description}"` : 'note removed'
      case 'tags': return after.tags.length ? `tags ${after.tags.map((t) => `#${t}`).join(' ')}` : 'no tags'
      case 'completed': return after.completed ? 'done' : 'reopened (pending)'
      default: return field
    }
  })
  return `Updated task ${after.id} "${after.title}": ${parts.join(', ')}.`
}

export const notUnderstood = (part: string | undefined) => (part ? ` I didn't understand "${part}", so I left that out.` : '')
