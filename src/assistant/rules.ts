// The offline `rules` backend: what people type -> tool calls, with no model at all. Deterministic: the
// same message, history, time zone and clock time always give the same calls and reply.
//
// rules/parse.ts reads the message; this module decides which task a reference names (by id, by title
// words, or from the session history), runs the tools, and words the reply. A change that destroys data
// never goes to a guessed task: several candidates -> the reply asks which one. Bulk deletes and bulk
// completions ask first and run only on "yes" as the next message of the same session.

import { priorities, type Task } from '../store/types.ts'
import { addDays, DEFAULT_TIMEZONE, localToday, showDate } from './rules/dates.ts'
import {
  confirmationAnswer, confirmationText, justAdded, openQuestion, pendingConfirmation, recentTasks, WHICH_ONE_HEAD, type BulkAction, type TaskRef,
} from './rules/history.ts'
import { keyWords, pickTask } from './rules/match.ts'
import { CONFIDENCE, parseMessage, parseRef, type Changes, type Command, type ListArgs, type ParsedMessage, type Ref } from './rules/parse.ts'
import { describeChange, describeTask, listReply, notUnderstood, shortList, sortTasks } from './rules/replies.ts'
import { toolCallRecord, type ToolExecutor, type ToolOutcome } from './tools.ts'
import type { Intent, ToolCallRecord, ToolName, TurnInput, TurnResult } from './types.ts'

export { parseMessage } from './rules/parse.ts'

type Purpose = 'complete' | 'delete' | 'reopen' | 'update' | 'show'

/** The words of a reference that name a title ("the dentist one" -> "dentist"). */
const parseRefText = (text: string) => {
  const ref = parseRef(text)
  return ref?.kind === 'title' ? ref.text : text
}

/** Lowest word-match score that may pick a task: stricter for a deletion. */
const MIN_SCORE: Record<Purpose, number> = { complete: 0.6, reopen: 0.6, update: 0.6, show: 0.5, delete: 0.75 }

const INTENT: Record<Command['kind'], Intent> = {
  add: 'AddTask', list: 'ListTasks', complete: 'CompleteTask', delete: 'DeleteTask', reopen: 'UpdateTask', update: 'UpdateTask', bulk: 'DeleteTask', each: 'DeleteTask', undo: 'UpdateTask', show: 'ListTasks', reply: 'Unknown',
}

class Turn {
  readonly tool_calls: ToolCallRecord[] = []
  private readonly executor: ToolExecutor
  private readonly input: TurnInput
  constructor(executor: ToolExecutor, input: TurnInput) {
    this.executor = executor
    this.input = input
  }

  async run(tool: ToolName, args: Record<string, unknown>): Promise<ToolOutcome> {
    const outcome = await this.executor.execute(this.input.userId, tool, args)
    this.tool_calls.push(toolCallRecord(tool, args, outcome))
    return outcome
  }

  async list(args: ListArgs): Promise<Task[] | ToolOutcome> {
    const outcome = await this.run('list_tasks', args as Record<string, unknown>)
    return outcome.ok ? (outcome.result as { tasks: Task[] }).tasks : outcome
  }

  result(intent: Intent, confidence: number, reply: string): TurnResult {
    return { reply, intent, confidence, tool_calls: this.tool_calls }
  }
}

const failed = (outcome: ToolOutcome) => (outcome.ok ? '' : `I couldn't do that: ${outcome.error.message}.`.replace(/\.\.$/, '.'))

type Resolved = { task: TaskRef & Partial<Task>; confidence: number } | { reply: string; confidence: number }

const VERB: Record<Purpose, string> = { complete: 'mark done', delete: 'delete', reopen: 'reopen', update: 'change', show: 'see' }
const EXAMPLE: Record<Purpose, (id: number) => string> = {
  complete: (id) => `mark ${id} done`, delete: (id) => `delete task ${id}`, reopen: (id) => `reopen ${id}`, update: (id) => `task ${id}`,
  show: (id) => `show task ${id}`,
}

