// What a model is told: the system prompt (today's date, the tools, how to behave) and the recent session
// history as plain chat messages. Shared by the ollama and openai backends.

import type { ChatMessage } from '../store/types.ts'
import { toolDefinitions } from './tools.ts'

/** Session messages shown to the model (the store keeps more). */
export const HISTORY_FOR_MODEL = 20
const TOOL_SUMMARY_MAX = 300

const WEEKDAY = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']

export function systemPrompt(now: Date): string {
  const today = now.toISOString().slice(0, 10)
  return [
    "You are the assistant of a todo app. You manage the user's tasks only by calling the tools below;",
    'never claim a change you did not make with a tool.',
    `Today is ${WEEKDAY[now.getUTCDay()]} ${today} (UTC). Write dates as YYYY-MM-DD; work out "tomorrow" or "friday" from today.`,
    'Tools:',
    ...toolDefinitions.map((d) => `- ${d.name}: ${d.description}`),
    'Task ids are numbers. When the user names a task by its title, call list_tasks first to find its id; never guess an id.',
    'If a tool returns an error, fix the arguments or explain the problem to the user.',
    'When you are done, answer in one or two short sentences of plain text saying what you did.',
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
