// Which task a few words name: "the dentist one" -> "dentist appointment", "I bought the milk" ->
// "buy milk", "the reprot" -> "write report". Word-based: each word the user said is looked for among the
// title's words (same word, same stem, an irregular past tense, or a small typo). A change goes ahead
// only when one task clearly wins; otherwise the caller asks which one.

import { distance } from 'fastest-levenshtein'

// Words that say nothing about which task: articles, "one", "task", pronouns, fillers.
const STOP = new Set([
  'a', 'an', 'the', 'my', 'our', 'your', 'this', 'that', 'these', 'those', 'one', 'ones', 'task', 'tasks', 'todo', 'todos', 'item',
  'thing', 'stuff', 'i', 'me', 'it', 'its', 'to', 'of', 'for', 'on', 'in', 'at', 'with', 'and', 'about', 'please', 'pls', 'just',
  'already', 'finally', 'now', 'all', 'so', 'yeah', 'ok', 'okay', 'actually', 'also', 'too', 'yay', 'today', 'earlier', 'there',
  'is', 'was', 'be', 'some', 'any', 'thingy', 'reminder', 'entry', 'from', 'up', 'out', 'off', 'down', 'back', 'over',
  // words about a task's fields, not its subject ("the due date of the bill", "the dentist date")
  'date', 'due', 'deadline', 'priority', 'note', 'notes', 'description', 'title', 'name', 'tag', 'tags', 'earlier', 'yesterday',
])
// Verbs that only say "I did it": they never help to tell tasks apart.
const DONE_VERBS = new Set(['do', 'did', 'done', 'finish', 'finished', 'complete', 'completed', 'handle', 'handled', 'sort', 'sorted', 'take', 'took', 'care',
  'cross', 'crossed', 'tick', 'ticked', 'check', 'checked', 'mark', 'marked', 'knock', 'knocked', 'wrap', 'wrapped'])

// Verbs that name the same errand: "spoke to mom" is the task "call mom", "got the milk" is "buy milk".
const SAME_ERRAND: string[][] = [
  ['call', 'phone', 'ring', 'speak', 'talk', 'chat'],
  ['buy', 'get', 'purchase', 'order', 'grab', 'pick'],
  ['email', 'mail', 'message', 'send', 'write', 'text'],
  ['fix', 'repair', 'mend'],
  ['clean', 'tidy', 'wash', 'vacuum', 'hoover'],
  ['pay', 'settle'],
  ['book', 'reserve', 'schedule'],
]
const ERRAND = new Map(SAME_ERRAND.flatMap((group, i) => group.map((w) => [w, i] as const)))

/** Irregular past tenses people use when they report a task done. */
const IRREGULAR: Record<string, string> = {
  bought: 'buy', brought: 'bring', went: 'go', gone: 'go', got: 'get', gotten: 'get', took: 'take', taken: 'take', made: 'make',
  wrote: 'write', written: 'write', sent: 'send', paid: 'pay', did: 'do', done: 'do', gave: 'give', given: 'give', found: 'find',
  met: 'meet', left: 'leave', sold: 'sell', told: 'tell', spoke: 'speak', ate: 'eat', drove: 'drive', ran: 'run', fed: 'feed',
  hung: 'hang', swept: 'sweep', threw: 'throw', thrown: 'throw', won: 'win', put: 'put', set: 'set', cut: 'cut', read: 'read',
  kept: 'keep', built: 'build', caught: 'catch', taught: 'teach', thought: 'think', sat: 'sit', stood: 'stand', spent: 'spend',
  lent: 'lend', lost: 'lose', shot: 'shoot', sang: 'sing', swam: 'swim', woke: 'wake', wore: 'wear', began: 'begin', drew: 'draw',
  flew: 'fly', forgot: 'forget', froze: 'freeze', hid: 'hide', held: 'hold', knew: 'know', laid: 'lay', led: 'lead', rode: 'ride',
  rang: 'ring', rose: 'rise', saw: 'see', seen: 'see', shook: 'shake', shut: 'shut', slept: 'sleep', spun: 'spin', stuck: 'stick',
  struck: 'strike', tore: 'tear', understood: 'understand', withdrew: 'withdraw', dug: 'dig', fixed: 'fix', mowed: 'mow',
  picked: 'pick', bit: 'bite', chose: 'choose', had: 'have', heard: 'hear', meant: 'mean', bent: 'bend', dealt: 'deal',
  fought: 'fight', sought: 'seek', sewed: 'sew', sewn: 'sew', shone: 'shine', showed: 'show', shown: 'show', stole: 'steal',
  swore: 'swear', upset: 'upset', wound: 'wind', emptied: 'empty', tidied: 'tidy', carried: 'carry', tried: 'try', replied: 'reply',
  applied: 'apply', copied: 'copy', studied: 'study', hurried: 'hurry', married: 'marry', worried: 'worry', filed: 'file',
}