/** The task a reference names, or a reply that asks or explains. */
async function resolve(turn: Turn, ref: Ref, purpose: Purpose, input: TurnInput): Promise<Resolved> {
  if (ref.kind === 'id') return { task: { id: ref.id, title: '' }, confidence: CONFIDENCE.exact } // title unknown until the tool answers

  if (ref.kind === 'recent') {
    const recent = recentTasks(input.history)
    let task: TaskRef | undefined
    if (ref.which === 'added') task = justAdded(input.history)
    else if (ref.which === 'it') task = recent.task ?? (recent.list?.length === 1 ? recent.list[0] : undefined)
    else if (ref.which === 'last') task = recent.list?.length ? recent.list[recent.list.length - 1] : recent.task
    else task = recent.list?.[ref.which - 1]
    if (task) return { task, confidence: CONFIDENCE.exactTitle }
    if (ref.which === 'last') {
      // "the last one" with nothing in the conversation: the newest task.
      const tasks = await turn.list({})
      if (Array.isArray(tasks) && tasks.length) return { task: tasks.reduce((a, b) => (b.id > a.id ? b : a)), confidence: CONFIDENCE.fuzzy }
    }
    return { reply: `Which task do you want to ${VERB[purpose]}? Give its number (e.g. "${EXAMPLE[purpose](1)}") or part of its title.`, confidence: CONFIDENCE.ambiguous }
  }

  if (ref.kind === 'tagged') return resolveTagged(turn, ref.tag, purpose, input)

  // By title: completing looks among pending tasks, reopening among completed ones.
  const args: ListArgs = purpose === 'complete' ? { status: 'pending' } : purpose === 'reopen' ? { status: 'completed' } : {}
  const tasks = await turn.list(args)
  if (!Array.isArray(tasks)) return { reply: failed(tasks), confidence: CONFIDENCE.unknown }
  // A task's tags help to find it, but never decide alone which task to delete ("delete groceries").
  const pick = pickTask(tasks, ref.text, { minScore: MIN_SCORE[purpose], verbFirst: purpose === 'complete', useTags: purpose !== 'delete' })
  if (pick.kind === 'one') return { task: pick.item, confidence: pick.exact ? CONFIDENCE.exactTitle : CONFIDENCE.fuzzy }
  if (pick.kind === 'several') {
    return {
      reply: `${WHICH_ONE_HEAD} "${ref.text}": ${shortList(pick.items)}. Which one? Say its number, e.g. "${EXAMPLE[purpose](pick.items[0].id)}".`,
      confidence: CONFIDENCE.ambiguous,
    }
  }
  const state = purpose === 'complete' ? 'pending ' : purpose === 'reopen' ? 'completed ' : ''
  return { reply: `I couldn't find a ${state}task matching "${ref.text}", so I changed nothing.`, confidence: CONFIDENCE.fuzzy }
}

/** "remove the home tag": the task in the conversation if it has the tag, else the only task that has it. */
async function resolveTagged(turn: Turn, tag: string, purpose: Purpose, input: TurnInput): Promise<Resolved> {
  const tasks = await turn.list({ tag })
  if (!Array.isArray(tasks)) return { reply: failed(tasks), confidence: CONFIDENCE.unknown }
  const recent = recentTasks(input.history).task
  const inConversation = recent && tasks.find((t) => t.id === recent.id)
  if (inConversation) return { task: inConversation, confidence: CONFIDENCE.exactTitle }
  if (tasks.length === 1) return { task: tasks[0], confidence: CONFIDENCE.exactTitle }
  if (tasks.length === 0) return { reply: `None of your tasks has the tag #${tag}, so I changed nothing.`, confidence: CONFIDENCE.fuzzy }
  return {
    reply: `${WHICH_ONE_HEAD} #${tag}: ${shortList(tasks)}. Which one? Say its number, e.g. "${EXAMPLE[purpose](tasks[0].id)}".`,
    confidence: CONFIDENCE.ambiguous,
  }
}

async function addTask(turn: Turn, command: Extract<Command, { kind: 'add' }>, parsed: ParsedMessage): Promise<TurnResult> {
  const outcome = await turn.run('add_task', command.task as unknown as Record<string, unknown>)
  if (!outcome.ok) return turn.result('AddTask', parsed.confidence, failed(outcome))
  const task = outcome.result as Task
  return turn.result('AddTask', parsed.confidence, `Added task ${describeTask(task, true)}.${command.unclear ? ` ${command.unclear}.` : ''}`)
}

