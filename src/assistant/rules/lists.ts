// List requests: whether a message asks to see tasks ("what's due this week?", "anything overdue?",
// "show my work tasks"), and the list_tasks filter and label it means, in the user's time zone.

import { addDays, endOfMonth, endOfWeek, extractDate, localToday, showDate, weekday } from './dates.ts'
import { PRIORITY_WORD } from './details.ts'
import type { ListArgs, ParseContext } from './parse.ts'

const LIST_START = /^(?:list|show|display|view|see|give me|tell me|print|pull up|bring up|let me see|lemme see|remind me (?:of )?(?:what|which)|what|whats|what's|which|any|anything|do i have|have i got|is there|are there|how many|how much|check (?:my|the)|open (?:my|the)|my|all|get (?:me )?(?:my|all|the) (?:tasks|todos|list))\b/i
const LIST_NOUN = /\b(?:tasks?|todos?|to-?dos?|list|items?|things|stuff|ones|pending|open|outstanding|remaining|left|completed?|done|finished|finish|accomplished|achieved|due|overdue|late|today|tonight|tomorrow|week|weekend|month|priority|urgent|important|critical|tagged|agenda|plate|schedule|everything|upcoming|coming up)\b|#\w/i
const LIST_BARE = /^(?:(?:my|all|the|all my|all the|full|whole|entire|my whole|my full)\s+)*(?:(?:pending|open|completed|done|finished|outstanding|remaining|overdue|urgent|important|high priority|low priority)\s+)?(?:tasks|todos|to-?dos|to-?do list|todo list|list|stuff|items|everything)(?:\s+(?:please|pls))?$|^(?:overdue|everything|agenda|what'?s next|what next|what now|status|today|tonight|tomorrow|this week|next week|this weekend|due today|due tomorrow|due this week)$/i

const STATUS_WORDS = /\b(?:completed?|done|finished|finish|closed|checked off|ticked off|crossed off|accomplished|achieved|did i do|have i done)\b/i
// Words a one-word list request may be, other than a tag ("show completed", "list everything").
const LIST_WORDS = /^(?:tasks?|todos?|to-?dos?|list|items?|everything|all|pending|open|completed?|done|finished|overdue|urgent|important|today|tomorrow|week|everything|stuff|things|remaining|outstanding|left)$/i
const NOT_DONE = /\b(?:not done|not finished|not completed|isn'?t done|aren'?t done|undone|unfinished|incomplete|haven'?t (?:i )?(?:done|finished|completed)|have not (?:done|finished)|not yet done|yet to do|still to do)\b/i
const PENDING_WORDS = /\b(?:pending|open|outstanding|remaining|left|to ?do|active|still|need to do|have to do|next|on my plate|do next|work on|focus on|tackle)\b/i
const ALL_WORDS = /\b(?:everything|all|every|whole|entire|full)\b/i
const NOT_A_TAG = new Set([
  'my', 'all', 'the', 'pending', 'open', 'completed', 'done', 'finished', 'urgent', 'important', 'high', 'low', 'critical', 'normal',
  'priority', 'overdue', 'late', 'remaining', 'outstanding', 'today', 'tomorrow', 'current', 'upcoming', 'old', 'new', 'other', 'any',
  'these', 'those', 'your', 'recent', 'active', 'unfinished', 'incomplete', 'due', 'next', 'week', 'weekend', 'many', 'some', 'which',
  'what', 'whats', 'of', 'more', 'top', 'first', 'last', 'previous', 'latest', 'open', 'every', 'list', 'show', 'me', 'have', 'do',
  'a', 'an', 'and', 'or', 'for', 'to', 'with', 'without', 'no', 'done', 'closed', 'current', 'future', 'past', 'old', 'older', 'newer',
  'those', 'such', 'similar', 'few', 'several', 'outstanding', 'ongoing', 'scheduled', 'planned', 'dated', 'undated', 'soon', 'later',
  'delete', 'remove', 'clear', 'wipe', 'erase', 'purge', 'trash', 'drop', 'nuke', 'empty', 'archive', 'cancel', 'scrap', 'complete',
  'finish', 'mark', 'close', 'display', 'view', 'see', 'get', 'give', 'tell', 'print', 'check', 'single', 'the', 'these', 'out',
])

interface DueRange {
  from?: string
  to?: string
  label: string
}

function dueRange(text: string, today: string): DueRange | undefined {
  const overdue = /\b(?:overdue|late|past due|past their due date|missed|behind|slipped)\b/i.test(text)
  if (overdue && /\b(?:today|tonight)\b/i.test(text)) return { to: today, label: 'overdue or due today' }
  if (overdue) return { to: addDays(today, -1), label: 'overdue' }
  if (/\b(?:today|tonight|this evening)\b/i.test(text)) return { from: today, to: today, label: 'due today' }
  if (/\b(?:tomorrow|tmrw|tmr)\b/i.test(text)) return { from: addDays(today, 1), to: addDays(today, 1), label: 'due tomorrow' }
  if (/\bnext week\b/i.test(text)) {
    const monday = addDays(endOfWeek(today), 1)
    return { from: monday, to: addDays(monday, 6), label: 'due next week' }
  }
  if (/\b(?:this\s+)?weekend\b/i.test(text)) {
    const sat = weekday(today) === 0 ? addDays(today, -1) : addDays(today, 6 - weekday(today))
    return { from: sat < today ? today : sat, to: addDays(sat, 1), label: 'due this weekend' }
  }
  if (/\b(?:this|the|rest of the)\s+week\b|\bweek\b/i.test(text)) return { from: today, to: endOfWeek(today), label: 'due this week' }
  if (/\b(?:this|the)\s+month\b/i.test(text)) return { from: today, to: endOfMonth(today), label: 'due this month' }
  if (/\b(?:upcoming|coming up|soon|next few days|next 7 days)\b/i.test(text)) return { from: today, to: addDays(today, 7), label: 'due in the next 7 days' }
  return undefined
}

/** "what's due?", "anything with a deadline": every task that has a due date, soonest first. */
function anyDue(text: string): DueRange | undefined {
  return /^(?:what(?:'s| is)?|whats|anything|show(?: me)?|list)\s+(?:(?:that(?:'s| is)\s+)?due|with a (?:due date|deadline)|that has a (?:due date|deadline))$/i.test(text.trim())
    ? { to: '9999-12-31', label: 'with a due date' }
    : undefined
}

/** "due friday", "on the 15th": one day. */
function dueDay(text: string, ctx: ParseContext): DueRange | undefined {
  const found = extractDate(text, ctx.now, ctx.timezone)
  if (!found) return undefined
  // "before friday", "by the 15th": everything due until then, overdue included.
  if (/^(?:before|by|until|till|no later than)\b/i.test(found.phrase)) return { to: found.date, label: `due by ${showDate(found.date)}` }
  return { from: found.date, to: found.date, label: `due ${showDate(found.date)}` }
}

export function listArgs(text: string, ctx: ParseContext): { args: ListArgs; label: string } {
  const args: ListArgs = {}
  const labels: string[] = []
  const due = dueRange(text, localToday(ctx.now, ctx.timezone)) ?? dueDay(text, ctx) ?? anyDue(text)
  if (NOT_DONE.test(text)) args.status = 'pending'
  else if (STATUS_WORDS.test(text) && !/\bdue\b/i.test(text)) args.status = 'completed'
  else if (PENDING_WORDS.test(text) || due) args.status = 'pending'
  if (args.status === 'pending' && ALL_WORDS.test(text) && !due && /\beverything\b/i.test(text)) delete args.status
  // "all tasks including completed": everything.
  if (/\b(?:including|incl\.?|with|plus|and|even)\s+(?:the\s+)?(?:completed|done|finished)(?:\s+ones)?\b/i.test(text)) delete args.status
  if (args.status) labels.push(args.status)
  // "urgent", "important", "high priority" ask for what matters most: high and critical. "critical" and
  // "low priority" are exact.
  const p = /\b(urgent|critical|important|high|low|normal|medium|top)(?:[\s-]+(?:priority|prio|pri))?\b/i.exec(text)
  if (p && (/pri/i.test(p[0]) || /urgent|critical|important/i.test(p[1]))) {
    const word = p[1].toLowerCase()
    if (['urgent', 'important', 'high', 'top'].includes(word)) {
      args.min_priority = 'high'
      labels.push('high or critical priority')
    } else {
      args.priority = PRIORITY_WORD[word]
      labels.push(`${args.priority} priority`)
    }
  }
  let tag = /(?:#|\btagged\s+(?:with\s+|as\s+)?#?|\bwith (?:the )?tag\s+#?|\btag\s+#?|\blabell?ed\s+#?|\bunder\s+#?)([a-z0-9_][a-z0-9_-]{0,19})\b/i.exec(text)
    ?? /\b([a-z][a-z0-9_-]{1,19})\s+(?:tasks|todos|stuff|items|things|ones|related)\b/i.exec(text)
  const single = /^(?:show|list)\s+(?:me\s+)?(?:my\s+|the\s+)?([a-z][a-z0-9_-]*)$/i.exec(text)
  if (!tag && single && !NOT_A_TAG.has(single[1].toLowerCase()) && !LIST_WORDS.test(single[1])) tag = single
  if (tag && !NOT_A_TAG.has(tag[1].toLowerCase()) && !/priority|prio|urgent|important|critical/i.test(tag[1])) {
    args.tag = tag[1].toLowerCase()
    labels.push(`#${args.tag}`)
  }
  if (due) {
    if (due.from) args.due_from = due.from
    if (due.to) args.due_to = due.to
  }
  const label = `${labels.join(' ')}${labels.length ? ' ' : ''}tasks${due ? ` ${due.label}` : ''}`.replace(/tasks overdue$/, 'overdue tasks')
  return { args, label }
}

// "what do I have to do?", "what should I do next?", "what's next?"
const LIST_QUESTION = /^(?:what|whats|what's|remind me(?: of)? what|tell me what)(?:\s+(?:do|should|must|can|else))?\s+(?:i|we)\s+(?:have|need|got|still have|still need)?\s*(?:to\s+)?(?:do|work on|finish|tackle|focus on)(?:\s+(?:next|now|today|tomorrow|first|this week))?$|^(?:what'?s|what is|whats)\s+next$|^what should i (?:do|work on|focus on)(?:\s+next|\s+now|\s+first)?$/i

export function isListRequest(text: string, ctx?: ParseContext): boolean {
  if (LIST_BARE.test(text) || LIST_QUESTION.test(text.replace(/\?$/, ''))) return true
  if (LIST_START.test(text) && LIST_NOUN.test(text)) return true
  // "show work": one word after show/list names a tag
  if (/^(?:show|list)\s+(?:me\s+)?(?:my\s+|the\s+)?[a-z][a-z0-9_-]*$/i.test(text)) return true
  // "tasks for tomorrow", "todos tagged work"
  if (/^(?:tasks|todos|to-?dos|items|anything|stuff)\b/i.test(text)) return true
  // "do I have anything on saturday?"
  if (ctx && /^(?:do i have|have i got|is there|are there|anything|any)\b/i.test(text) && extractDate(text, ctx.now, ctx.timezone)) return true
  // "anything overdue?", "high priority tasks?", "due today?"
  return /\?$/.test(text) && LIST_NOUN.test(text) && !/^(?:can|could|will|would|should|did|is|are)\b/i.test(text)
}
