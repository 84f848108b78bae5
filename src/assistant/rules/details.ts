// What a task message carries besides its title, wherever it appears in the sentence: priority ("urgent",
// "!!", "low priority"), tags ("#home", "tag it home", "tagged work and errands"), a description
// ("note: bring receipt", " - details"), a quoted title, and the politeness and fillers around it.

import type { Priority } from '../../store/types.ts'

export const tidy = (s: string) => s.replace(/\s+/g, ' ').trim()

/** Trim stray punctuation and joiners left behind where a phrase was cut out ("buy milk, ," -> "buy milk"). */
export function cleanTitle(s: string): string {
  let out = tidy(s.replace(/\s+([,;:.!?])/g, '$1').replace(/\(\s*[!.?,]*\s*\)/g, ' '))
  for (let i = 0; i < 3; i++) {
    out = out
      .replace(/^(?:[-,;:.!?–—]+\s*|(?:and|with|also|to|that|which|it'?s)\s+)/i, '')
      .replace(/(?:\s*[-,;:–—]+|\s+(?:and|with|also|that is|which is|it'?s|it is|is|as|at|a|the|to|for))$/i, '')
      .replace(/[.!?]+$/, '')
      .trim()
  }
  return out
}

// ------------------------------------------------------------------------------------------ priority

/** Phrases -> priority, most specific first. "urgent" and "asap" mean critical, "important" high. */
const PRIORITY_PHRASES: [RegExp, Priority][] = [
  [/^\s*(?:high|hi)\s*:/i, 'high'],
  [/^\s*low\s*:/i, 'low'],
  [/^\s*(?:medium|normal)\s*:/i, 'normal'],
  [/\b(?:not|isn'?t|is not|no longer|not that|not very|not super)\s+(?:urgent|important|a priority|high priority|critical)(?:\s+any\s?more)?\b/i, 'low'],
  [/\b(?:no rush|no hurry|whenever|low[\s-]?(?:priority|prio|pri)|priority\s*(?::|=|is|to)?\s*low|lowest priority|p3|p4)\b/i, 'low'],
  [/\b(?:(?:normal|medium|regular|default)[\s-]?(?:priority|prio)|priority\s*(?::|=|is|to)?\s*(?:normal|medium))\b/i, 'normal'],
  [/\b(?:critical|top[\s-]priority|highest priority|urgent(?:ly)?|asap|a\.s\.a\.p|emergency|p0|priority\s*(?::|=|is|to)?\s*(?:critical|urgent))\b/i, 'critical'],
  [/!{3,}/, 'critical'],
  [/\b(?:high[\s-]?(?:priority|prio|pri)|hi[\s-]?pri(?:ority)?|important|p1|priority\s*(?::|=|is|to)?\s*high)\b/i, 'high'],
  [/!{2}/, 'high'],
]
// Words that introduce a priority and go with it: "it's urgent", "make it high priority", "with low priority".
const PRIORITY_LEAD = /(?:\b(?:and\s+)?(?:it'?s|it is|this is|that'?s|this one is|this one'?s|which is|that is|make it|mark it(?:\s+as)?|mark as|set as|set to|as|at|with(?:\s+a)?|of|very|super|really|kinda|kind of|quite|pretty|fairly|extremely|rather|somewhat|a bit|a)\s+)+$/i

export interface Found<T> {
  value: T
  rest: string
  phrase: string
}

function cutMatch(text: string, index: number, length: number, lead?: RegExp): { rest: string; phrase: string } {
  let start = index
  if (lead) {
    const m = lead.exec(text.slice(0, index))
    if (m) start = index - m[0].length
  }
  // Brackets around the phrase go too: "(urgent)".
  let end = index + length
  if (text[start - 1] === '(' && text[end] === ')') {
    start -= 1
    end += 1
  }
  return { rest: `${text.slice(0, start)} ${text.slice(end)}`, phrase: text.slice(start, end).trim() }
}

export function extractPriority(text: string): Found<Priority> | undefined {
  for (const [re, value] of PRIORITY_PHRASES) {
    const m = re.exec(text)
    if (m) return { value, ...cutMatch(text, m.index, m[0].length, PRIORITY_LEAD) }
  }
  return undefined
}

/** A whole phrase that is only a priority ("urgent", "high priority", "not urgent anymore"). */
export function priorityOnly(text: string): Priority | undefined {
  const found = extractPriority(text)
  return found && cleanTitle(found.rest).replace(/\b(?:priority|prio|now|please|pls|instead|then|too|also)\b/gi, '').trim() === '' ? found.value : undefined
}

/** A priority said as one word ("set it to high", "show urgent tasks"). */
export const PRIORITY_WORD: Record<string, Priority> = { low: 'low', normal: 'normal', medium: 'normal', high: 'high', critical: 'critical', urgent: 'critical', important: 'high', top: 'critical', highest: 'critical', lowest: 'low' }

// ------------------------------------------------------------------------------------------ tags

const TAG = String.raw`[a-z0-9_][a-z0-9_-]{0,19}`
/** Tags are lowercase words (the schema's pattern); "Home Office" -> "home-office" is too clever: one word each. */
const toTag = (word: string) => word.toLowerCase().replace(/^#/, '').slice(0, 20)

const TAG_LIST = String.raw`#?${TAG}(?:\s*(?:,|and|&|\+)\s*#?${TAG})*`
const TAG_WORDS = [
  // "tag it home", "tag it as home", "tagged work and errands", "with tags home, garden", "label: x"
  new RegExp(String.raw`\b(?:and\s+)?(?:tag(?:ged)?|label(?:l?ed)?)\s+(?:it\s+|this\s+|them\s+)?(?:as\s+|with\s+(?:the\s+)?|under\s+)?(?:tags?\s+)?(${TAG_LIST})`, 'i'),
  new RegExp(String.raw`\b(?:with\s+)?(?:the\s+)?(?:tags?|labels?)\s*[:=]?\s*(${TAG_LIST})`, 'i'),
]
const TAG_STOP = new Set(['and', 'with', 'it', 'as', 'the', 'a', 'to', 'for', 'please', 'pls', 'too', 'also'])

export function splitTags(list: string): string[] {
  return list.split(/\s*(?:,|\band\b|&|\+|\s)\s*/i).map((w) => w.trim()).filter((w) => w && !TAG_STOP.has(w.toLowerCase())).map(toTag)
}

export function extractTags(text: string): { tags: string[]; rest: string; phrases: string[] } {
  const tags = new Set<string>()
  const phrases: string[] = []
  let rest = text
  for (const re of TAG_WORDS) {
    const m = re.exec(rest)
    if (m) {
      for (const t of splitTags(m[1])) tags.add(t)
      phrases.push(m[0].trim())
      rest = `${rest.slice(0, m.index)} ${rest.slice(m.index + m[0].length)}`
    }
  }
  // "#4512" is a number (an invoice, an issue), not a tag: a tag has a letter.
  rest = rest.replace(/(^|[\s,(])#([A-Za-z0-9_]*[A-Za-z_][A-Za-z0-9_-]*)/g, (_all, lead: string, tag: string) => {
    tags.add(toTag(tag))
    phrases.push(`#${tag}`)
    return lead
  })
  return { tags: [...tags].filter((t) => new RegExp(`^${TAG}$`).test(t)), rest, phrases }
}

// ------------------------------------------------------------------------------------------ description

// "note: bring receipt", "notes - ...", "description: ...", "details: ...", "with a note saying ...", " - details".
const MARKED_DESCRIPTION = [
  /\s*[(,;-]?\s*\b(?:with\s+(?:a\s+|the\s+)?|and\s+(?:a\s+)?|add\s+(?:a\s+)?)?(?:note|notes|description|desc|details|detail|comment|info)\s*(?::|-|=|saying|that says|says)\s*(.+)$/i,
  /\s+[-–—]+\s+(.+)$/,
]
// A trailing "(…)" is a description only once priority and tags had their chance ("(urgent)" is a priority).
const PAREN_DESCRIPTION = [/\s*\((.+)\)\s*$/]

export function extractDescription(text: string, parenthetical = false): { description?: string; rest: string } {
  for (const re of parenthetical ? PAREN_DESCRIPTION : MARKED_DESCRIPTION) {
    const m = re.exec(text)
    if (m) {
      let description = tidy(m[1]).replace(/^(?:note|notes|description|details)\s*[:\-]\s*/i, '').replace(/\)$/, '')
      description = description.replace(/^["'“‘](.*)["'”’]$/, '$1').trim()
      // " - not urgent", " - #home": the dash led a priority or tags, which are read later.
      if (priorityOnly(description) || /^(?:#[a-z0-9_-]+\s*)+$/i.test(description) || !/[a-z0-9]/i.test(description)) continue
      if (description) return { description, rest: text.slice(0, m.index) }
    }
  }
  return { rest: text }
}

// ------------------------------------------------------------------------------------------ quotes

/** A title the user quoted: taken as written, no date or priority read inside it. */
export function extractQuoted(text: string): { quoted?: string; rest: string } {
  const m = /(?:^|[\s:])(["“'‘])(.+?)(["”'’])(?=$|[\s,.!?:;)])/.exec(text)
  if (!m || !m[2].trim()) return { rest: text }
  const start = m.index + m[0].indexOf(m[1])
  return { quoted: tidy(m[2]), rest: `${text.slice(0, start)} ${text.slice(m.index + m[0].length)}` }
}

// ------------------------------------------------------------------------------------------ shorthand

// Shorthand and common misspellings of the words the parser keys on, written out before parsing. Only words
// that are not also ordinary title words ("del", "rm" and "mv" only as the first word).
const FIRST_WORD: Record<string, string> = { del: 'delete', rm: 'remove', rem: 'remove', mv: 'move', x: 'done', adding: 'add', addd: 'add', pls: 'please', plz: 'please' }
const TYPOS: [RegExp, string][] = [
  [/\b(?:urgnt|urgetn|urgant|urgen|urget|urgnet)\b/gi, 'urgent'],
  [/\b(?:importnat|impotant|importent|imporant|improtant)\b/gi, 'important'],
  [/\b(?:pendng|pendin|pnding|peding)\b/gi, 'pending'],
  [/\b(?:complted|completd|compelted)\b/gi, 'completed'],
  [/\b(?:thnx|thnks|thanx|thx|tks|thankyou|thnk you|thank yuo)\b/gi, 'thanks'],
  [/^(?:heyy+|hii+|helo|hellow|hallo)\b/gi, 'hello'],
  [/\b(?:prioirty|priorty|priotity|proirity)\b/gi, 'priority'],
]

export function expandShorthand(text: string): string {
  let out = text
  const first = /^([a-z]+)\b(?![-'])/i.exec(out)
  if (first && FIRST_WORD[first[1].toLowerCase()] && out.length > first[1].length) out = FIRST_WORD[first[1].toLowerCase()] + out.slice(first[1].length)
  for (const [re, to] of TYPOS) out = out.replace(re, to)
  return out
}

// ------------------------------------------------------------------------------------------ fillers

const LEADING_FILLERS = [
  /^(?:hey|hi|hello|hiya|yo|ok|okay|ok so|so|um+|uh+|hmm+|well|alright|right|oh|and|also|then|quick one|btw|actually|oops|sorry|wait|no wait|hm+|ah|erm)\b[\s,!.:-]*/i,
  /^(?:done|yay|woo+|finally|phew|whew)[,!.]+\s*/i,
  /^(?:please|pls|plz|plx|kindly)\b[\s,]*/i,
  /^(?:can|could|would|will|would you mind|can u|could u|pls can)\s+(?:you|u)\s+(?:please\s+|pls\s+|quickly\s+|just\s+)?/i,
  /^(?:i'?d like you to|i want you to|i need you to|help me)\s+/i,
  /^(?:just|quickly)\s+/i,
]
const TRAILING_FILLERS = /[\s,]*\b(?:please|pls|plz|thanks|thank you|thx|ty|for me|if you can|if you could|cheers|kthx|actually)\b[\s.!?]*$/i

/** Phrases that mean "this is a new task" before its title. */
const ADVERB = String.raw`(?:(?:really|just|also|still|definitely|seriously|probably|actually|quickly)\s+)?`
export const ADD_LEADS = new RegExp(String.raw`^(?:remind me (?:to|that i need to|that i have to|about)|remind me|don'?t (?:let me )?forget (?:to|about)|do not forget (?:to|about)|remember to|make sure (?:i|to|that i)|i ${ADVERB}(?:need|have|want|must|should|gotta|got|ought) to|i'?ve ${ADVERB}got to|i need to remember to|i ${ADVERB}(?:must|should|gotta)|we ${ADVERB}(?:need|have) to|need to|have to|gotta|must|got to)\s+${ADVERB}`, 'i')

export function stripFillers(text: string): string {
  let out = tidy(text)
  for (let changed = true; changed; ) {
    changed = false
    for (const re of LEADING_FILLERS) {
      const next = out.replace(re, '')
      if (next !== out && next.trim()) {
        out = next.trim()
        changed = true
      }
    }
    const next = out.replace(TRAILING_FILLERS, '')
    if (next !== out && next.trim()) {
      out = next.trim()
      changed = true
    }
  }
  return out
}
