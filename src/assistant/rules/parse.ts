// One message -> what it asks for (a Command), before anything runs. Pure: no I/O; `now` and the time
// zone only resolve dates. Which task a reference names is decided later, against the user's tasks and
// the session history (rules.ts).

import type { Priority } from '../../store/types.ts'
import type { Intent } from '../types.ts'
import { distance } from 'fastest-levenshtein'
import { extractDate, localToday, showDate } from './dates.ts'
import {
  ADD_LEADS, cleanTitle, expandShorthand, extractDescription, extractPriority, extractQuoted, extractTags, PRIORITY_WORD, priorityOnly, splitTags, stripFillers, tidy,
} from './details.ts'
import type { BulkAction } from './history.ts'
import { isListRequest, listArgs } from './lists.ts'
import { IRREGULAR_PAST, keyWords } from './match.ts'

export type Ref =
  | { kind: 'id'; id: number }
  /** "it"/"that" = the task the conversation was about; "last"; or a position in the list just shown. */
  | { kind: 'recent'; which: 'it' | 'last' | 'added' | number }
  | { kind: 'title'; text: string }
  /** "remove the home tag": the task in the conversation if it has that tag, else the only task that has it. */
  | { kind: 'tagged'; tag: string }

export interface Changes {
  title?: string
  description?: string
  priority?: Priority
  due_date?: string | null
  addTags?: string[]
  removeTags?: string[] | 'all'
  completed?: boolean
  /** Move the due date by this many days (from the current due date, or from today when there is none). */
  shiftDays?: number
  /** One priority step up (+1) or down (-1): "more urgent", "less important". */
  priorityStep?: 1 | -1
}

interface NewTaskArgs {
  title: string
  description?: string
  priority?: Priority
  due_date?: string
  tags?: string[]
}

export interface ListArgs {
  status?: 'all' | 'pending' | 'completed'
  priority?: Priority
  min_priority?: Priority
  tag?: string
  due_from?: string
  due_to?: string
}

export type Command =
  /** `unclear`: a sentence on what was not understood (kept in the title). */
  | { kind: 'add'; task: NewTaskArgs; unclear?: string }
  | { kind: 'list'; args: ListArgs; label: string; sort?: 'due' | 'priority' }
  | { kind: 'complete' | 'delete' | 'reopen'; ref: Ref }
  /** `fragment`: the message was only the change ("#office"), said about the task in the conversation. */
  | { kind: 'update'; ref: Ref; changes: Changes; unclear?: string; fragment?: boolean }
  /** `except`: a task to leave out ("delete all my tasks except the dentist"). */
  | { kind: 'bulk'; action: BulkAction; args: ListArgs; label: string; except?: string }
  /** The same change to each of several tasks named by id. */
  | { kind: 'each'; action: BulkAction; ids: number[] }
  /** Take back the change the previous reply made. */
  | { kind: 'undo' }
  /** One task's details, or a question about it ("when is the bill due?", "is the milk done?"). */
  | { kind: 'show'; ref: Ref; asks?: 'due' | 'done' }
  | { kind: 'reply'; text: string }

export interface ParsedMessage {
  intent: Intent
  confidence: number
  command: Command
}

export interface ParseContext {
  now: Date
  timezone: string
}

export const CONFIDENCE = { exact: 0.95, keyword: 0.9, exactTitle: 0.8, fuzzy: 0.6, ambiguous: 0.4, unknown: 0.2 } as const

const HELP_TEXT = [
  'I can manage your tasks. Try:',
  '- "add buy milk tomorrow #home high priority", "remind me to call mom friday - note: ask about the trip"',
  '- "what\'s due this week?", "anything overdue?", "show my high priority tasks", "show #work", "show everything"',
  '- "mark 3 done", "I bought the milk", "delete the dentist one"',
  '- "rename 1 to call dad", "make it urgent", "move the dentist appointment to friday", "tag 2 with work", "reopen 3"',
  'Dates: today, tonight, tmrw, friday, next week, this weekend, in 3 days, by dec 5, end of the month, 2026-12-01.',
].join('\n')

const reply = (intent: Intent, confidence: number, text: string): ParsedMessage => ({ intent, confidence, command: { kind: 'reply', text } })

// Questions for something other than tasks: a plain "I only do tasks" rather than a guess.
const OFF_TOPIC = /^(?:tell me (?:a |another )?(?:joke|story|something)|what(?:'s| is) the (?:weather|time|news|score)|(?:who|what) (?:made|built|created) you|what do you know about me|are you (?:a |an )?(?:bot|human|ai|real)|what(?:'s| is) (?:your name|the meaning of life)|how old are you|sing .*|write (?:me )?a (?:poem|song|story).*)$/i
const OFF_TOPIC_REPLY = 'I can only help with your tasks: adding, listing, completing, changing and deleting them. Say "help" for examples.'
const VERB_ONLY = /^(?:delete|remove|complete|finish|mark (?:as )?(?:done|complete)|mark|done|tick off|check off|reopen|rename|move|postpone|update|edit|change)(?:\s+(?:a|the|my)\s+task)?$/i

// ------------------------------------------------------------------------------------------ small talk