async function listTasks(turn: Turn, command: Extract<Command, { kind: 'list' }>, parsed: ParsedMessage): Promise<TurnResult> {
  const tasks = await turn.list(command.args)
  if (!Array.isArray(tasks)) return turn.result('ListTasks', parsed.confidence, failed(tasks))
  return turn.result('ListTasks', parsed.confidence, listReply(command.sort ? sortTasks(tasks, command.sort) : tasks, command.label))
}

/** The patch an update sends; tag additions and removals need the task's current tags. */
async function patchFor(turn: Turn, task: TaskRef & Partial<Task>, changes: Changes, today: string): Promise<Record<string, unknown> | string> {
  const { addTags, removeTags, shiftDays, priorityStep, ...rest } = changes
  const patch: Record<string, unknown> = { ...rest }
  let full: Partial<Task> = task
  if ((addTags || removeTags || shiftDays !== undefined || priorityStep) && (!task.tags || task.due_date === undefined || !task.priority)) {
    const tasks = await turn.list({})
    if (!Array.isArray(tasks)) return failed(tasks)
    const found = tasks.find((t) => t.id === task.id)
    if (!found) return `I couldn't do that: Task ${task.id} not found.`
    full = found
  }
  if (shiftDays !== undefined) patch.due_date = addDays((full.due_date ?? today).slice(0, 10), shiftDays)
  if (priorityStep) {
    const at = priorities.indexOf(full.priority ?? 'normal')
    patch.priority = priorities[Math.max(0, Math.min(priorities.length - 1, at + priorityStep))]
  }
  if (addTags || removeTags) {
    let tags = [...(full.tags ?? [])]
    if (removeTags === 'all') tags = []
    else if (removeTags) tags = tags.filter((t) => !removeTags.includes(t))
    for (const t of addTags ?? []) if (!tags.includes(t)) tags.push(t)
    patch.tags = tags
  }
  return patch
}

/** The parts of "the dentist appointment and the milk" that each name a task; none when there are fewer than two. */
function listedParts(text: string): string[] {
  // "the report and sent it": the second part says what was done with the first, it is no other task.
  if (/\b(?:it|that|this|them|those|these)\b/i.test(text)) return []
  const parts = text.split(/\s*(?:,|;|&|\+|\band\b|\bplus\b|\bas well as\b)\s*/i).filter((part) => {
    const ref = parseRef(part)
    return ref?.kind === 'id' || (ref?.kind === 'title' && keyWords(ref.text).length > 0)
  })
  return parts.length >= 2 ? parts : []
}

/**
 * "delete the dentist appointment and the milk": each title must name exactly one task, all different, and
 * then each is done. A part that names several tasks or none changes nothing. Undefined: not a list of
 * titles ("buy salt and pepper" is one title), and the usual one-task path decides.
 */
async function actOnEach(turn: Turn, action: BulkAction, text: string): Promise<TurnResult | undefined> {
  const parts = listedParts(text)
  if (parts.length === 0) return undefined
  const intent: Intent = action === 'delete' ? 'DeleteTask' : 'CompleteTask'
  const tasks = await turn.list(action === 'complete' ? { status: 'pending' } : {})
  if (!Array.isArray(tasks)) return turn.result(intent, CONFIDENCE.unknown, failed(tasks))
  const options = { minScore: MIN_SCORE[action], verbFirst: action === 'complete', useTags: action !== 'delete' }
  // The whole text naming one task, every word of it: "call mom and dad".
  const whole = pickTask(tasks, parseRefText(text), { ...options, minScore: 1 })
  if (whole.kind === 'one') return undefined
  const picks = parts.map((part) => {
    const ref = parseRef(part)
    if (ref?.kind === 'id') {
      const task = tasks.find((t) => t.id === ref.id)
      return { part, pick: task ? ({ kind: 'one', item: task, exact: true } as const) : ({ kind: 'none' } as const) }
    }
    return { part, pick: pickTask(tasks, parseRefText(part), options) }
  })
  const ids = [...new Set(picks.flatMap(({ pick }) => (pick.kind === 'one' ? [pick.item.id] : [])))]
  if (picks.every(({ pick }) => pick.kind === 'one')) return ids.length > 1 ? forEach(turn, action, ids, intent) : undefined
  const several = picks.find(({ pick }) => pick.kind === 'several')
  if (several?.pick.kind === 'several') {
    const listing = shortList(several.pick.items)
    return turn.result(intent, CONFIDENCE.ambiguous, `"${several.part}" matches more than one task: ${listing}. I changed nothing: name each task by its number, e.g. "${action === 'delete' ? 'delete tasks' : 'mark'} ${several.pick.items[0].id} and ${several.pick.items[1].id}${action === 'delete' ? '' : ' done'}".`)
  }
  const missing = picks.find(({ pick }) => pick.kind === 'none')!
  return turn.result(intent, CONFIDENCE.fuzzy, `I couldn't find a ${action === 'complete' ? 'pending ' : ''}task matching "${parseRefText(missing.part)}", so I changed nothing.`)
}

