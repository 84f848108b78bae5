// What a model is told: the system prompt (today's date, the tools, how to behave) and the recent session
// history as plain chat messages. Shared by the ollama and openai backends.

import type { ChatMessage } from '../store/types.ts'
import { DEFAULT_TIMEZONE, localToday } from './timezone.ts'
import { toolDefinitions } from './tools.ts'

/** Session messages shown to the model (the store keeps more). */
const HISTORY_FOR_MODEL = 20
const TOOL_SUMMARY_MAX = 300

const WEEKDAY = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']

/** What the model is told: today in the user's time zone, the tools, and how to handle ids, ambiguity and bulk changes. */
export function systemPrompt(now: Date, timezone: string = DEFAULT_TIMEZONE): string {
  const today = localToday(now, timezone)
  const weekday = WEEKDAY[new Date(`${today}T00:00:00Z`).getUTCDay()]
  return [
    "You are the assistant of a todo app. You manage the user's tasks only by calling the tools below;",
    'never claim a change you did not make with a tool.',
    `Today is ${weekday} ${today} in the user's time zone (${timezone}). Write due dates as YYYY-MM-DD; work out`,
    '"today", "tonight", "tomorrow", "friday", "next week", "this weekend", "end of the month" from that date.',
    'Tools:',
    ...toolDefinitions.map((d) => `- ${d.name}: ${d.description}`),
    'Rules:',
    '- Put only the task itself in the title: the words that gave a date, priority ("urgent" = critical,',
    '  "important" = high), tags ("#home", "tag it home") or a note ("note: ...", " - details") go in their fields,',
    '  and politeness ("please", "can you", "remind me to") goes nowhere.',
    '- Task ids are numbers. When the user names a task by its title or by "it"/"that", find its id from',
    '  list_tasks or from the tool calls earlier in this conversation; never guess an id.',
    '- If more than one task could be meant, do not change any: list the candidates with their ids and ask which one.',
    '- "I bought the milk" means completing the matching pending task; do not add a new one.',
    '- Bulk changes ("delete all my tasks", "clear completed", "mark everything done"): first list the tasks',
    '  it would touch and ask the user to confirm. Only when the next user message is an explicit yes,',
    '  call delete_task or complete_task once per listed id. Anything else cancels.',
    '- If a tool returns an error, fix the arguments or explain the problem to the user.',
    '- When you are done, answer in one or two short sentences of plain text saying what you did (title, due',
    '  date, priority, tags); if you did not understand part of the message, say which part.',
  ].join('\n')
}

export interface PromptMessage {
  role: 'user' | 'assistant'
  content: string
}

/** The last messages of the session; an assistant message notes the tool calls it made (so ids stay known). */
export function historyMessages(history: readonly ChatMessage[]): PromptMessage[] {
  return history.slice(-HISTORY_FOR_MODEL).map((m) => {
    const calls = (m.tool_calls ?? []).map((c) => {
      const text = `${c.tool}(${JSON.stringify(c.arguments)}) -> ${JSON.stringify(c.result)}`
      return text.length > TOOL_SUMMARY_MAX ? `${text.slice(0, TOOL_SUMMARY_MAX)}...` : text
    })
    return { role: m.role, content: calls.length ? `${m.content}\n[tool calls: ${calls.join('; ')}]` : m.content }
  })
}
