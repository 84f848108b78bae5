// The conversation: a role="log" named "Conversation" that gets each message as text, and a form with the
// "Message" textbox and the "Send" button (Enter submits the form). The chat session is kept with the
// token, so a reload continues it; an expired session (404) is replaced by a new one transparently.

import { ApiError, type AuthedApi, type ChatMessage, type Reply } from './api.ts'
import { h } from './dom.ts'

export interface ChatProps {
  api: AuthedApi
  sessionId?: string
  onSession(sessionId: string): void
  /** The assistant ran a tool: the task list may have changed. */
  onTasksChanged(): void
  onError(error: unknown): void
  /** A message went through: an earlier error no longer applies. */
  onSuccess(): void
}

export interface ChatView {
  element: HTMLElement
  /** Loads the session's earlier messages, or opens a session. */
  start(): Promise<void>
  focus(): void
}

const isSessionGone = (e: unknown) => e instanceof ApiError && e.status === 404

export function chat({ api, sessionId, onSession, onTasksChanged, onError, onSuccess }: ChatProps): ChatView {
  let session = sessionId
  const log = h('div', { role: 'log', 'aria-label': 'Conversation', class: 'log', tabindex: 0 })
  const message = h('input', { id: 'message', type: 'text', autocomplete: 'off' })
  const send = h('button', { type: 'submit' }, 'Send')

  function append(m: ChatMessage): HTMLElement {
    const p = h('p', { class: `msg from-${m.role}` }, h('span', { class: 'who' }, m.role === 'user' ? 'You: ' : 'Assistant: '), m.content)
    log.append(p)
    log.scrollTop = log.scrollHeight
    return p
  }

  async function newSession(): Promise<string> {
    session = await api.createSession()
    onSession(session)
    return session
  }

  async function start(): Promise<void> {
    try {
      if (session) {
        try {
          for (const m of await api.history(session)) append(m)
          return
        } catch (error) {
          if (!isSessionGone(error)) throw error
        }
      }
      await newSession()
    } catch (error) {
      onError(error)
    }
  }

  async function ask(text: string): Promise<Reply> {
    try {
      return await api.send(session ?? (await newSession()), text)
    } catch (error) {
      if (!isSessionGone(error)) throw error
      return api.send(await newSession(), text)
    }
  }

  const form = h(
    'form',
    { class: 'composer' },
    h('label', { for: 'message' }, 'Message'),
    h('div', { class: 'row' }, message, send),
  )
  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    const text = message.value.trim()
    if (!text || send.disabled) return
    const mine = append({ role: 'user', content: text })
    message.value = ''
    send.disabled = true
    log.setAttribute('aria-busy', 'true')
    try {
      const reply = await ask(text)
      append({ role: 'assistant', content: reply.reply })
      onSuccess()
      if (reply.tool_calls.length > 0) onTasksChanged()
    } catch (error) {
      mine.remove() // not sent: give the text back to edit or resend
      if (!message.value) message.value = text
      onError(error)
    } finally {
      send.disabled = false
      log.removeAttribute('aria-busy')
    }
  })

  const element = h(
    'section',
    { class: 'panel chat', 'aria-labelledby': 'chat-title' },
    h('h2', { id: 'chat-title' }, 'Chat'),
    log,
    form,
    h('p', { class: 'hint' }, 'Try “add buy milk tomorrow #home high priority”, “what’s pending”, “mark 1 done” or “help”.'),
  )
  return { element, start, focus: () => message.focus() }
}