async function act(turn: Turn, command: Extract<Command, { kind: 'complete' | 'delete' | 'reopen' | 'update' }>, input: TurnInput, now: Date): Promise<TurnResult> {
  const intent = INTENT[command.kind]
  if ((command.kind === 'complete' || command.kind === 'delete') && command.ref.kind === 'title') {
    const each = await actOnEach(turn, command.kind, command.ref.text)
    if (each) return each
  }
  const resolved = await resolve(turn, command.ref, command.kind, input)
  if ('reply' in resolved) {
    // "#work" with no task in the conversation: the user wants to see the #work tasks.
    const tagOnly = command.kind === 'update' && command.fragment && Object.keys(command.changes).length === 1 && command.changes.addTags?.length === 1
    if (tagOnly) return listTasks(turn, { kind: 'list', args: { tag: command.changes.addTags![0] }, label: `#${command.changes.addTags![0]} tasks` }, { intent: 'ListTasks', confidence: CONFIDENCE.keyword, command })
    return turn.result(intent, resolved.confidence, resolved.reply)
  }
  const { task, confidence } = resolved
  const id = task.id

  if (command.kind === 'complete') {
    if (task.completed === true) return turn.result(intent, confidence, `Task ${id} "${task.title}" is already done.`)
    const outcome = await turn.run('complete_task', { task_id: id })
    if (!outcome.ok) return turn.result(intent, confidence, failed(outcome))
    const done = outcome.result as Task
    return turn.result(intent, confidence, `Marked task ${done.id} "${done.title}" as done.`)
  }
  if (command.kind === 'delete') {
    const outcome = await turn.run('delete_task', { task_id: id })
    if (!outcome.ok) return turn.result(intent, confidence, failed(outcome))
    const gone = outcome.result as Task
    return turn.result(intent, confidence, `Deleted task ${gone.id} "${gone.title}".`)
  }
  const changes: Changes = command.kind === 'update' ? command.changes : { completed: false }
  const patch = await patchFor(turn, task, changes, localToday(now, input.timezone ?? DEFAULT_TIMEZONE))
  if (typeof patch === 'string') return turn.result(intent, confidence, patch)
  const outcome = await turn.run('update_task', { task_id: id, ...patch })
  if (!outcome.ok) return turn.result(intent, confidence, failed(outcome))
  const after = outcome.result as Task
  const unclear = command.kind === 'update' ? notUnderstood(command.unclear) : ''
  return turn.result(intent, confidence, `${describeChange(task.title ? task : undefined, after, Object.keys(patch))}${unclear}`)
}

/** One task: its details, or the answer to "when is it due?" / "is it done?". */
async function showTask(turn: Turn, command: Extract<Command, { kind: 'show' }>, input: TurnInput): Promise<TurnResult> {
  const resolved = await resolve(turn, command.ref, 'show', input)
  if ('reply' in resolved) return turn.result('ListTasks', resolved.confidence, resolved.reply)
  let task = resolved.task as Partial<Task> & TaskRef
  if (task.created_at === undefined) {
    const tasks = await turn.list({})
    if (!Array.isArray(tasks)) return turn.result('ListTasks', resolved.confidence, failed(tasks))
    const found = tasks.find((t) => t.id === task.id)
    if (!found) return turn.result('ListTasks', resolved.confidence, `I couldn't find task ${task.id}.`)
    task = found
  }
  const name = `task ${task.id} "${task.title}"`
  const text =
    command.asks === 'due' ? (task.due_date ? `Task ${name.slice(5)} is due ${showDate(task.due_date)}.` : `Task ${name.slice(5)} has no due date.`)
    : command.asks === 'done' ? (task.completed ? `Yes, ${name} is done.` : `No, ${name} is still pending.`)
    : describeTask(task as Task, true)
  return turn.result('ListTasks', resolved.confidence, text)
}

