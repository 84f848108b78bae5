// What the session's history tells the rules backend: which task "it" is, what was just listed, and
// whether the last reply asked to confirm a bulk change. History is the session's (the store persists it),
// so a confirmation counts only in the session that asked for it, on the very next message.

import type { ChatMessage } from '../../store/types.ts'

export interface TaskRef {
  id: number
  title: string
  completed?: boolean
}

function asRef(value: unknown): TaskRef | undefined {
  if (!value || typeof value !== 'object') return undefined
  const v = value as { id?: unknown; title?: unknown; completed?: unknown; error?: unknown }
  if (v.error || typeof v.id !== 'number' || typeof v.title !== 'string') return undefined
  return { id: v.id, title: v.title, completed: typeof v.completed === 'boolean' ? v.completed : undefined }
}

const listed = (result: unknown): TaskRef[] | undefined => {
  const tasks = (result as { tasks?: unknown } | null)?.tasks
  return Array.isArray(tasks) ? tasks.map(asRef).filter((t): t is TaskRef => Boolean(t)) : undefined
}

export interface Recent {
  /** The task the latest single-task change or lookup was about (deleted ones excluded). */
  task?: TaskRef
  /** The tasks the latest turn listed, in the order shown (a list request, not a title lookup). */
  list?: TaskRef[]
}

/** The newest task the conversation was about, and the newest list it showed. */
export function recentTasks(history: readonly ChatMessage[]): Recent {
  const out: Recent = {}
  for (let i = history.length - 1; i >= 0 && !out.task; i--) {
    const message = history[i]
    if (message.role !== 'assistant' || !message.tool_calls?.length) continue
    const calls = message.tool_calls
    const last = calls[calls.length - 1]
    if (last.tool === 'list_tasks') {
      const tasks = listed(last.result)
      if (tasks && out.list === undefined && i === lastAssistant(history)) out.list = tasks
      if (tasks?.length === 1) out.task = tasks[0]
      if (tasks && tasks.length > 1) break // "it" after a list of several is not one task
      continue
    }
    for (let j = calls.length - 1; j >= 0; j--) {
      const call = calls[j]
      if (call.tool === 'delete_task') continue
      const ref = asRef(call.result)
      if (ref) {
        out.task = ref
        break
      }
    }
  }
  return out
}

function lastAssistant(history: readonly ChatMessage[]): number {
  for (let i = history.length - 1; i >= 0; i--) if (history[i].role === 'assistant') return i
  return -1
}

// ------------------------------------------------------------------------------------------ confirmation

export type BulkAction = 'delete' | 'complete'

/** The question a bulk change asks; its wording is how the next turn recognises it (with its list call). */
const CONFIRM_QUESTION = 'Reply "yes" to go ahead, or "no" to cancel.'
const CONFIRM_HEAD = /^This will (delete|complete) (\d+) tasks?\b/

export function confirmationText(action: BulkAction, tasks: readonly TaskRef[], listing: string): string {
  const n = tasks.length
  return `This will ${action} ${n} task${n === 1 ? '' : 's'}:\n${listing}\n${action === 'delete' ? 'Deleted tasks cannot be recovered. ' : ''}${CONFIRM_QUESTION}`
}

export interface PendingConfirmation {
  action: BulkAction
  taskIds: number[]
}

/** The bulk change the previous reply asked to confirm, if the previous reply was such a question. */
export function pendingConfirmation(history: readonly ChatMessage[]): PendingConfirmation | undefined {
  const i = lastAssistant(history)
  if (i < 0) return undefined
  const message = history[i]
  const head = CONFIRM_HEAD.exec(message.content)
  if (!head || !message.content.endsWith(CONFIRM_QUESTION)) return undefined
  // The ids are the lines of the question ("3. buy milk"), each of which the turn's list call must have returned.
  const call = message.tool_calls?.find((c) => c.tool === 'list_tasks')
  const tasks = call && listed(call.result)
  const ids = [...message.content.matchAll(/^(\d+)\. /gm)].map((m) => Number(m[1]))
  if (!tasks || ids.length !== Number(head[2]) || !ids.every((id) => tasks.some((t) => t.id === id))) return undefined
  return { action: head[1] as BulkAction, taskIds: ids }
}

const YES = /^(?:(?:y|yes|yeah|yep|yup|ya|sure|ok|okay|absolutely|definitely|correct|affirmative)[,!.]?\s*(?:please\s*)?(?:do it|go ahead|go for it|proceed|confirm(?:ed)?|delete them(?: all)?|please)?|confirm(?:ed)?|do it|go ahead|go for it|please do|proceed|yes,? (?:delete|remove|clear|complete|do|go)\b.*|(?:delete|remove|clear|complete) them(?: all)?|i'?m sure)$/i
const NO = /^(?:n|no|nope|nah|cancel|stop|abort|never ?mind|don'?t|do not|no thanks|no,? .*|keep them|wait|hold on)$/i

export function confirmationAnswer(message: string): 'yes' | 'no' | undefined {
  const text = message.trim().replace(/[.!]+$/, '').replace(/\s+/g, ' ')
  if (YES.test(text)) return 'yes'
  if (NO.test(text)) return 'no'
  return undefined
}

// ------------------------------------------------------------------------------------------ which one?

/** How the reply that asks "which one?" starts; the next message may answer it with an id or a few words. */
export const WHICH_ONE_HEAD = 'More than one task matches'

export interface OpenQuestion {
  /** The message that was ambiguous. */
  message: string
  /** The ids the question offered. */
  candidates: number[]
}

/** The ambiguous request the previous reply asked about, if it asked "which one?". */
export function openQuestion(history: readonly ChatMessage[]): OpenQuestion | undefined {
  const i = lastAssistant(history)
  if (i < 1 || !history[i].content.startsWith(WHICH_ONE_HEAD) || history[i - 1].role !== 'user') return undefined
  const candidates = [...history[i].content.matchAll(/(?:: |; )(\d+)\. /g)].map((m) => Number(m[1]))
  return candidates.length ? { message: history[i - 1].content, candidates } : undefined
}

/** The task the conversation added in its previous turn (for "oops, I meant …"). */
export function justAdded(history: readonly ChatMessage[]): TaskRef | undefined {
  const i = lastAssistant(history)
  const call = i >= 0 ? history[i].tool_calls?.find((c) => c.tool === 'add_task') : undefined
  return call ? asRef(call.result) : undefined
}