/** Short forms people use for title words. */
const ABBREVIATIONS: Record<string, string> = {
  appt: 'appointment', appts: 'appointment', mtg: 'meeting', mtgs: 'meeting', bday: 'birthday', dr: 'doctor', docs: 'documents',
  pres: 'presentation', hw: 'homework', gf: 'girlfriend', bf: 'boyfriend', mom: 'mom', mum: 'mom', groceries: 'groceries', info: 'information',
  prep: 'prepare', admin: 'administration', apt: 'apartment', govt: 'government', tix: 'tickets', msg: 'message', pics: 'pictures', pic: 'picture',
}

const words = (text: string): string[] =>
  text.toLowerCase().replace(/[’']s\b/g, '').replace(/[^a-z0-9\s-]/g, ' ').split(/[\s-]+/).filter(Boolean).map((w) => ABBREVIATIONS[w] ?? w)

/** The forms a word may stand for: itself, its irregular base, and what regular endings leave. */
function forms(word: string): Set<string> {
  const out = new Set([word])
  const add = (w: string) => w.length >= 2 && out.add(w)
  if (IRREGULAR[word]) out.add(IRREGULAR[word])
  if (word.endsWith('ies') && word.length > 4) add(`${word.slice(0, -3)}y`)
  if (word.endsWith('ied') && word.length > 4) add(`${word.slice(0, -3)}y`)
  if (word.endsWith('es') && word.length > 3) add(word.slice(0, -2))
  if (word.endsWith('s') && !word.endsWith('ss') && word.length > 3) add(word.slice(0, -1))
  if (word.endsWith('ed') && word.length > 4) {
    const stem = word.slice(0, -2)
    add(stem)
    add(word.slice(0, -1)) // scheduled -> schedule
    if (stem.length > 2 && stem.at(-1) === stem.at(-2)) add(stem.slice(0, -1)) // submitted -> submit
  }
  if (word.endsWith('ing') && word.length > 5) {
    const stem = word.slice(0, -3)
    add(stem)
    add(`${stem}e`) // baking -> bake
    if (stem.at(-1) === stem.at(-2)) add(stem.slice(0, -1)) // shopping -> shop
  }
  return out
}

/** 1 for the same word or stem, 0.8 for a likely typo, 0 otherwise. */
function wordScore(said: string, titleWord: string): number {
  const a = forms(said)
  const b = forms(titleWord)
  for (const x of a) if (b.has(x)) return 1
  for (const x of a) {
    const group = ERRAND.get(x)
    if (group !== undefined) for (const y of b) if (ERRAND.get(y) === group) return 0.9
  }
  const limit = said.length >= 8 ? 2 : said.length >= 4 ? 1 : 0
  if (limit && distance(said, titleWord) <= limit && said[0] === titleWord[0]) return 0.8
  // A clear prefix of a longer word ("pres" for "presentation") counts a little less.
  if (said.length >= 4 && titleWord.startsWith(said)) return 0.8
  // Same root, other ending: "renewal" / "renew", "organizing" / "organize".
  const shorter = Math.min(said.length, titleWord.length)
  let common = 0
  while (common < shorter && said[common] === titleWord[common]) common++
  if (common >= 5 && common >= 0.7 * shorter) return 0.8
  // A three-letter word with one slip ("dor" for "door") counts for less.
  if (said.length === 3 && titleWord.length <= 4 && said[0] === titleWord[0] && distance(said, titleWord) === 1) return 0.6
  return 0
}

/** The words of a reference that can tell tasks apart. */
export function keyWords(reference: string): string[] {
  return words(reference).filter((w) => !STOP.has(w))
}

interface Scored<T> {
  item: T
  /** Share of the user's words found in the title (0..1). */
  score: number
  /** Whether every word of the title was said too (the user named the whole title). */
  whole: boolean
}

function scoreTitle(said: string[], title: string, tags: readonly string[] = []): { score: number; whole: boolean } {
  const titleWords = words(title).filter((w) => !STOP.has(w))
  const pool = [...titleWords, ...tags]
  // "Done" verbs count only when the title has them too; otherwise they are neutral.
  const useful = said.filter((w) => !DONE_VERBS.has(w) || pool.some((t) => wordScore(w, t) === 1))
  if (useful.length === 0 || pool.length === 0) return { score: 0, whole: false }
  let total = 0
  const used = new Set<number>()
  for (const w of useful) {
    let best = 0
    let at = -1
    pool.forEach((t, i) => {
      const s = wordScore(w, t)
      if (s > best) {
        best = s
        at = i
      }
    })
    total += best
    if (at >= 0 && at < titleWords.length) used.add(at)
  }
  return { score: total / useful.length, whole: used.size === titleWords.length }
}

export type Pick<T> = { kind: 'one'; item: T; exact: boolean } | { kind: 'several'; items: T[] } | { kind: 'none' }

/**
 * The task `reference` names among `tasks`. An exact title wins; else the best word match at or above
 * `minScore`, if it is clearly ahead; several as good -> `several` (the caller asks which). `useTags`:
 * whether the task's tags count as title words.
 */
export function pickTask<T extends { title: string; tags?: readonly string[] }>(
  tasks: readonly T[],
  reference: string,
  options: { minScore?: number; verbFirst?: boolean; useTags?: boolean } = {},
): Pick<T> {
  const { minScore = 0.5, verbFirst = false, useTags = true } = options
  const wanted = reference.trim().toLowerCase()
  const exact = tasks.filter((t) => t.title.trim().toLowerCase() === wanted)
  if (exact.length === 1) return { kind: 'one', item: exact[0], exact: true }
  if (exact.length > 1) return { kind: 'several', items: exact }
  const said = keyWords(reference)
  if (said.length === 0) return { kind: 'none' }
  // "I paid the rent": the verb alone must not pick a task ("pay the plumber"); what was done must match.
  const objectWords = verbFirst && said.length > 1 ? said.slice(1) : undefined
  const scored: Scored<T>[] = tasks
    .map((item) => ({ item, ...scoreTitle(said, item.title, useTags ? item.tags : []) }))
    .filter((s) => s.score >= minScore)
    .filter((s) => !objectWords || scoreTitle(objectWords, s.item.title, useTags ? s.item.tags : []).score >= 0.5)
    .sort((a, b) => b.score - a.score)
  if (scored.length === 0) return { kind: 'none' }
  const top = scored.filter((s) => s.score >= scored[0].score - 0.15)
  if (top.length === 1) return { kind: 'one', item: top[0].item, exact: false }
  // Several equally good: one whose every title word was said ("buy milk" vs "buy milk powder") wins.
  const whole = top.filter((s) => s.whole && s.score === 1)
  if (whole.length === 1) return { kind: 'one', item: whole[0].item, exact: false }
  return { kind: 'several', items: top.map((s) => s.item) }
}

/** Irregular past tenses ("bought"): a message starting with one reports something done. */
export const IRREGULAR_PAST: ReadonlySet<string> = new Set(Object.keys(IRREGULAR).filter((w) => !['read', 'set', 'put', 'cut', 'upset', 'shut', 'wound'].includes(w)))
