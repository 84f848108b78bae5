// The offline `rules` backend: plain English commands -> tool calls, with no model at all.
// Deterministic: the same message at the same clock time always gives the same calls and reply.
// Dates are calendar dates in UTC, computed from the injected clock.

import type { Priority, Task } from '../store/types.ts'
import { intentOfTool, toolCallRecord, type ToolExecutor, type ToolOutcome } from './tools.ts'
import type { Intent, ToolCallRecord, ToolName, TurnInput, TurnResult } from './types.ts'

/** What a message asks for, before anything runs. */
export type Command =
  | { kind: 'call'; tool: ToolName; args: Record<string, unknown> }
  /** complete/delete a task named by (part of) its title: resolved against the user's tasks. */
  | { kind: 'by_title'; tool: 'complete_task' | 'delete_task'; title: string }
  | { kind: 'reply'; text: string }

export interface ParsedMessage {
  intent: Intent
  confidence: number
  command: Command
}

export const CONFIDENCE = { exact: 0.95, keyword: 0.9, exactTitle: 0.8, fuzzy: 0.6, ambiguous: 0.4, unknown: 0.2 } as const

export const HELP_TEXT = [
  'I can manage your tasks. Try:',
  '- "add buy milk tomorrow #home high priority"',
  '- "what\'s pending", "show completed", "show high priority tasks", "show #work"',
  '- "mark 3 done" or "complete buy milk"',
  '- "delete task 2", "rename 1 to call mom", "set 2 priority high", "move 2 to friday", "reopen 3"',
  'Dates: today, tomorrow, a weekday, "next week", "in 3 days", "on 2026-12-01".',
].join('\n')

// ---------------------------------------------------------------------------------------------
// Dates, priorities, tags

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday']

function isoDay(now: Date, plusDays: number): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + plusDays))
  return d.toISOString().slice(0, 10)
}

const DATE_LEAD = String.raw`(?:\b(?:on|by|due|for|until)\s+)?`
const DATE_RULES: { re: RegExp; days: (m: RegExpMatchArray, now: Date) => string }[] = [
  { re: new RegExp(DATE_LEAD + String.raw`\b(\d{4}-\d{2}-\d{2})\b`, 'i'), days: (m) => m[1] },
  { re: new RegExp(DATE_LEAD + String.raw`\b(?:the\s+)?day after tomorrow\b`, 'i'), days: (_m, now) => isoDay(now, 2) },
  { re: new RegExp(DATE_LEAD + String.raw`\btomorrow\b`, 'i'), days: (_m, now) => isoDay(now, 1) },
  { re: new RegExp(DATE_LEAD + String.raw`\btoday\b`, 'i'), days: (_m, now) => isoDay(now, 0) },
  { re: new RegExp(DATE_LEAD + String.raw`\bnext week\b`, 'i'), days: (_m, now) => isoDay(now, 7) },
  { re: new RegExp(DATE_LEAD + String.raw`\bin\s+(\d{1,3})\s+days?\b`, 'i'), days: (m, now) => isoDay(now, Number(m[1])) },
  {
    // A weekday is the next one after today ("friday" said on a Friday is a week later).
    re: new RegExp(DATE_LEAD + String.raw`\b(?:this\s+|next\s+)?(${WEEKDAYS.join('|')})\b`, 'i'),
    days: (m, now) => {
      const ahead = (WEEKDAYS.indexOf(m[1].toLowerCase()) - now.getUTCDay() + 7) % 7 || 7
      return isoDay(now, ahead)
    },
  },
]

/** Find a date phrase in `text`; returns the date and the text without the phrase. */
export function extractDate(text: string, now: Date): { date?: string; rest: string } {
  for (const rule of DATE_RULES) {
    const m = text.match(rule.re)
    if (m) return { date: rule.days(m, now), rest: text.replace(m[0], ' ') }
  }
  return { rest: text }
}

const PRIORITY_WORD = '(low|normal|medium|high|critical|urgent)'
const toPriority = (word: string): Priority => {
  const w = word.toLowerCase()
  return w === 'medium' ? 'normal' : w === 'urgent' ? 'critical' : (w as Priority)
}

