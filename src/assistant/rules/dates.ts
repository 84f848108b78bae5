// Dates in what people type ("tmrw", "friday", "by dec 5", "end of the month"), as calendar dates in the
// user's time zone. chrono-node does the parsing; the few phrases it reads differently from how a todo
// list means them ("this week" = by the end of the week) are handled first.

import * as chrono from 'chrono-node/en' // English only: the full package loads every locale (~3x the start-up cost)
import { DEFAULT_TIMEZONE, localToday, offsetMinutes } from '../timezone.ts'

export { DEFAULT_TIMEZONE, localToday } from '../timezone.ts'

export function addDays(isoDate: string, days: number): string {
  const d = new Date(`${isoDate}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(isoDate: string): number {
  return new Date(`${isoDate}T00:00:00Z`).getUTCDay()
}

/** The Sunday that ends the (Monday-first) week containing `isoDate`. */
export function endOfWeek(isoDate: string): string {
  return addDays(isoDate, (7 - weekday(isoDate)) % 7)
}

export function endOfMonth(isoDate: string): string {
  const [y, m] = isoDate.split('-').map(Number)
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10)
}

const WEEKDAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
/** "Fri 2026-03-06": the weekday makes a date easy to check in a reply. */
export function showDate(isoDate: string): string {
  return `${WEEKDAY_NAMES[weekday(isoDate.slice(0, 10))]} ${isoDate.slice(0, 10)}`
}

export interface FoundDate {
  date: string
  /** The text without the date phrase (and the "by"/"due"/"on" that led it). */
  rest: string
  /** The words that carried the date, as typed. */
  phrase: string
  /** "of the quarter" right after the date: words that look like part of it but were not read (left in `rest`). */
  unread?: string
}

// Words that lead a date and go with it: "finish taxes by dec 5" -> "finish taxes".
const LEAD = String.raw`(?:\b(?:(?:it'?s|is)\s+)?(?:due\s+(?:on\s+|by\s+|for\s+)?|by\s+|on\s+|of\s+|before\s+|for\s+|until\s+|till\s+|no later than\s+)(?:the\s+)?)?(?:\b(?:this coming|later|first thing|sometime|early|late)\s+)?`

/** Phrases chrono reads as something else, or not at all. */
const COUNT_WORDS: Record<string, number> = { a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6 }

function addMonths(isoDate: string, months: number): string {
  const [y, m, d] = isoDate.split('-').map(Number)
  const last = new Date(Date.UTC(y, m - 1 + months + 1, 0)).getUTCDate()
  return new Date(Date.UTC(y, m - 1 + months, Math.min(d, last))).toISOString().slice(0, 10)
}

function dayOfMonth(today: string, day: number): string {
  const [y, m] = today.split('-').map(Number)
  const pick = (year: number, month: number) => new Date(Date.UTC(year, month - 1, day)).toISOString().slice(0, 10)
  const thisMonth = pick(y, m)
  return thisMonth >= today && Number(thisMonth.slice(8)) === day ? thisMonth : pick(m === 12 ? y + 1 : y, m === 12 ? 1 : m + 1)
}

const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']
const MONTH = String.raw`jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?`
// "the 3rd", "the 3", "3rd": a day of the month ("3 of april" alone is more likely a count).
const NTH = String.raw`\b(?=the\s|\d{1,2}(?:st|nd|rd|th)\b)(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)?`
const monthNumber = (name: string) => MONTH_NAMES.indexOf(name.slice(0, 3).toLowerCase()) + 1

/** The next `day` of `month` from `today` on (today itself included); a day the month lacks -> its last day. */
function nextOccurrence(today: string, month: number, day: number): string {
  const year = Number(today.slice(0, 4))
  const on = (y: number) => {
    const last = new Date(Date.UTC(y, month, 0)).getUTCDate()
    return new Date(Date.UTC(y, month - 1, Math.min(day, last))).toISOString().slice(0, 10)
  }
  return on(year) >= today ? on(year) : on(year + 1)
}

const OWN_RULES: { re: RegExp; date: (today: string, m: RegExpExecArray) => string }[] = [
  { re: /\b(?:(?:the\s+)?end\s+of\s+(?:the\s+)?day|eod|end of today)\b/i, date: (today) => today },
  { re: /\b(?:(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?week|eow|this\s+week)\b/i, date: (today) => endOfWeek(today) },
  { re: /\b(?:(?:the\s+)?end\s+of\s+next\s+week)\b/i, date: (today) => endOfWeek(addDays(today, 7)) },
  { re: /\b(?:(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?month|eom)\b/i, date: (today) => endOfMonth(today) },
  // "the 3rd of april", "april the 3rd": the whole span is the date (its next occurrence).
  { re: new RegExp(String.raw`${NTH}\s+of\s+(${MONTH})\b`, 'i'), date: (today, m) => nextOccurrence(today, monthNumber(m[2]), Number(m[1])) },
  { re: new RegExp(String.raw`\b(${MONTH})\s+the\s+(\d{1,2})(?:st|nd|rd|th)?\b`, 'i'), date: (today, m) => nextOccurrence(today, monthNumber(m[1]), Number(m[2])) },
  { re: new RegExp(String.raw`${NTH}\s+of\s+next\s+month\b`, 'i'), date: (today, m) => {
    const next = addMonths(`${today.slice(0, 8)}01`, 1)
    return `${next.slice(0, 8)}${String(Math.min(Number(m[1]), Number(endOfMonth(next).slice(8)))).padStart(2, '0')}`
  } },
  // "by the 20th": that day this month, or next month once it has passed.
  { re: /\b(?:on|by|due|before|until|for|to|till)\s+the\s+(\d{1,2})(?:st|nd|rd|th)\b/i, date: (today, m) => dayOfMonth(today, Number(m[1])) },
  { re: /^\s*(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)\s*$/i, date: (today, m) => dayOfMonth(today, Number(m[1])) }, // a value alone: "to the 20th"
  { re: /\bnext\s+month\b/i, date: (today) => addMonths(today, 1) },
  // "in a month", "in 2 months": the same day that many months on (the month's last day if it is shorter).
  { re: /\bin\s+(a|an|one|two|three|four|five|six|\d{1,2})\s+months?\b/i, date: (today, m) => addMonths(today, COUNT_WORDS[m[1].toLowerCase()] ?? Number(m[1])) },
  { re: /\bnext\s+weekend\b/i, date: (today) => addDays(weekday(today) === 0 ? today : addDays(today, 6 - weekday(today)), 7) },
  // "this weekend" said on a Sunday is today; on a Saturday, today too.
  { re: /\b(?:this\s+|the\s+)?weekend\b/i, date: (today) => (weekday(today) === 0 ? today : addDays(today, 6 - weekday(today))) },
]

// Spellings chrono does not know, mapped to ones it does (same length not needed: we only keep positions
// from our own matches, and re-find chrono's text in the normalized string).
const ALIASES: [RegExp, string][] = [
  [/\b(?:tmrw|tmrow|tmoro|tomorow|tommorow|tommorrow|tomorrrow|tomoz|2moro|2morrow)\b/gi, 'tomorrow'],
  [/\b(?:tonite|2nite)\b/gi, 'tonight'],
  [/\b(?:a|one) fortnight\b/gi, '2 weeks'],
  [/\b(?:wknd|wkend|w\/e)\b/gi, 'weekend'],
  [/\btues\b/gi, 'tuesday'],
  [/\bweds\b/gi, 'wednesday'],
  [/\b(?:thur|thurs)\b/gi, 'thursday'],
  [/\btoday'?s\b/gi, 'today'],
  [/\b(?:tday|tdy|2day|todya|tody)\b/gi, 'today'],
  [/\bnxt\b/gi, 'next'],
  [/\b(?:wk|wek|weeek)\b/gi, 'week'],
]

// A bare month name ("march madness"), a weekday abbreviation ("sat exam", "sun cream") or a time alone
// ("at 5") is not a due date unless a lead word says so.
const WEAK = /^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|august|september|october|november|december|sat|sun|mon|tue|wed|thu|fri|second|now)$/i
const TIME_PART = /\s*\b(?:at\s+)?(?:\d{1,2}(?::\d{2})?\s*(?:am|pm)|\d{1,2}:\d{2}|noon|midnight)\b/i

// Words that may follow a due weekday ("call mom friday about the trip"); any other word makes the weekday
// part of the title ("book a table for saturday dinner").
const FOLLOWERS = new Set(['at', 'by', 'to', 'and', 'or', 'with', 'for', 'before', 'after', 'about', 'please', 'pls', 'in', 'on', 'morning',
  'afternoon', 'evening', 'night', 'noon', 'then', 'so', 'but', 'if', 'latest', 'the', 'urgent', 'asap', 'high', 'low', 'important',
  'priority', 'tagged', 'tag', 'note', 'thanks', 'first', 'too', 'also', 'again', 'instead', 'is', 'it', 'as', 'because', 'since', 'we', 'i', 'via', 'from'])

function normalize(text: string): string {
  let out = text
  for (const [re, to] of ALIASES) out = out.replace(re, to)
  return out
}

function cut(text: string, start: number, end: number): string {
  return `${text.slice(0, start)} ${text.slice(end)}`.replace(/\s+/g, ' ').trim()
}

// "of" right after a date continues it ("the 1st of the quarter"): alone, it goes with the date; the
// words after it were not understood, and the caller says so.
const OF_AFTER = /^\s+of\b((?:\s+(?!(?:and|or|for|to|with|at|by|in|on|so|but|because)\b)[a-z0-9']+){0,3})/i

/** The date found at [start, end) of `source`, cut out of it. */
function found(source: string, start: number, end: number, date: string): FoundDate {
  const after = OF_AFTER.exec(source.slice(end))
  const unread = after?.[1].trim()
  const stop = after && !unread ? end + after[0].length : end
  const result: FoundDate = { date, rest: cut(source, start, stop), phrase: source.slice(start, stop).trim() }
  if (unread) result.unread = `of ${unread}`
  return result
}

/** Widen [start, end) leftwards over a lead word ("by", "due", "on the"). */
function withLead(text: string, start: number): number {
  const before = text.slice(0, start)
  const m = new RegExp(`${LEAD}$`, 'i').exec(before)
  return m && m[0] ? start - m[0].length : start
}

/**
 * Find the first due date in `text` for a user in `tz` at `now`; the rest of the text keeps everything
 * else, including a clock time ("call mom at 5pm tomorrow" -> "call mom at 5pm"), which a date cannot hold.
 */
export function extractDate(text: string, now: Date, tz: string = DEFAULT_TIMEZONE): FoundDate | undefined {
  const source = normalize(text)
  const today = localToday(now, tz)

  for (const rule of OWN_RULES) {
    const m = rule.re.exec(source)
    if (m) {
      const start = withLead(source, m.index)
      return found(source, start, m.index + m[0].length, rule.date(today, m))
    }
  }

  const results = chrono.parse(source, { instant: now, timezone: offsetMinutes(now, tz) }, { forwardDate: true })
  for (const r of results) {
    const certainDay = r.start.isCertain('day') || r.start.isCertain('weekday')
    const leadStart = withLead(source, r.index)
    const led = leadStart < r.index
    if (!certainDay) continue
    // A weekday abbreviation closing the message is a date ("gym fri"); one before a noun is not ("sun cream").
    const closing = /^\s*[.!?]*\s*$/.test(source.slice(r.index + r.text.length))
    if (WEAK.test(r.text.trim()) && !led && !(closing && /^(?:mon|tue|wed|thu|fri|sat|sun)$/i.test(r.text.trim()))) continue
    if (/^(?:the\s+|a\s+)?(?:week|month|year|day)$/i.test(r.text.trim())) continue // "for the week" is a span, not a day
    // "email the team about friday": the day is the topic, not the deadline.
    if (/\b(?:about|regarding|re:?|concerning|discuss|mention)\s+(?:the\s+|this\s+|next\s+)?$/i.test(source.slice(0, r.index))) continue
    // "every sunday" repeats: this service has no repeating tasks, so it is no due date (the words stay).
    if (/\b(?:every|each)\s+$/i.test(source.slice(0, r.index))) continue
    // "saturday dinner", "friday night drinks": a weekday naming a thing, not when it is due.
    const after = source.slice(r.index + r.text.length)
    const next = /^\s+([a-z]+)/i.exec(after)?.[1]?.toLowerCase()
    if (!r.start.isCertain('day') && next && !FOLLOWERS.has(next) && !/^\d/.test(next)) continue
    const y = r.start.get('year')!, m = r.start.get('month')!, d = r.start.get('day')!
    let date = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`
    // A weekday said on that weekday means next week's ("friday" on a Friday is a week later).
    if (!r.start.isCertain('day') && date === today && !/\b(?:today|tonight|this)\b/i.test(r.text)) date = addDays(date, 7)
    // Keep a clock time or part of day in the rest: it belongs to the task, not to the date.
    // "for Monday's meeting": the date is Monday, and the words stay in the title.
    if (/^'s\b/i.test(after)) return { date, rest: source, phrase: r.text }
    const time = TIME_PART.exec(r.text)?.[0].trim()
    const result = found(source, leadStart, r.index + r.text.length, date)
    return time ? { ...result, rest: `${result.rest} ${time}` } : result
  }
  return undefined
}