/** Take back what the previous reply did, where that can be done exactly. */
async function undo(turn: Turn, input: TurnInput): Promise<TurnResult> {
  const last = [...input.history].reverse().find((m) => m.role === 'assistant')
  const calls = (last?.tool_calls ?? []).filter((c) => c.tool !== 'list_tasks' && !(c.result as { error?: unknown } | null)?.error)
  const call = calls.at(-1)
  const id = (call?.result as { id?: unknown } | null)?.id
  if (!call || calls.length > 1 || typeof id !== 'number') {
    return turn.result('Unknown', CONFIDENCE.fuzzy, calls.length > 1 ? 'That changed several tasks; tell me which one to change back.' : 'There is nothing for me to undo.')
  }
  const title = (call.result as { title?: string }).title ?? ''
  const reverse: [ToolName, Record<string, unknown>, string] | undefined =
    call.tool === 'add_task' ? ['delete_task', { task_id: id }, `Undone: removed task ${id} "${title}" again.`]
    : call.tool === 'complete_task' ? ['update_task', { task_id: id, completed: false }, `Undone: task ${id} "${title}" is pending again.`]
    : call.tool === 'update_task' && (call.arguments as { completed?: unknown }).completed === false && Object.keys(call.arguments as object).length === 2
      ? ['complete_task', { task_id: id }, `Undone: task ${id} "${title}" is done again.`]
      : undefined
  if (!reverse) {
    const what = call.tool === 'delete_task' ? `A deleted task cannot be brought back; say "add ${title}" to create it again.` : `I can't undo an edit by myself; tell me what task ${id} should say instead.`
    return turn.result('Unknown', CONFIDENCE.fuzzy, what)
  }
  const outcome = await turn.run(reverse[0], reverse[1])
  return turn.result('UpdateTask', CONFIDENCE.keyword, outcome.ok ? reverse[2] : failed(outcome))
}

/** A bulk change: list what it would touch and ask; the answer comes as the next message. */
async function askBulk(turn: Turn, command: Extract<Command, { kind: 'bulk' }>, parsed: ParsedMessage): Promise<TurnResult> {
  const intent = parsed.intent
  const listed = await turn.list(command.args)
  if (!Array.isArray(listed)) return turn.result(intent, parsed.confidence, failed(listed))
  let tasks = listed
  if (command.except) {
    // The task to leave out must be clear; otherwise nothing is asked for.
    const pick = pickTask(tasks, parseRefText(command.except), { minScore: MIN_SCORE.delete })
    if (pick.kind !== 'one') {
      return turn.result(intent, CONFIDENCE.ambiguous, `I couldn't tell which task to leave out ("${command.except}"), so I changed nothing. Name it by its number, or delete tasks one by one.`)
    }
    tasks = tasks.filter((t) => t.id !== pick.item.id)
  }
  if (tasks.length === 0) return turn.result(intent, parsed.confidence, `You have no ${command.label}, so there is nothing to ${command.action}.`)
  const listing = tasks.map((t) => describeTask(t)).join('\n')
  return turn.result(intent, parsed.confidence, confirmationText(command.action, tasks, listing))
}

/** Delete or complete each task of `ids`; the reply counts what worked and names what did not. */
async function forEach(turn: Turn, action: BulkAction, ids: readonly number[], intent: Intent): Promise<TurnResult> {
  const tool = action === 'delete' ? 'delete_task' : 'complete_task'
  const done: string[] = []
  const problems: string[] = []
  for (const id of ids) {
    const outcome = await turn.run(tool, { task_id: id })
    if (outcome.ok) done.push(`${id}. ${(outcome.result as Task).title}`)
    else problems.push(`${id} (${outcome.error.message})`)
  }
  const verb = action === 'delete' ? 'Deleted' : 'Marked'
  const tail = action === 'delete' ? '' : ' as done'
  const n = done.length
  const listing = n && n <= 10 ? `: ${done.join('; ')}` : ''
  const skipped = problems.length ? ` Skipped: ${problems.join(', ')}.` : ''
  return turn.result(intent, CONFIDENCE.exact, `${verb} ${n} task${n === 1 ? '' : 's'}${tail}${listing}.${skipped}`)
}