function extractPriority(text: string): { priority?: Priority; rest: string } {
  const patterns = [
    new RegExp(String.raw`\b(?:with\s+)?(?:a\s+)?${PRIORITY_WORD}[\s-]+priority\b`, 'i'),
    new RegExp(String.raw`\bpriority\s*(?::|=|is|to)?\s*${PRIORITY_WORD}\b`, 'i'),
  ]
  for (const re of patterns) {
    const m = text.match(re)
    if (m) return { priority: toPriority(m[1]), rest: text.replace(m[0], ' ') }
  }
  return { rest: text }
}

function extractTags(text: string): { tags: string[]; rest: string } {
  const tags = new Set<string>()
  const rest = text.replace(/(^|\s)#([A-Za-z0-9_-]+)/g, (_all, lead: string, tag: string) => {
    tags.add(tag.toLowerCase())
    return lead
  })
  return { tags: [...tags], rest }
}

const tidy = (s: string) => s.replace(/\s+/g, ' ').trim()

// ---------------------------------------------------------------------------------------------
// The parser

const ID = String.raw`(?:task\s+|number\s+|no\.?\s*)?#?(\d+)`
const DONE = '(?:done|complete|completed|finished)'
const rx = (source: string) => new RegExp(`^${source}$`, 'i')

const R = {
  help: rx(String.raw`(?:help|\?|commands|what can you do|how does this work|what do you understand)`),
  add: rx(String.raw`(?:please\s+)?(?:add|create|new|remind me to|todo:?)\b(?:\s+(?:a\s+)?(?:new\s+)?(?:task|todo|item)\b)?(?:\s*(?::|to\b))?\s*(.*)`),
  completeId: [
    rx(String.raw`(?:mark|set|tick|check)\s+${ID}\s+(?:as\s+)?(?:off|${DONE})`),
    rx(String.raw`(?:complete|finish|done|close|check off|tick off)\s+${ID}`),
    rx(String.raw`(?:i\s+)?(?:finished|completed|did)\s+${ID}`),
  ],
  reopenId: [
    rx(String.raw`(?:reopen|uncomplete|undo)\s+${ID}`),
    rx(String.raw`mark\s+${ID}\s+(?:as\s+)?(?:not\s+done|undone|pending|incomplete|open)`),
  ],
  deleteId: rx(String.raw`(?:delete|remove|drop|cancel|erase)\s+${ID}`),
  rename: [
    rx(String.raw`(?:rename|retitle)\s+${ID}\s+(?:to|as)\s+(.+)`),
    rx(String.raw`change\s+(?:the\s+)?(?:title\s+of\s+)?${ID}(?:'s)?\s+(?:title\s+)?to\s+(.+)`),
  ],
  priority: rx(String.raw`(?:set|change|make|mark)\s+(?:the\s+)?(?:priority\s+of\s+)?${ID}(?:'s)?\s+(?:priority\s+)?(?:to\s+|as\s+)?${PRIORITY_WORD}(?:\s+priority)?`),
  due: rx(String.raw`(?:set|change|move|reschedule|schedule)\s+${ID}(?:'s)?\s+(?:due(?:\s+date)?\s+)?(?:to\s+|for\s+)?(.+)`),
  completeTitle: [
    rx(String.raw`(?:complete|finish|check off|tick off)\s+(?:the\s+)?(?:task\s+)?(.+)`),
    rx(String.raw`mark\s+(?:the\s+)?(?:task\s+)?(.+?)\s+(?:as\s+)?${DONE}`),
    rx(String.raw`i\s+(?:finished|completed|did)\s+(?:the\s+)?(?:task\s+)?(.+)`),
  ],
  deleteTitle: rx(String.raw`(?:delete|remove|drop|erase)\s+(?:the\s+)?(?:task\s+)?(.+)`),
  // A list request needs a question/verb and something about tasks ("what's pending", "show #work").
  listVerb: /^(?:list|show|display|view|see|get|what(?:'s|\s+is|\s+are)?|which|any|do i have|how many)\b/i,
  listNoun: /(?:\b(?:tasks?|todos?|to-?do|list|items?|pending|open|outstanding|remaining|left|completed|done|finished|have|tagged)\b|#[a-z0-9_-])/i,
  listBare: /^(?:my\s+|all\s+)?(?:pending\s+|open\s+|completed\s+|done\s+)?(?:tasks|todos|to-?do list)$/i,
}

function matchFirst(patterns: RegExp[], text: string): RegExpMatchArray | null {
  for (const re of patterns) {
    const m = text.match(re)
    if (m) return m
  }
  return null
}

const call = (intent: Intent, confidence: number, tool: ToolName, args: Record<string, unknown>): ParsedMessage => ({
  intent,
  confidence,
  command: { kind: 'call', tool, args },
})

function parseAdd(rest: string, now: Date): ParsedMessage {
  const { tags, rest: r1 } = extractTags(rest)
  const { priority, rest: r2 } = extractPriority(r1)
  const { date, rest: r3 } = extractDate(r2, now)
  const title = tidy(r3).replace(/^["']|["']$/g, '')
  if (!title) return { intent: 'AddTask', confidence: 0.5, command: { kind: 'reply', text: 'What should I add? For example: "add buy milk tomorrow".' } }
  const args: Record<string, unknown> = { title }
  if (priority) args.priority = priority
  if (date) args.due_date = date
  if (tags.length) args.tags = tags
  return call('AddTask', CONFIDENCE.exact, 'add_task', args)
}

function parseList(text: string): ParsedMessage {
  const args: Record<string, unknown> = {}
  if (/\b(?:completed|done|finished)\b/i.test(text)) args.status = 'completed'
  else if (/\b(?:pending|open|todo|remaining|outstanding|left|incomplete|unfinished)\b/i.test(text)) args.status = 'pending'
  const p = text.match(new RegExp(`\\b${PRIORITY_WORD}\\b`, 'i'))
  if (p) args.priority = toPriority(p[1])
  const tag = text.match(/(?:#|\btagged\s+|\btag\s+)([a-z0-9_-]{1,20})\b/i)
  if (tag) args.tag = tag[1].toLowerCase()
  return call('ListTasks', CONFIDENCE.keyword, 'list_tasks', args)
}

/** Understand one message. Pure: no I/O; `now` only resolves relative dates. */
export function parseMessage(message: string, now: Date): ParsedMessage {
  const text = tidy(message).replace(/[.!]+$/, '')
  let m: RegExpMatchArray | null

  if (R.help.test(text)) return { intent: 'Help', confidence: CONFIDENCE.exact, command: { kind: 'reply', text: HELP_TEXT } }
  if ((m = text.match(R.add))) return parseAdd(m[1], now)
  if ((m = matchFirst(R.completeId, text))) return call('CompleteTask', CONFIDENCE.exact, 'complete_task', { task_id: Number(m[1]) })
  if ((m = matchFirst(R.reopenId, text))) return call('UpdateTask', CONFIDENCE.exact, 'update_task', { task_id: Number(m[1]), completed: false })
  if ((m = text.match(R.deleteId))) return call('DeleteTask', CONFIDENCE.exact, 'delete_task', { task_id: Number(m[1]) })
  if ((m = matchFirst(R.rename, text))) return call('UpdateTask', CONFIDENCE.exact, 'update_task', { task_id: Number(m[1]), title: tidy(m[2]) })
  if ((m = text.match(R.priority))) return call('UpdateTask', CONFIDENCE.exact, 'update_task', { task_id: Number(m[1]), priority: toPriority(m[2]) })
  if ((m = text.match(R.due))) {
    const { date, rest } = extractDate(m[2], now)
    if (date && tidy(rest) === '') return call('UpdateTask', CONFIDENCE.exact, 'update_task', { task_id: Number(m[1]), due_date: date })
  }
  if ((m = matchFirst(R.completeTitle, text))) return { intent: 'CompleteTask', confidence: CONFIDENCE.fuzzy, command: { kind: 'by_title', tool: 'complete_task', title: tidy(m[1]) } }
  if ((m = text.match(R.deleteTitle))) return { intent: 'DeleteTask', confidence: CONFIDENCE.fuzzy, command: { kind: 'by_title', tool: 'delete_task', title: tidy(m[1]) } }
  if ((R.listVerb.test(text) && R.listNoun.test(text)) || R.listBare.test(text)) return parseList(text)
  return {
    intent: 'Unknown',
    confidence: CONFIDENCE.unknown,
    command: { kind: 'reply', text: `Sorry, I didn't understand "${tidy(message).slice(0, 100)}". ${HELP_TEXT}` },
  }
}

// ---------------------------------------------------------------------------------------------
// Replies

function describeTask(t: Task): string {
  const details = [
    t.completed ? 'done' : '',
    t.due_date ? `due ${t.due_date.slice(0, 10)}` : '',
    t.priority !== 'normal' ? `${t.priority} priority` : '',
    ...t.tags.map((tag) => `#${tag}`),
  ].filter(Boolean)
  return `${t.id}. ${t.title}${details.length ? ` (${details.join(', ')})` : ''}`
}

function replyFor(tool: ToolName, args: Record<string, unknown>, outcome: ToolOutcome): string {
  if (!outcome.ok) return `I couldn't do that: ${outcome.error.message}.`.replace(/\.\.$/, '.')
  switch (tool) {
    case 'add_task': return `Added task ${describeTask(outcome.result as Task)}.`
    case 'complete_task': return `Marked task ${(outcome.result as Task).id} "${(outcome.result as Task).title}" as done.`
    case 'delete_task': return `Deleted task ${(outcome.result as Task).id} "${(outcome.result as Task).title}".`
    case 'update_task': return `Updated task ${describeTask(outcome.result as Task)}.`
    case 'list_tasks': {
      const { tasks } = outcome.result as { tasks: Task[] }
      const which = [args.status === 'all' ? '' : (args.status as string | undefined), args.priority ? `${args.priority as string} priority` : '', args.tag ? `#${args.tag as string}` : '']
        .filter(Boolean).join(' ')
      const label = which ? `${which} tasks` : 'tasks'
      if (tasks.length === 0) return `You have no ${label}.`
      return [`You have ${tasks.length} ${tasks.length === 1 ? label.replace(/tasks$/, 'task') : label}:`, ...tasks.map(describeTask)].join('\n')
    }
  }
}

/** Pick the task a title names: an exact (case-insensitive) title, else the only one containing it. */
function resolveTitle(tasks: Task[], title: string): { task?: Task; exact: boolean; candidates: Task[] } {
  const wanted = title.toLowerCase()
  const exact = tasks.filter((t) => t.title.toLowerCase() === wanted)
  if (exact.length === 1) return { task: exact[0], exact: true, candidates: exact }
  const partial = exact.length > 1 ? exact : tasks.filter((t) => t.title.toLowerCase().includes(wanted))
  return { task: partial.length === 1 ? partial[0] : undefined, exact: false, candidates: partial }
}

export function createRulesBackend(deps: { executor: ToolExecutor; clock: () => Date }) {
  const { executor, clock } = deps

  async function reply(input: TurnInput): Promise<TurnResult> {
    const parsed = parseMessage(input.message, clock())
    const { command } = parsed
    const tool_calls: ToolCallRecord[] = []
    const run = async (tool: ToolName, args: Record<string, unknown>) => {
      const outcome = await executor.execute(input.userId, tool, args)
      tool_calls.push(toolCallRecord(tool, args, outcome))
      return outcome
    }

    if (command.kind === 'reply') return { reply: command.text, intent: parsed.intent, confidence: parsed.confidence, tool_calls }
    if (command.kind === 'call') {
      const outcome = await run(command.tool, command.args)
      return { reply: replyFor(command.tool, command.args, outcome), intent: parsed.intent, confidence: parsed.confidence, tool_calls }
    }

    // By title: look the task up (completing only considers pending tasks), then act on its id.
    const listArgs = command.tool === 'complete_task' ? { status: 'pending' } : {}
    const listed = await run('list_tasks', listArgs)
    const intent = intentOfTool(command.tool)
    if (!listed.ok) return { reply: replyFor('list_tasks', listArgs, listed), intent, confidence: parsed.confidence, tool_calls }
    const { task, exact, candidates } = resolveTitle((listed.result as { tasks: Task[] }).tasks, command.title)
    if (!task) {
      const text = candidates.length
        ? `Several tasks match "${command.title}": ${candidates.map((t) => `${t.id}. ${t.title}`).join('; ')}. Which one? Use its number, e.g. "${command.tool === 'complete_task' ? 'mark' : 'delete task'} ${candidates[0].id}${command.tool === 'complete_task' ? ' done' : ''}".`
        : `I couldn't find a ${command.tool === 'complete_task' ? 'pending ' : ''}task called "${command.title}".`
      return { reply: text, intent, confidence: candidates.length ? CONFIDENCE.ambiguous : parsed.confidence, tool_calls }
    }
    const args = { task_id: task.id }
    const outcome = await run(command.tool, args)
    return { reply: replyFor(command.tool, args, outcome), intent, confidence: exact ? CONFIDENCE.exactTitle : CONFIDENCE.fuzzy, tool_calls }
  }

  return { reply }
}