const SMALL_TALK: [RegExp, Intent, string][] = [
  [/^(?:help|help me|i need help|\?|commands|menu|options|what can (?:you|u|i) (?:do|say|ask)(?: here| for me)?|what do you do|what are you|who are you|how does (?:this|it) work|how do i use (?:this|you)|what can i do(?: here)?|what do you understand|what are my options|instructions|(?:can|could) you help(?: me)?|what should i (?:say|type)|what commands are there)$/i, 'Help', HELP_TEXT],
  [/^(?:you'?re|you are|that'?s|this is)\s+(?:so\s+|really\s+)?(?:awesome|great|the best|amazing|a star|helpful|cool|smart|brilliant|perfect|nice|wonderful|fantastic)$|^(?:good job|great job|well done|nice one|nice work|love it|love you)$/i, 'Help', 'Thanks! Happy to help with your tasks.'],
  [/^(?:hm+|um+|uh+|ok+|k|kk|alright|right|fine|got it|i see|noted|understood|makes sense|lol|haha+|hehe|:\)|:-\))$/i, 'Help', 'OK. What would you like to do with your tasks?'],
  [/^(?:hi|hello|hey|heya|hiya|howdy|yo|sup|greetings|good (?:morning|afternoon|evening|day)|morning|hey there|hi there|hello there|what'?s up|wassup)(?: there)?(?:,? (?:assistant|bot|buddy|friend|mate))?$/i, 'Help',
    'Hi! I manage your tasks: tell me what to add ("add call mom tomorrow"), ask what\'s due, or say "help" for more.'],
  [/^(?:how are you(?: doing| today)?|how'?s it going|how are things)$/i, 'Help', "I'm doing well, thanks! What can I do for your tasks?"],
  [/^(?:thanks?(?: you)?(?: so much| a lot| very much| again)?|thank u|thx|ty|tysm|cheers|much appreciated|appreciate it|(?:great|perfect|awesome|cool|nice|ok|okay|good)(?:,? (?:thanks?(?: you)?|thx|ty))?|cool beans|sweet|brilliant|lovely)$/i, 'Help',
    "You're welcome! Anything else?"],
  [/^(?:(?:thanks?(?: you)?(?: a lot| so much)?|thx|ok|okay|great|perfect|cool)[, ]+)?(?:bye|goodbye|good bye|see (?:you|ya)(?: later)?|later|cya|good night|night|that'?s all|that is all|that'?s it|i'?m done for now|nothing else|all good|we'?re done)(?:[, ]+(?:thanks?(?: you)?|thx|bye))?$/i, 'Help', 'Bye! Your tasks are saved.'],
]

// ------------------------------------------------------------------------------------------ references

const ORDINALS: Record<string, number> = { first: 1, '1st': 1, second: 2, '2nd': 2, third: 3, '3rd': 3, fourth: 4, '4th': 4, fifth: 5, '5th': 5 }

export function parseRef(raw: string): Ref | undefined {
  // "the garage door, it's not happening": the clause after the comma says why, not which.
  const text = tidy(raw).replace(/\s*[,;]\s*(?:it'?s|it is|that'?s|not|never|no longer|because|since|we|i|as it)\b.*$/i, '')
    .replace(/^["'“‘](.*)["'”’]$/, '$1').replace(/[?.!,]+$/, '').trim()
  const low = text.toLowerCase()
  if (!low) return undefined
  let m = /^(?:the\s+)?(?:(?:task|todo|item)\s*)?(?:number|no\.?|nr\.?|#)?\s*#?(\d{1,9})(?:\s+(?:task|one))?$/.exec(low)
  if (m) return { kind: 'id', id: Number(m[1]) }
  if (/^(?:it|that|this|that one|this one|that task|this task|the task|same one|the same one|the one i just (?:added|created|made|mentioned)|the one you just (?:added|created|made)|the new one|that one too)$/.test(low)) return { kind: 'recent', which: 'it' }
  if (/^(?:the\s+)?(?:last|latest|newest|most recent|previous|last added)(?:\s+(?:one|task|item|todo|one i added))?$/.test(low)) return { kind: 'recent', which: 'last' }
  m = /^(?:the\s+)?(first|1st|second|2nd|third|3rd|fourth|4th|fifth|5th)(?:\s+(?:one|task|item))?(?:\s+on the list)?$/.exec(low)
  if (m) return { kind: 'recent', which: ORDINALS[m[1]] }
  const title = text
    .replace(/^(?:the\s+)?(?:task|todo|item|one|reminder)\s+(?:called|named|titled|about|for|to|that says)\s+/i, '')
    .replace(/^(?:the\s+|my\s+|that\s+|this\s+)/i, '')
    .replace(/\s+(?:task|todo|one|item|thing|reminder)$/i, '')
    .replace(/^["'“‘](.*)["'”’]$/, '$1')
    .trim()
  return title ? { kind: 'title', text: title } : undefined
}

// ------------------------------------------------------------------------------------------ changes

const NO_DUE = /\b(?:no (?:due )?date|no deadline|without (?:a )?(?:due )?date|undated|someday|no due)\b/i
const LEFTOVER_NOISE = /\b(?:and|also|then|make|set|mark|it|its|it'?s|is|as|to|the|a|an|priority|prio|due|date|please|pls|with|now|instead|too|be|should|for|on|by|of|task|one)\b|[,.;:!?&-]/gi

const PRIORITY_STEP = /\b(?:(?:less|more|not as|not so)\s+(?:important|urgent|pressing|of a priority)|(?:lower|higher)(?:\s+(?:the\s+)?priority)?|a higher priority|a lower priority)\b/i

/** The changes a phrase asks for ("friday and make it urgent", "high", "#work"), and what was left unread. */
function parseChanges(text: string, ctx: ParseContext): { changes: Changes; leftover: string } {
  const changes: Changes = {}
  let rest = ` ${text} `
  if (NO_DUE.test(rest)) {
    changes.due_date = null
    rest = rest.replace(NO_DUE, ' ')
  }
  const tags = extractTags(rest)
  if (tags.tags.length) {
    changes.addTags = tags.tags
    rest = tags.rest
  }
  const step = PRIORITY_STEP.exec(rest)
  const prio = step ? undefined : extractPriority(rest)
  if (step) {
    changes.priorityStep = /^(?:less|lower|not as|not so)/i.test(step[0].trim()) ? -1 : 1
    rest = rest.replace(step[0], ' ')
  } else if (prio) {
    changes.priority = prio.value
    rest = prio.rest
  } else {
    const bare = /(?:^|\s)(?:to\s+|as\s+)?(low|normal|medium|high|critical|urgent|top|highest|lowest)(?:\s+priority)?(?=\s|$)/i.exec(rest)
    if (bare) {
      changes.priority = PRIORITY_WORD[bare[1].toLowerCase()]
      rest = rest.replace(bare[0], ' ')
    }
  }
  const date = changes.due_date === null ? undefined : extractDate(rest, ctx.now, ctx.timezone)
  if (date) {
    changes.due_date = date.date
    rest = date.rest
  }
  return { changes, leftover: tidy(rest.replace(LEFTOVER_NOISE, ' ')) }
}

const hasChanges = (c: Changes) => Object.keys(c).length > 0
const COUNT: Record<string, number> = { a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, couple: 2, 'a couple of': 2, few: 3, 'a few': 3 }
const countOf = (word: string) => COUNT[word.toLowerCase()] ?? Number(word)


// ------------------------------------------------------------------------------------------ adding

const ADD_VERB = /^(?:add|ad|addd|create|new|jot down|note down|write down|put down|note to self|reminder|memo|todo|to-do|make a (?:new )?(?:task|todo|reminder|note)|set (?:a|up a) (?:reminder|task)|schedule a task)\b\s*(?:(?:a|an|another|one more|the)\s+)?(?:new\s+)?(?:(?:task|todo|to-do|item|reminder|entry|one)s?\b)?(?:\s+for\s+me\b)?\s*(?:[:\-]|\bto\b|\bthat\b|\bsaying\b|\bcalled\b|\bnamed\b|\bfor\b|\bto do\b)?\s*/i
const TASK_NOUN_LEAD = /^(?:(?:a|an|another|one more)\s+)?(?:new\s+)?(?:task|todo|to-do|item|reminder)s?\b\s*(?::|-|\bto\b|\bcalled\b|\bnamed\b|\bfor\b|\bthat says\b)?\s*/i
const LIST_TAIL = /\s+(?:to|on|onto|in)\s+(?:my|the|our)\s+(?:(?:to[- ]?do|[a-z]+)\s+)?(?:list|tasks|todos)$/i
// Verbs a bare task usually starts with ("call mom tomorrow" is a task to add).
const TASK_VERBS = new Set(('buy call email e-mail text phone ring pay book order pick get send write finish clean fix repair return renew submit prepare plan ' +
  'read review visit wash water feed walk take bring cook bake mow vacuum sweep go meet study practice contact ask tell organize ' +
  'sort file print sign mail post ship pack wrap shop grab refill replace install charge backup upload download register apply ' +
  'research reply respond invite thank hire learn update prep draft collect drop change renew finalize schedule pickup call ' +
  'check make do see sell donate wipe fill pack paint iron dust hang hoover tidy declutter defrost cancel').split(' '))

function parseNewTask(raw: string, ctx: ParseContext): { task?: NewTaskArgs; unclear?: string } {
  const { quoted, rest: r0 } = extractQuoted(raw)
  const desc = extractDescription(r0)
  const tags = extractTags(desc.rest)
  const prio = extractPriority(tags.rest)
  let rest = prio ? prio.rest : tags.rest
  let date = extractDate(rest, ctx.now, ctx.timezone)
  if (date) rest = date.rest
  let description = desc.description
  // "book car service - it's making a noise - next tuesday": a date closing the note is the due date.
  if (!date && description) {
    const tail = /(?:^|\s*[-–—,;]\s*|\s+(?:by|due|before)\s+)([^-–—,;]+)$/.exec(description)
    const inTail = tail ? extractDate(tail[1], ctx.now, ctx.timezone) : undefined
    if (tail && inTail && cleanTitle(inTail.rest) === '') {
      date = inTail
      description = description.slice(0, tail.index).replace(/[\s\-–—,;:]+$/, '').trim() || undefined
    }
  }
  if (!description && !quoted) {
    const paren = extractDescription(rest, true)
    description = paren.description
    rest = paren.rest
  }
  let title = quoted ?? cleanTitle(cleanTitle(rest).replace(ADD_LEADS, '').replace(TASK_NOUN_LEAD, '').replace(/^(?:task|todo|item|reminder)s?$/i, '').replace(LIST_TAIL, ''))
  // "urgent task - replace the batteries": with nothing left before the dash, what follows it is the title.
  if (!title && description) {
    title = cleanTitle(description)
    description = undefined
  }
  if (!title) return {}
  const task: NewTaskArgs = { title }
  if (description) task.description = description
  if (prio) task.priority = prio.value
  if (date) task.due_date = date.date
  if (tags.tags.length) task.tags = tags.tags
  // Cue words still in the title were not understood: say so rather than file them silently.
  const repeat = quoted ? undefined : /\b(?:every|each)\s+(?:other\s+)?(?:day|week|month|year|morning|evening|night|weekday|weekend|monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?\b/i.exec(title)?.[0]
  if (repeat) {
    // "pay rent on the 1st of every month": the first one is due; the rest is not kept anywhere but the title.
    const once = task.due_date ? `it is due once, on ${showDate(task.due_date)}` : 'it has no due date'
    return { task, unclear: `"${repeat}" stays in the title: tasks do not repeat here, so ${once}` }
  }
  const unread = date?.unread && !quoted && title.toLowerCase().includes(date.unread.toLowerCase()) ? date.unread : undefined
  if (unread) return { task, unclear: `I kept "${unread}" in the title: I could not read it as part of the date` }
  const cue = quoted ? undefined : /\b(?:priority|prio|deadline|due(?: date)?|tag(?:ged)?)\b[^,.;]*/i.exec(title)?.[0]
  return { task, unclear: cue ? `I kept "${cue}" in the title: I could not read it as a date, priority or tag` : undefined }
}

function addCommand(raw: string, ctx: ParseContext): ParsedMessage {
  const { task, unclear } = parseNewTask(raw, ctx)
  if (!task) return reply('AddTask', 0.5, 'What should I add? For example: "add buy milk tomorrow".')
  return { intent: 'AddTask', confidence: CONFIDENCE.exact, command: { kind: 'add', task, unclear } }
}

// ------------------------------------------------------------------------------------------ patterns

const TAGS = String.raw`(#?[a-z0-9_][a-z0-9_-]*(?:\s*(?:,|and|&)\s*#?[a-z0-9_][a-z0-9_-]*)*)`
const SHORT_REF = String.raw`(it|that|this|that one|this one|(?:task\s*|number\s*|#)?\d+)`
const DONE_WORDS = String.raw`(?:done|complete|completed|finished|off|resolved|closed|ticked off|checked off|crossed off)`
const NOT_DONE_WORDS = String.raw`(?:not\s+(?:done|complete|completed|finished)|undone|incomplete|pending|open|unfinished|to\s?do|active|uncompleted)`
const rx = (source: string) => new RegExp(`^${source}$`, 'i')

type Builder = (m: RegExpExecArray, ctx: ParseContext) => ParsedMessage | undefined

const refOr = (text: string) => parseRef(text)
const ONE_TAG = String.raw`(#?[a-z0-9_][a-z0-9_-]*)`
/** "remove the home tag" with no task named: which task is decided against the user's tags (rules.ts). */
function tagRemoval(word: string): ParsedMessage | undefined {
  const tag = splitTags(word)[0]
  return tag ? update({ kind: 'tagged', tag }, { removeTags: [tag] }) : undefined
}

function update(ref: Ref | undefined, changes: Changes, unclear?: string, confidence: number = CONFIDENCE.exact): ParsedMessage | undefined {
  if (!ref || !hasChanges(changes)) return undefined
  return { intent: 'UpdateTask', confidence, command: { kind: 'update', ref, changes, unclear: unclear || undefined } }
}

// A "reference" that is really a question or a list request ("show completed", "what's done").
const NOT_A_REF = /^(?:show|list|display|view|see|what|whats|what's|which|how|who|when|where|why|any|anything|everything|all|my tasks|tasks)\b/i

function act(kind: 'complete' | 'delete' | 'reopen', refText: string): ParsedMessage | undefined {
  const ref = refOr(refText)
  if (!ref || NOT_A_REF.test(refText.trim())) return undefined
  if (ref.kind === 'title' && keyWords(ref.text).length === 0) return undefined
  const intent: Intent = kind === 'complete' ? 'CompleteTask' : kind === 'delete' ? 'DeleteTask' : 'UpdateTask'
  return { intent, confidence: ref.kind === 'title' ? CONFIDENCE.fuzzy : CONFIDENCE.exact, command: { kind, ref } }
}

/** Every way to split "X to Y" at a connector: [X, connector, Y]. */
function splitRefValue(text: string, connector: RegExp): [string, string, string][] {
  const splits: [string, string, string][] = []
  const re = new RegExp(connector.source, 'gi')
  for (let m = re.exec(text); m; m = re.exec(text)) {
    splits.push([text.slice(0, m.index).trim(), m[0].trim(), text.slice(m.index + m[0].length).trim()])
    if (m[0].length === 0) re.lastIndex += 1
  }
  return splits.filter(([a, , b]) => a && b)
}

/**
 * A task and the changes after it: "the dentist one to friday", "it urgent and due monday". `needDate`:
 * a date must be among them (move, postpone). Otherwise a date alone needs "to"/"for"/"due" ("make dinner
 * tomorrow" is a new task, not a change).
 */
function refValue(text: string, connectors: RegExp, ctx: ParseContext, needDate: boolean): ParsedMessage | undefined {
  const splits = splitRefValue(text, connectors)
  // First a split that leaves nothing unread ("the quartely report" + "urgent"), then one with a little left.
  for (const tolerance of [0, 3]) {
    for (const [refText, connector, value] of splits) {
      const ref = refOr(refText)
      if (!ref || (ref.kind === 'title' && keyWords(ref.text).length === 0)) continue
      const { changes, leftover } = parseChanges(value, ctx)
      if (!hasChanges(changes) || (needDate && changes.due_date === undefined)) continue
      const onlyDate = Object.keys(changes).length === 1 && changes.due_date !== undefined
      // "make dinner tomorrow" is a new task; "make it friday" is a change: a date alone needs "to"/"due" or "it".
    if (!needDate && onlyDate && ref.kind === 'title' && !/^(?:to|for|on|by|until)$/i.test(connector) && !/^due\b/i.test(value)) continue
      if (leftover && leftover.split(' ').length > tolerance) continue
      const result = update(ref, changes, leftover)
      if (result) return result
    }
  }
  return undefined
}

const DATE_FIRST = rx(String.raw`(?:set|give|put|add|assign|attach)\s+(?:a\s+|an\s+|the\s+)?(?:due\s+date|deadline|due|date)\s+(?:(?:of|to|on|for|as|at)\s+)?(.+)`)

/** A date, then the task it is for: "april 2 for call mom", "the 18th on the landlord email". */
function dateThenRef(text: string, ctx: ParseContext): ParsedMessage | undefined {
  for (const [value, , refText] of splitRefValue(text, /\s+(?:for|on|to)\s+/)) {
    const ref = refOr(refText)
    if (!ref || (ref.kind === 'title' && keyWords(ref.text).length === 0)) continue
    const { changes, leftover } = parseChanges(`to ${value}`, ctx)
    if (changes.due_date !== undefined && !leftover && Object.keys(changes).length === 1) return update(ref, changes)
  }
  return undefined
}

function changeWith(verbs: string, connectors: RegExp, needDate: boolean): Builder {
  const re = new RegExp(`^(?:${verbs})\\s+(.+)$`, 'i')
  return (m0, ctx) => {
    const m = re.exec(m0[0])
    return m ? refValue(m[1], connectors, ctx, needDate) : undefined
  }
}

const RULES: [RegExp, Builder][] = [
  // --- tags
  [rx(String.raw`(?:add|put|attach|apply|stick|give)\s+(?:the\s+|a\s+)?(?:tags?|labels?)\s+${TAGS}\s+(?:to|on|onto)\s+(.+)`), (m) => update(refOr(m[2]), { addTags: splitTags(m[1]) })],
  [rx(String.raw`(?:add|put|give)\s+(it|that|this|task\s*\d+|#?\d+|the\s+.+\s+(?:task|one))\s+(?:the\s+|a\s+)?(?:tags?|labels?)\s+${TAGS}`), (m) => update(refOr(m[1]), { addTags: splitTags(m[2]) })],
  [rx(String.raw`(?:add|put)\s+(#[a-z0-9_][a-z0-9_-]*(?:\s*(?:,|and|&)?\s*#[a-z0-9_][a-z0-9_-]*)*)\s+(?:to|on|onto)\s+(.+)`), (m) => update(refOr(m[2]), { addTags: splitTags(m[1]) })],
  [rx(String.raw`(?:tag|label)\s+(.+?)\s+(?:with|as|under)\s+(?:the\s+)?(?:tags?\s+)?${TAGS}`), (m) => update(refOr(m[1]), { addTags: splitTags(m[2]) })],
  [rx(String.raw`(?:tag|label)\s+${SHORT_REF}\s+${TAGS}`), (m) => update(refOr(m[1]), { addTags: splitTags(m[2]) })],
  [rx(String.raw`(?:remove|delete|drop|take off|take away|strip|clear)\s+(?:all\s+)?(?:the\s+)?tags\s+(?:from|off|on|of)\s+(.+)`), (m) => update(refOr(m[1]), { removeTags: 'all' })],
  [rx(String.raw`(?:remove|delete|drop|take|strip|clear)\s+(?:the\s+)?(?:tags?|labels?)\s+${TAGS}\s+(?:from|off|on|of)\s+(.+)`), (m) => update(refOr(m[2]), { removeTags: splitTags(m[1]) })],
  [rx(String.raw`(?:remove|delete|drop|take|strip)\s+(#[a-z0-9_][a-z0-9_-]*(?:\s*(?:,|and|&)?\s*#[a-z0-9_][a-z0-9_-]*)*)\s+(?:from|off)\s+(.+)`), (m) => update(refOr(m[2]), { removeTags: splitTags(m[1]) })],
  [rx(String.raw`untag\s+(.+?)\s+from\s+(.+)`), (m) => update(refOr(m[2]), { removeTags: splitTags(m[1]) })],
  [rx(String.raw`(?:remove|delete|drop|take|strip|clear)\s+(?:the\s+)?${TAGS}\s+(?:tags?|labels?)\s+(?:from|off|on|of)\s+(.+)`), (m) => update(refOr(m[2]), { removeTags: splitTags(m[1]) })],
  [rx(String.raw`(?:add|put|attach|apply|stick)\s+(?:the\s+|a\s+)?${TAGS}\s+(?:tags?|labels?)\s+(?:to|on|onto)\s+(.+)`), (m) => update(refOr(m[2]), { addTags: splitTags(m[1]) })],
  [rx(String.raw`untag\s+(.+)`), (m) => update(refOr(m[1]), { removeTags: 'all' })],
  // A tag with no task named ("remove the home tag", "drop the work label", "take the #home tag off"): a tag
  // removal, never a deletion of the task that carries it.
  [rx(String.raw`(?:remove|delete|drop|take off|take away|strip|clear|get rid of|lose|ditch|scrap)\s+(?:the\s+|that\s+|this\s+)?${ONE_TAG}\s+(?:tag|tags|label|labels)`), (m) => tagRemoval(m[1])],
  [rx(String.raw`(?:remove|delete|drop|take off|take away|strip|clear|get rid of)\s+(?:the\s+)?(?:tag|label)\s+${ONE_TAG}`), (m) => tagRemoval(m[1])],
  [rx(String.raw`(?:take|strip)\s+(?:the\s+)?${ONE_TAG}\s+(?:tag|label)\s+(?:off|away)`), (m) => tagRemoval(m[1])],
  [rx(String.raw`(?:remove|delete|drop|take off|strip|clear|untag)\s+(#(?!\d+$)[a-z0-9_][a-z0-9_-]*)`), (m) => tagRemoval(m[1])], // "#8" is task 8
  // --- description
  [rx(String.raw`(?:set|change|update|edit)\s+(.+?)(?:'s)?\s+(?:description|note|notes|details)\s+(?:to|:)\s*(.+)`), (m) => update(refOr(m[1]), { description: m[2].trim() })],
  [rx(String.raw`(?:add|put|attach|write|leave|append|include)\s+(?:a\s+|the\s+|this\s+|some\s+|another\s+)?(?:note|description|details?|comment|info)s?\s+(?:to|on|for|in|under)\s+(.+?)\s*(?::|\s-\s|,|\bsaying\b|\bthat says\b|\bwhich says\b|\breading\b)\s*(.+)`), (m) => update(refOr(m[1]), { description: m[2].trim() })],
  [rx(String.raw`(?:set|change|update|make|edit)\s+(?:the\s+)?(?:description|note|notes|details)\s+(?:of|on|for)\s+(.+?)\s+(?:to|:)\s*(.+)`), (m) => update(refOr(m[1]), { description: m[2].trim() })],
  [rx(String.raw`(?:note|notes|description|details|comment)\s+(?:for|on|of|to)\s+(.+?)\s*:\s*(.+)`), (m) => update(refOr(m[1]), { description: m[2].trim() })],
  [rx(String.raw`(?:add|put)\s+["'“‘](.+)["'”’]\s+as\s+(?:a\s+|the\s+)?(?:note|description|details)\s+(?:to|on|for)\s+(.+)`), (m) => update(refOr(m[2]), { description: m[1].trim() })],
  [rx(String.raw`describe\s+(.+?)\s+as\s+(.+)`), (m) => update(refOr(m[1]), { description: m[2].trim() })],
  [rx(String.raw`(?:remove|clear|delete|drop|erase)\s+(?:the\s+)?(?:description|note|notes|details)\s+(?:from|of|on|for)\s+(.+)`), (m) => update(refOr(m[1]), { description: '' })],
  [rx(String.raw`${SHORT_REF}\s*(?:note|notes|description)\s*:\s*(.+)`), (m) => update(refOr(m[1]), { description: m[2].trim() })],
  // --- due date removed
  [rx(String.raw`(?:remove|clear|delete|drop|unset|take off|take away)\s+(?:the\s+)?(?:due\s+date|deadline|due|date)\s+(?:from|of|on|for)\s+(.+)`), (m) => update(refOr(m[1]), { due_date: null })],
  [rx(String.raw`(.+?)\s+(?:has|have|needs)\s+no\s+(?:due\s+date|deadline|date)(?:\s+any\s?more)?`), (m) => update(refOr(m[1]), { due_date: null })],
  // --- rename
  [rx(String.raw`(?:rename|retitle|re-name|re-title)\s+(.+)`), (m) => {
    const splits = splitRefValue(m[1], /\s+(?:to|as|into)\s+/)
    const short = splits.find(([a]) => parseRef(a)?.kind !== 'title') ?? splits.at(-1)
    return short ? update(refOr(short[0]), { title: cleanTitle(short[2].replace(/^["'“‘](.*)["'”’]$/, '$1')) }) : undefined
  }],
  [rx(String.raw`(?:change|update|edit|set|fix)\s+(?:the\s+)?(?:title|name|wording|text)\s+(?:of|on|for)\s+(.+?)\s+to\s+(.+)`), (m) => update(refOr(m[1]), { title: cleanTitle(m[2].replace(/^["'“‘](.*)["'”’]$/, '$1')) })],
  [rx(String.raw`(?:change|update|edit|set)\s+${SHORT_REF}(?:'s)?\s+(?:title|name)\s+to\s+(.+)`), (m) => update(refOr(m[1]), { title: cleanTitle(m[2].replace(/^["'“‘](.*)["'”’]$/, '$1')) })],
  [rx(String.raw`(?:call|name)\s+(it|that|this one|that one|(?:task\s*)?#?\d+)\s+(?:instead\s+)?["'“‘]?(.+?)["'”’]?(?:\s+instead)?`), (m) => update(refOr(m[1]), { title: cleanTitle(m[2]) })],
  [rx(String.raw`(?:actually\s+)?(it|that|task\s*\d+)\s+should\s+(?:be|say|read)\s+["'“‘]?(.+?)["'”’]?`), (m, ctx) => {
    const { changes, leftover } = parseChanges(m[2], ctx)
    if (hasChanges(changes) && !leftover) return update(refOr(m[1]), changes)
    return update(refOr(m[1]), { title: cleanTitle(m[2]) })
  }],
  // --- reopen (before completing: "mark 3 as not done")
  [rx(String.raw`(?:(?:it|that)(?:'s|\s+is|\s+was)\s+|(?:it|that)\s+)?(?:not|isn'?t|wasn'?t)\s+(?:actually\s+|really\s+)?(?:done|finished|complete|completed)(?:\s+yet)?|not yet|not finished yet`), () => act('reopen', 'it')],
  [rx(String.raw`(?:reopen|re-open|uncomplete|un-complete|unmark|unfinish|undo|restore|reactivate)\s+(.+)`), (m) => act('reopen', m[1])],
  [rx(String.raw`(?:mark|set|put|move)\s+(.+?)\s+(?:as\s+|back\s+to\s+|to\s+)?${NOT_DONE_WORDS}(?:\s+again)?`), (m) => act('reopen', m[1])],
  [rx(String.raw`(.+?)\s+(?:is|was|'s|isn't|wasn't)\s*(?:not|n't)?\s*(?:actually\s+|really\s+)?(?:not\s+)?(?:done|finished|complete|completed)\s+(?:yet|after all)`), (m) => act('reopen', m[1])],
  [rx(String.raw`(.+?)\s*(?:isn'?t|is not|wasn'?t|was not|aren'?t)\s+(?:actually\s+|really\s+)?(?:done|finished|complete|completed)(?:\s+yet|\s+after all|\s+actually)?`), (m) => act('reopen', m[1])],
  [rx(String.raw`i\s+(?:didn'?t|did not|haven'?t|have not|never)\s+(?:actually\s+|really\s+)?(?:finish|finished|do|done|complete|completed)\s+(.+?)(?:\s+yet|\s+after all)?`), (m) => act('reopen', m[1])],
  // --- priority
  // The priority before the task: "set a high priority on the bill", "set priority to high for call mom".
  [rx(String.raw`(?:set|give|put|assign|add)\s+(?:a\s+|an\s+|the\s+)?(low|normal|medium|high|top|critical|urgent)\s+priority\s+(?:on|for|to)\s+(.+)`), (m) => update(refOr(m[2]), { priority: PRIORITY_WORD[m[1].toLowerCase()] })],
  [rx(String.raw`(?:set|change|make)\s+(?:the\s+)?priority\s+(?:to|as|at)\s+(low|normal|medium|high|top|critical|urgent)\s+(?:for|on|of)\s+(.+)`), (m) => update(refOr(m[2]), { priority: PRIORITY_WORD[m[1].toLowerCase()] })],
  [rx(String.raw`(?:set|change|update|make|drop|lower|reduce|decrease|raise|increase|bump|move)\s+(?:the\s+)?priority\s+(?:of|on|for)\s+(.+?)\s+(?:(?:down|up|back)\s+)?(?:to|as)\s+(.+)`), (m) => update(refOr(m[1]), { priority: priorityOnly(m[2]) ?? PRIORITY_WORD[m[2].toLowerCase().replace(/\s*priority$/, '')] })],
  [rx(String.raw`(?:set|change|update)\s+(.+?)(?:'s)?\s+priority\s+(?:to|as)\s+(.+)`), (m) => update(refOr(m[1]), { priority: priorityOnly(m[2]) ?? PRIORITY_WORD[m[2].toLowerCase()] })],
  [rx(String.raw`(?:prioriti[sz]e|escalate|bump up|bump|raise(?:\s+the\s+priority\s+(?:of|on))?|up the priority (?:of|on))\s+(.+?)(?:\s+up)?`), (m) => update(refOr(m[1]), { priority: 'high' })],
  [rx(String.raw`(?:deprioriti[sz]e|de-prioriti[sz]e|downgrade|lower(?:\s+the\s+priority\s+(?:of|on))?|reduce the priority (?:of|on))\s+(.+)`), (m) => update(refOr(m[1]), { priority: 'low' })],
  // --- due date and other changes after a verb
  // The date before the task: "set a due date of april 2 for call mom", "put a deadline of friday on the bill".
  [DATE_FIRST, (m, ctx) => dateThenRef(m[1], ctx)],
  [rx(String.raw`(?:let'?s\s+|i'?ll\s+|i will\s+|i'?m going to\s+)?(?:do|handle|tackle|finish|work on)\s+(.+?)\s+instead`), (m, ctx) => refValue(m[1], /\s+(?:on\s+|by\s+)?(?=\S)/, ctx, true)],
  [rx(String.raw`(?:push|move|postpone|delay|bump|shift|defer|pull|bring|put off|kick)\s+(.+?)\s+(back|out|forward|ahead|up|earlier|later)?\s*(?:by\s+)?(a couple of|a few|a|an|one|two|three|four|five|six|seven|\d{1,3})\s+(day|week)s?(?:\s+(later|earlier))?`), (m) => {
    // "push the dentist back a week", "delay task 3 by 2 days", "pull it forward a day"
    const sign = /forward|ahead|up|earlier/i.test(`${m[2] ?? ''} ${m[5] ?? ''}`) ? -1 : 1
    const days = countOf(m[3]) * (m[4].toLowerCase() === 'week' ? 7 : 1)
    return Number.isFinite(days) ? update(refOr(m[1]), { shiftDays: sign * days }) : undefined
  }],
  [rx(String.raw`(.+?)\s+(?:should|must|needs? to|has to|have to|will|is going to|is supposed to)\s+(?:be\s+(?:done|finished|completed|ready|submitted|sent|paid|handed in|sent out)|go out|happen|get done|ship)\s+(.+)`), (m, ctx) => {
    const { changes, leftover } = parseChanges(m[2], ctx)
    return changes.due_date && !leftover && Object.keys(changes).length === 1 ? update(refOr(m[1]), changes) : undefined
  }],
  [rx(String.raw`give\s+(.+?)\s+(?:a\s+)?(?:due\s+date|deadline|date)\s+(?:of\s+|on\s+|for\s+)?(.+)`), (m, ctx) => {
    const { changes, leftover } = parseChanges(m[2], ctx)
    return changes.due_date && !leftover ? update(refOr(m[1]), changes) : undefined
  }],
  [rx(String.raw`give\s+(.+?)\s+(?:a\s+)?((?:low|normal|medium|high|top|critical|urgent)\s+priority)`), (m) => update(refOr(m[1]), { priority: priorityOnly(m[2]) })],
  [rx(String.raw`(.+?)\s*[,;]\s*(?:so\s+|and\s+|just\s+|please\s+)?((?:make|set|mark|move|push|change|put|tag)\s+it\s+.+)`), (m, ctx) => {
    // "the garage door can wait, make it low priority": "it" is what came before the comma.
    const inner = parseMessage(m[2], ctx)
    if (inner.command.kind !== 'update' || inner.command.ref.kind !== 'recent') return undefined
    const subject = m[1].replace(/\s+(?:can wait|is not urgent|isn'?t urgent|is urgent|is important)$/i, '')
    return update(refOr(subject), inner.command.changes, inner.command.unclear)
  }],
  [rx(String.raw`(.+?)\s+can\s+wait(?:\s+a\s+bit)?`), (m) => update(refOr(m[1]), { priority: 'low' })],
  [rx(String.raw`(?:the\s+)?(?:due\s+date|deadline|date)\s+(?:for|of|on)\s+(.+?)\s+(?:is|should be|will be)\s+(?:now\s+)?(.+)`), (m, ctx) => {
    const { changes, leftover } = parseChanges(`to ${m[2]}`, ctx)
    return changes.due_date !== undefined && !leftover ? update(refOr(m[1]), { due_date: changes.due_date }) : undefined
  }],
  [rx(String.raw`(.+?)\s*[,;.]\s*(?:so\s+|just\s+|please\s+|pls\s+|you can\s+|can you\s+|go ahead and\s+)?(delete|remove|drop|scrap|cancel|complete|finish|close|tick off|check off|cross off)\s+(?:it|that|this)(?:\s+(?:off|out|please))?`), (m) => {
    // "I don't need the milk anymore, delete it": "it" is what came before the comma.
    const subject = m[1]
      .replace(/^(?:i\s+)?(?:don'?t|do not|no longer)\s+(?:need|want)(?:\s+to(?:\s+do)?)?\s+/i, '')
      .replace(/\s+(?:any\s?more|after all|now)$/i, '')
    return act(/^(?:complete|finish|close|tick off|check off|cross off)$/i.test(m[2]) ? 'complete' : 'delete', subject)
  }],
  [/^(?:move|push|postpone|reschedule|delay|shift|defer|pull|bring|change|set|put|bump)\s+.+$/i, changeWith('move|push|postpone|reschedule|delay|shift|defer|pull|bring|change|set|put|bump', /\s+(?:back\s+|forward\s+|out\s+|up\s+)?(?:to|until|till|til|for|on|by|into)\s+/, true)],
  [rx(String.raw`(?:change|update|set|edit|move|push)\s+(?:the\s+)?(?:due\s+date|deadline|date)\s+(?:of|on|for)\s+(.+)`), (m, ctx) => refValue(m[1], /\s+(?:to|for|until)\s+/, ctx, true)],
  [rx(String.raw`(.+?)\s+(?:is|are|'s|should be|needs to be|has to be)\s+(?:now\s+|actually\s+|really\s+)?(?:due\s+.+)`), (m, ctx) => {
    const value = m[0].slice(m[1].length).replace(/^\s*(?:is|are|'s|should be|needs to be|has to be)\s+(?:now\s+|actually\s+|really\s+)?/i, '')
    const { changes, leftover } = parseChanges(value, ctx)
    return changes.due_date !== undefined && !leftover ? update(refOr(m[1]), changes) : undefined
  }],
  [rx(String.raw`(.+?)(?:'s|\s+(?:is|are|has been|was))\s+(?:now\s+|actually\s+|really\s+)?(?:moved to|pushed to|rescheduled (?:to|for)|scheduled for|happening|on|for|due)\s+(.+)`), (m, ctx) => {
    const { changes, leftover } = parseChanges(m[2], ctx)
    return changes.due_date !== undefined && !leftover && Object.keys(changes).length === 1 ? update(refOr(m[1]), changes) : undefined
  }],
  [/^(?:make|mark|set|flag|switch|change|turn|put)\s+.+$/i, changeWith('make|mark|set|flag|switch|change|turn|put', /\s+(?:as\s+|to\s+|at\s+|into\s+)?(?=\S)/, false)],
  [rx(String.raw`(.+?)(?:'s|\s+(?:is|are|should be|must be))\s+(?:now\s+|actually\s+|really\s+|also\s+)?(.+)`), (m, ctx) => {
    const p = priorityOnly(m[2])
    if (p) return update(refOr(m[1]), { priority: p })
    const { changes, leftover } = parseChanges(m[2], ctx)
    return changes.priorityStep && !leftover && Object.keys(changes).length === 1 ? update(refOr(m[1]), changes) : undefined
  }],
  [rx(String.raw`(?:change|update|edit)\s+${SHORT_REF}\s*:\s*(.+)`), (m, ctx) => {
    const { changes, leftover } = parseChanges(m[2], ctx)
    if (hasChanges(changes) && !leftover) return update(refOr(m[1]), changes)
    return update(refOr(m[1]), { title: cleanTitle(m[2].replace(/^["'“‘](.*)["'”’]$/, '$1')) })
  }],
  [rx(String.raw`(?:change|move|set|update|push)\s+(?:the\s+)?(.+?)(?:'s)?\s+(?:due\s+date|due|date|deadline)\s+(?:to|for|until)\s+(.+)`), (m, ctx) => {
    const { changes, leftover } = parseChanges(`to ${m[2]}`, ctx)
    return changes.due_date !== undefined && !leftover ? update(refOr(m[1]), { due_date: changes.due_date }) : undefined
  }],
  [rx(String.raw`(?:change|update|edit)\s+(.+?)\s+to\s+(.+)`), (m, ctx) => {
    const { changes, leftover } = parseChanges(m[2], ctx)
    if (hasChanges(changes) && !leftover) return update(refOr(m[1]), changes)
    // A new title, unless the words were about a date ("change the dentist date to the 20th" not understood).
    if (/\b(?:date|deadline|due|priority)\b/i.test(m[1])) return undefined
    return update(refOr(m[1]), { title: cleanTitle(m[2].replace(/^["'“‘](.*)["'”’]$/, '$1')) })
  }],
  [rx(String.raw`((?:task\s*)?#?\d+)\s*(?:->|→|=>|:|=|-)?\s*(.+)`), (m, ctx) => {
    // "3 -> tomorrow", "task 2 urgent": an id and nothing but changes.
    const { changes, leftover } = parseChanges(m[2], ctx)
    return hasChanges(changes) && !leftover ? update(refOr(m[1]), changes) : undefined
  }],
  // --- complete
  [/^[✓✔☑✅]+\s*(.+)$/u, (m) => act('complete', m[1])],
  [rx(String.raw`(.+?)\s+(?:is|was|are|were|has been|have been|got|'s)\s+(?:all\s+|now\s+|finally\s+|already\s+)?([a-z]+)(?:\s+(?:already|now|finally|today|yesterday))?`), (m) => {
    // "the milk is bought", "the bill has been paid": what was done, then the task it names.
    const participle = m[2].toLowerCase()
    if (!isPastTense(participle)) return undefined
    const plain = /^(?:done|finished|completed|handled|sorted)$/.test(participle) || parseRef(m[1])?.kind !== 'title'
    return act('complete', plain ? m[1] : `${participle} ${m[1]}`)
  }],
  // "finish the onboarding docs by friday" has a deadline: a new task to do, not one done.
  [rx(String.raw`(?:complete|finish|close|check\s+off|tick\s+off|cross\s+off|mark\s+off|strike(?:\s+off)?|resolve)\s+(.+)`), (m, ctx) =>
    extractDate(m[1], ctx.now, ctx.timezone) && /^(?:complete|finish)/i.test(m[0]) ? addCommand(m[0], ctx) : act('complete', m[1])],
  [rx(String.raw`(?:tick|check|cross)\s+(.+?)(?:\s+off)?`), (m) => act('complete', m[1])],
  [rx(String.raw`(?:mark|set|tick|check|cross|strike)\s+(.+?)\s+(?:as\s+)?${DONE_WORDS}(?:\s+(?:the|my)\s+list)?`), (m) => act('complete', m[1])],
  [rx(String.raw`(?:i'?m\s+|i\s+am\s+|we'?re\s+)?(?:all\s+)?done\s+with\s+(.+)`), (m) => act('complete', m[1])],
  [rx(String.raw`(?:i\s+|i'?ve\s+|i\s+have\s+|we\s+)?(?:just\s+|finally\s+|already\s+)?(?:finished|completed|did|done|got)\s+(.+?)(?:\s+done)?`), (m) => act('complete', m[1])],
  [rx(String.raw`(.+?)\s+(?:is|was|are|'s|has been|have been)?\s*(?:all\s+|now\s+|finally\s+)?(?:done|finished|complete|completed|sorted|taken care of|handled)`), (m) => act('complete', m[1])],
  // --- delete
  [rx(String.raw`(?:delete|remove|drop|cancel|erase|trash|scrap|ditch|bin|kill|nuke|discard|get rid of|forget about|forget|throw away|throw out|scratch|cross out|clear)\s+(.+?)(?:\s+(?:from|off)\s+(?:my|the)\s+(?:list|tasks|todos?|to-?do list))?`), (m) => act('delete', m[1])],
  [rx(String.raw`(?:never\s?mind|nvm)\s+(?:about\s+)?(.+)`), (m) => act('delete', m[1])],
  [rx(String.raw`i\s+(?:don'?t|do not|no longer)\s+(?:need|have|want)\s+to\s+(.+?)(?:\s+any\s?more)?`), (m) => act('delete', m[1])],
]

// ------------------------------------------------------------------------------------------ bulk

const BULK_DELETE_VERB = String.raw`(?:delete|remove|clear|wipe|erase|purge|trash|drop|get rid of|nuke|clean up|clean out|empty|archive|cancel|scrap)`
const BULK: [RegExp, BulkAction][] = [
  [new RegExp(String.raw`(?:^|\b(?:and|then|just|now|please|pls)\s+)${BULK_DELETE_VERB}\s+(?:out\s+)?(?:all|every|everything|the whole|my whole|the entire|my entire|each)\b(?!\s+(?:the\s+|of\s+the\s+)?(?:tags?|labels?|notes?|descriptions?|due\s+dates?|dates?|deadlines?)\b).*$`, 'i'), 'delete'],
  [rx(String.raw`${BULK_DELETE_VERB}\s+(?:(?:all|the|my|of|those)\s+)*(?:completed|done|finished|checked off|ticked off|old|closed)(?:\s+(?:ones|tasks|items|todos|stuff))?(?:\s+(?:tasks|items))?(?:\s+from my list)?`), 'delete'],
  [rx(String.raw`(?:clear|wipe|empty|reset|nuke)\s+(?:out\s+)?(?:my|the)?\s*(?:whole\s+|entire\s+)?(?:list|todo list|to-do list|tasks|todos|task list)`), 'delete'],
  [rx(String.raw`(?:start over|start fresh|reset everything|clear everything|wipe everything|delete everything|remove everything)`), 'delete'],
  [rx(String.raw`${BULK_DELETE_VERB}\s+(?:it|them|this|these)\s+all`), 'delete'],
  [new RegExp(String.raw`(?:^|\b(?:and|then|just|now|please|pls)\s+)(?:mark|complete|finish|tick off|check off|close)\s+(?:all|everything|every task|every single task)\b.*$`, 'i'), 'complete'],
]

function bulkCommand(text: string, action: BulkAction, ctx: ParseContext): ParsedMessage {
  const filterText = text.replace(/\b(?:all|everything|every)\b/gi, ' ').replace(/^.*?\b(?:mark|complete|finish|tick off|check off|close)\b/i, action === 'complete' ? ' ' : '$&')
    .replace(/\b(?:as\s+)?(?:done|complete|completed|finished)$/i, action === 'complete' ? ' ' : '$&')
  const { args, label } = listArgs(filterText, ctx)
  if (action === 'complete') args.status = 'pending'
  const status = args.status
  const except = /\b(?:except(?: for)?|but not|other than|apart from|besides|save for)\s+(.+)$/i.exec(text)?.[1]
  const command: Command = { kind: 'bulk', action, args, label: status || args.tag || args.priority || args.min_priority || args.due_to ? label : 'tasks' }
  if (except) command.except = except
  return { intent: action === 'delete' ? 'DeleteTask' : 'CompleteTask', confidence: CONFIDENCE.keyword, command }
}

// ------------------------------------------------------------------------------------------ one task

const SHOW: [RegExp, 'due' | 'done' | undefined][] = [
  [/^(?:what(?:'s| is) the status (?:of|on)|status (?:of|on)|how(?:'s| is) it going with|any news on)\s+(.+)$/i, undefined],
  [/^when(?:'s| is| was)\s+(.+?)\s+due$/i, 'due'],
  [/^(?:what(?:'s| is) the (?:due date|deadline) (?:of|for|on))\s+(.+)$/i, 'due'],
  [/^(?:is|are|was)\s+(.+?)\s+(?:already\s+)?(?:done|finished|complete|completed)(?:\s+yet)?$/i, 'done'],
  [/^did i (?:already\s+)?(?:finish|do|complete)\s+(.+?)(?:\s+yet)?$/i, 'done'],
  [/^(?:show|display|open|view|get)\s+(?:me\s+)?(?:the\s+)?(?:details\s+(?:of|for|on|about)\s+)?((?:task\s+)?#?\d+|.+?\s+(?:task|one))$/i, undefined],
  [/^(?:details|info|information)\s+(?:of|for|on|about)\s+(.+)$/i, undefined],
]

function showCommand(text: string): ParsedMessage | undefined {
  for (const [re, asks] of SHOW) {
    const m = re.exec(text)
    const ref = m ? parseRef(m[1]) : undefined
    if (!ref || (ref.kind === 'title' && keyWords(ref.text).length === 0)) continue
    return { intent: 'ListTasks', confidence: ref.kind === 'title' ? CONFIDENCE.fuzzy : CONFIDENCE.exact, command: asks ? { kind: 'show', ref, asks } : { kind: 'show', ref } }
  }
  return undefined
}

// ------------------------------------------------------------------------------------------ past tense

const NOT_PAST = new Set(['need', 'needed', 'feed', 'seed', 'speed', 'bed', 'red', 'shed', 'weed', 'breed', 'bleed', 'proceed', 'succeed', 'exceed',
  'embed', 'added', 'created', 'wanted', 'started', 'planned', 'missed', 'forgot', 'used', 'hated', 'loved', 'liked', 'wished', 'hoped',
  'scheduled', 'tried', 'decided', 'meant', 'thought', 'left', 'lost', 'set', 'put', 'cut', 'read', 'hated', 'postponed', 'delayed',
  'moved', 'deleted', 'removed', 'renamed', 'changed', 'updated', 'tagged', 'marked', 'listed', 'asked', 'said', 'told', 'showed'])
function isPastTense(word: string): boolean {
  return (IRREGULAR_PAST.has(word) || /^[a-z]{3,}ed$/.test(word)) && !NOT_PAST.has(word)
}

const DONE_CUE = /\s*[,;.!-]*\s*(?:(?:so|and|you can|can you|please|pls|go ahead and|just)\s+)*(?:(?:tick|check|cross|mark|strike)\s+(?:it|that|this|that one)\s+(?:off|as done|done|complete|completed)(?:\s+(?:the|my)\s+list)?|(?:it'?s|that'?s)\s+done|done|finally|yay|woo+|whew|phew)(?:\s+(?:please|pls|thanks))?$/i

/** "I bought the milk", "called mom, tick it off": a pending task done, named by what was done. */
function pastTense(text: string): ParsedMessage | undefined {
  const cue = DONE_CUE.exec(text)
  const core = (cue ? text.slice(0, cue.index) : text).replace(/^(?:i\s+|i'?ve\s+|i\s+have\s+|we\s+|we'?ve\s+)?(?:just\s+|finally\s+|already\s+|totally\s+)?/i, '').trim()
  const first = core.split(/\s+/)[0]?.toLowerCase() ?? ''
  if (!isPastTense(first) || core.split(/\s+/).length < 2) return undefined
  return { intent: 'CompleteTask', confidence: CONFIDENCE.fuzzy, command: { kind: 'complete', ref: { kind: 'title', text: core } } }
}

// ------------------------------------------------------------------------------------------ the parser

const LIST_BARE_WORDS = /^(?:today|tonight|tomorrow|this week|next week|this weekend|overdue|due today|due tomorrow|due this week)$/i

const COMMAND_VERBS = ['add', 'delete', 'remove', 'complete', 'finish', 'mark', 'show', 'list', 'rename', 'move', 'change', 'update',
  'reschedule', 'postpone', 'untag', 'reopen', 'create', 'display', 'clear', 'check', 'cancel', 'remind']

/** "delte task 2", "mrak 3 done", "shwo my tasks": a misspelled first command verb, when only one fits. */
function fixVerbTypo(text: string): string {
  const m = /^([a-z]{4,})\b/i.exec(text)
  if (!m) return text
  const word = m[1].toLowerCase()
  if (COMMAND_VERBS.includes(word) || TASK_VERBS.has(word)) return text
  const sorted = (w: string) => [...w].sort().join('')
  const near = COMMAND_VERBS.filter((v) => v[0] === word[0] && (distance(v, word) === 1 || (v.length === word.length && sorted(v) === sorted(word))))
  return near.length === 1 ? near[0] + text.slice(m[1].length) : text
}

/** Understand one message. */
export function parseMessage(message: string, ctx: ParseContext): ParsedMessage {
  const original = expandShorthand(tidy(message.replace(/[“”]/g, '"').replace(/[‘’]/g, "'")))
  const bare = original.replace(/\s*(?:[:;]-?[()DPp]|<3|[\u{1F300}-\u{1FAFF}\u{2600}-\u{27BF}])+\s*/gu, ' ').replace(/[.!?\s]+$/, '').replace(/^[\s,]+/, '').replace(/,?\s+(?:mate|buddy|man|dude|pal|friend|bot|assistant|there)$/i, '')
  for (const [re, intent, text] of SMALL_TALK) if (re.test(bare.replace(/[!.,?]+/g, '').trim())) return reply(intent, CONFIDENCE.exact, text)

  // "oops, I meant buy present for tom": the title of the task just added, said again.
  const meant = /^(?:(?:oops|sorry|no|wait|ugh|argh)[,!.]*\s+)*(?:i meant|i mean|meant|that should be|it should say|typo,? (?:i meant|it'?s|should be))[:,]?\s+["'“‘]?(.+?)["'”’]?$/i.exec(original)
  if (meant) return update({ kind: 'recent', which: 'added' }, { title: cleanTitle(meant[1]) })!

  // "finally renewed... wait no, I emailed the landlord": what follows a correction is what is meant.
  const corrected = /(?:^|[.,;!?…]\s*|\s)(?:wait,?\s+no|no,?\s+wait|sorry,?\s+i mean|i mean|scratch that|correction)[,:.]?\s+(\S.*)$/i.exec(original)?.[1] ?? original
  const stripped = stripFillers(corrected.replace(/^(?:thanks?(?: you)?|thx|great|ok(?:ay)?|cool|perfect)[,!.]\s*/i, ''))
  const question = /\?\s*$/.test(stripped)
  const text = fixVerbTypo(stripped.replace(/\s*[.?]+$/, '').replace(/(?<!!)!$/, '').trim())
  if (!text) return reply('Unknown', CONFIDENCE.unknown, `What would you like to do? ${HELP_TEXT}`)
  if (OFF_TOPIC.test(text)) return reply('Unknown', CONFIDENCE.unknown, OFF_TOPIC_REPLY)
  if (/^(?:what(?:'s| is) (?:the date|today'?s date|the day|today)|what day is (?:it|today)|what(?:'s| is) the date today)$/i.test(text)) {
    const today = localToday(ctx.now, ctx.timezone)
    return reply('Help', CONFIDENCE.exact, `Today is ${showDate(today)} (${ctx.timezone}).`)
  }
  const verbOnly = VERB_ONLY.exec(text)
  if (verbOnly) {
    const verb = verbOnly[0].split(' ')[0].toLowerCase()
    return reply('Unknown', CONFIDENCE.ambiguous, `Which task should I ${verb === 'done' || verb === 'mark' ? 'mark as done' : verb}? Give its number (e.g. "${verb === 'done' || verb === 'mark' ? 'mark 3 done' : `${verb} task 3`}") or part of its title.`)
  }
  if (/^(?:start over|start fresh|start from scratch|reset everything|clear everything|wipe everything)$/i.test(text.replace(/^(?:i (?:want|would like|'d like) to|let'?s|can we|can i)\s+/i, ''))) {
    return bulkCommand('delete everything', 'delete', ctx)
  }
  if (SMALL_TALK.some(([re]) => re.test(text.replace(/[!.,?]+/g, '')))) return parseMessage(text, ctx)

  // "#work add x": tags said first belong to the rest of the message.
  const leadingTags = /^((?:#[a-z0-9_][a-z0-9_-]*[\s,]+)+)(.+)$/i.exec(text)
  if (leadingTags && !isListRequest(text)) return parseMessage(`${leadingTags[2]} ${leadingTags[1].trim()}`, ctx)

  // A new task first: "add 'delete old emails'" is a title, not a deletion. "add the tag x to 3" is an update.
  const onList = /^(?:put|stick|throw|pop|place|add|write)\s+(.+?)\s+(?:on|onto|in|to)\s+(?:my|the|our)\s+(?:to[- ]?do\s+|[a-z]+\s+)?(?:list|tasks|todos)$/i.exec(text)
  if (onList) return addCommand(onList[1], ctx)
  const addLead = /^remind me (?:of )?(?:what|which|about what|of my)\b/i.test(text) ? null : ADD_LEADS.exec(text)
  if (addLead) return addCommand(text.slice(addLead[0].length), ctx)
  // "todo today?", "todos this week?": a question about the list, not a new task.
  if (question && /^(?:todos?|to-?dos?)\b/i.test(text)) {
    const { args, label } = listArgs(text, ctx)
    return { intent: 'ListTasks', confidence: CONFIDENCE.keyword, command: { kind: 'list', args, label } }
  }
  // "add a deadline of friday to task 3" changes task 3; it is no new task.
  const dateFirst = DATE_FIRST.exec(text)
  const datedTask = dateFirst ? dateThenRef(dateFirst[1], ctx) : undefined
  if (datedTask) return datedTask
  const addVerb = ADD_VERB.exec(text)
  if (addVerb && addVerb[0].trim() && !/^(?:add|put|give)\s+(?:(?:the|a)\s+)?(?:tags?|labels?|notes?|description|details?|comments?)\b/i.test(text) && !/^(?:add|put)\s+#\S+(?:\s*(?:,|and|&)?\s*#\S+)*\s+(?:to|on|onto)\s+\S/i.test(text) && !/^(?:add|put)\s+(?:the\s+|a\s+)?#?[a-z0-9_-]+\s+(?:tag|label)\s+(?:to|on|onto)\s+\S/i.test(text) && !/^(?:add|put)\s+["'].+["']\s+as\s+(?:a\s+)?(?:note|description)/i.test(text) && !/^(?:add|put|give)\s+(?:it|that|this|task\s*\d+|#?\d+|the\s+.+\s+(?:task|one))\s+(?:the\s+|a\s+)?(?:tags?|labels?)\s+#?[a-z0-9_-]+$/i.test(text)) {
    return addCommand(text.slice(addVerb[0].length), ctx)
  }

  if (/^(?:undo|undo (?:that|it|the last (?:one|change|thing))|revert(?: that| it)?|take (?:that|it) back|go back)$/i.test(text)) {
    return { intent: 'UpdateTask', confidence: CONFIDENCE.keyword, command: { kind: 'undo' } }
  }
  for (const [re, action] of BULK) if (re.test(text)) return bulkCommand(text, action, ctx)
  if (/^(?:move|push|postpone|reschedule|delay|tag|untag|make|set|rename|change|update|prioriti[sz]e)\s+(?:all|every|everything|each)\b/i.test(text)) {
    return reply('Unknown', CONFIDENCE.ambiguous, 'I can change one task at a time: name it by its number or title (e.g. "move task 3 to friday"). Only deleting or completing can be done to many tasks at once.')
  }

  // "delete 1, 2 and 3", "mark 4 and 5 done": ids named one by one need no confirmation.
  const many = /^(delete|remove|drop|trash|complete|finish|close|check off|tick off|mark)\s+(?:tasks?\s+|numbers?\s+)?(#?\d+(?:\s*(?:,|and|&|\+)\s*#?\d+)+)(?:\s+(?:as\s+)?(done|complete|completed|finished))?$/i.exec(text)
  if (many && (many[1].toLowerCase() !== 'mark' || many[3])) {
    const ids = [...new Set(many[2].match(/\d+/g)!.map(Number))]
    const action = /^(?:delete|remove|drop|trash)$/i.test(many[1]) ? 'delete' : 'complete'
    return { intent: action === 'delete' ? 'DeleteTask' : 'CompleteTask', confidence: CONFIDENCE.exact, command: { kind: 'each', action, ids } }
  }

  // "spoke to mom earlier, you can mark that done": a report of something done, before other readings.
  const reported = DONE_CUE.test(text) ? pastTense(text) : undefined
  if (reported) return reported

  // A question asks; "do the bill tomorrow instead" does not.
  const asks = /^(?:what|whats|which|how|who|when|where|why|did|does|is|are|am|have|has|any|anything|was|were|shall|remind me (?:of )?what)\b|^do\s+(?:i|you|we|they|my|any|all)\b/i.test(text)
  for (const [re, build] of asks ? [] : RULES) {
    const m = re.exec(text)
    if (!m) continue
    const parsed = build(m, ctx)
    if (parsed) return parsed
  }

  const shown = showCommand(text)
  if (shown) return shown

  // A follow-up that is only a change ("due on saturday", "high priority please", "#office", "note: …"):
  // for the task the conversation is about. Bare "today", "overdue" and the like stay list requests.
  const note = /^(?:note|notes|description|details)\s*[:\-]\s*(.+)$/i.exec(text)
  if (note) return update({ kind: 'recent', which: 'it' }, { description: note[1].trim() })!
  if (!LIST_BARE_WORDS.test(text)) {
    const { changes, leftover } = parseChanges(text, ctx)
    if (hasChanges(changes) && !leftover) {
      const parsed = update({ kind: 'recent', which: 'it' }, changes)!
      return { ...parsed, command: { ...(parsed.command as Extract<Command, { kind: 'update' }>), fragment: true } }
    }
  }

  if (isListRequest(question ? `${text}?` : text, ctx)) {
    const sort = /\b(?:by|sorted by|order(?:ed)? by|sort(?:ed)? on)\s+(?:the\s+)?(?:due\s+)?(?:date|deadline)s?\b|\bsoonest\b/i.test(text)
      ? 'due' : /\b(?:by|sorted by|order(?:ed)? by)\s+(?:the\s+)?priority\b|\bmost important first\b/i.test(text) ? 'priority' : undefined
    const { args, label } = listArgs(text.replace(/\b(?:sorted |ordered )?by (?:the )?(?:due )?(?:date|deadline|priority)s?\b/i, ' '), ctx)
    return { intent: 'ListTasks', confidence: CONFIDENCE.keyword, command: sort ? { kind: 'list', args, label, sort } : { kind: 'list', args, label } }
  }

  const past = pastTense(text)
  if (past) return past

  // A bare task ("call mom tomorrow", "dentist appointment friday 3pm urgent"): not a question.
  const first = text.split(/\s+/)[0].toLowerCase()
  const looksLikeQuestion = question || /^(?:what|why|how|who|when|where|which|is|are|do|does|did|can|could|would|will|should)\b/i.test(text)
  const aboutATask = /^(?:make|set|change|move|mark|put|turn)\s+(?:it|that|this)\b/i.test(text)
  if (!looksLikeQuestion && !aboutATask && !/^tell me\b/i.test(text) && (TASK_VERBS.has(first) || extractDate(text, ctx.now, ctx.timezone) || extractPriority(text))) {
    const parsed = addCommand(text, ctx)
    return { ...parsed, confidence: CONFIDENCE.keyword }
  }

  return reply('Unknown', CONFIDENCE.unknown, `Sorry, I didn't understand "${original.slice(0, 100)}". ${HELP_TEXT}`)
}