async function runConfirmed(turn: Turn, input: TurnInput): Promise<TurnResult | undefined> {
  const pending = pendingConfirmation(input.history)
  const answer = confirmationAnswer(input.message)
  if (!answer) return undefined
  if (!pending) {
    // "ok", "sure" on their own are small talk; an explicit yes deserves a plain answer.
    if (/^(?:ok|okay|sure|fine|alright)$/i.test(input.message.trim().replace(/[.!]+$/, ''))) return undefined
    return answer === 'yes'
      ? turn.result('Unknown', CONFIDENCE.keyword, "There's nothing waiting for a yes right now. What would you like to do?")
      : turn.result('Unknown', CONFIDENCE.keyword, 'OK.')
  }
  const intent: Intent = pending.action === 'delete' ? 'DeleteTask' : 'CompleteTask'
  if (answer === 'no') return turn.result(intent, CONFIDENCE.exact, 'OK, I changed nothing.')
  return forEach(turn, pending.action, pending.taskIds, intent)
}

type RefCommand = Extract<Command, { kind: 'complete' | 'delete' | 'reopen' | 'update' }>

/**
 * "2" or "the powder one" right after "More than one task matches …, which one?": the earlier request, now
 * for that task. Only one of the offered tasks can be chosen; anything else is a new request.
 */
function answerWhichOne(input: TurnInput, ctx: { now: Date; timezone: string }): RefCommand | undefined {
  const question = openQuestion(input.history)
  if (!question) return undefined
  const text = input.message.trim().replace(/[.!?]+$/, '').replace(/^(?:(?:i meant|i mean|it'?s|that'?s|the one with|number|no\.?)\s+)+/i, '')
  if (text.split(/\s+/).length > 6) return undefined
  const earlier = parseMessage(question.message, ctx).command
  if (!['complete', 'delete', 'reopen', 'update'].includes(earlier.kind)) return undefined
  const ref = parseRef(text)
  let id: number | undefined
  if (ref?.kind === 'id') id = ref.id
  else if (ref?.kind === 'title') {
    const last = [...input.history].reverse().find((m) => m.role === 'assistant')!
    const offered = [...last.content.matchAll(/(?:: |; )(\d+)\. (.+?)(?=; \d+\. |\. Which one\?)/g)].map((m) => ({ id: Number(m[1]), title: m[2] }))
    const pick = pickTask(offered, ref.text, { minScore: 0.5 })
    if (pick.kind === 'one') id = pick.item.id
  }
  if (id === undefined || !question.candidates.includes(id)) return undefined
  return { ...(earlier as RefCommand), ref: { kind: 'id', id } }
}

export function createRulesBackend(deps: { executor: ToolExecutor; clock: () => Date }) {
  const { executor, clock } = deps

  async function reply(input: TurnInput): Promise<TurnResult> {
    const turn = new Turn(executor, input)
    const confirmed = await runConfirmed(turn, input)
    if (confirmed) return confirmed

    const now = clock()
    const ctx = { now, timezone: input.timezone ?? DEFAULT_TIMEZONE }
    const answered = answerWhichOne(input, ctx)
    if (answered) return act(turn, answered, input, now)
    const parsed = parseMessage(input.message, ctx)
    const { command } = parsed
    switch (command.kind) {
      case 'reply': return turn.result(parsed.intent, parsed.confidence, command.text)
      case 'add': return addTask(turn, command, parsed)
      case 'list': return listTasks(turn, command, parsed)
      case 'bulk': return askBulk(turn, command, parsed)
      case 'each': return forEach(turn, command.action, command.ids, parsed.intent)
      case 'undo': return undo(turn, input)
      case 'show': return showTask(turn, command, input)
      default: return act(turn, command, input, now)
    }
  }

  return { reply }
}
