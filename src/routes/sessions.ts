// Chat sessions and messages (docs/assistant.md). Registered inside the authenticated scope, so
// `request.userId` is set. Another user's session, an unknown one and an expired one all answer 404.

import type { FastifyPluginAsyncJsonSchemaToTs } from '@fastify/type-provider-json-schema-to-ts'
import { AssistantTurnError } from '../assistant/errors.ts'
import type { Assistant, ToolCallRecord, TurnResult } from '../assistant/types.ts'
import { DEFAULT_TIMEZONE, isValidTimeZone } from '../assistant/timezone.ts'
import type { Config } from '../config.ts'
import { publicMessage, validationError } from '../errors.ts'
import type { Metrics } from '../metrics.ts'
import { errorResponses } from '../plugins/errors.ts'
import { createSessions } from '../sessions/sessions.ts'
import type { ChatMessage, Store } from '../store/types.ts'

interface SessionRoutesOptions {
  store: Store
  assistant: Assistant
  config: Config
  clock: () => Date
  metrics: Metrics
}

const MESSAGE_MAX = 4000
/** Longer than any IANA zone name ("America/Argentina/ComodRivadavia" is 32). */
const TIMEZONE_MAX = 64

const params = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 100 } },
} as const

// Response schemas list every field (additionalProperties: false): the serializer sends only those anyway, and the
// reply types derived from them are exact.
const toolCall = {
  type: 'object',
  additionalProperties: false,
  required: ['tool', 'arguments', 'result'],
  properties: { tool: { type: 'string' }, arguments: {}, result: {} },
} as const

const sessionCreated = {
  type: 'object',
  additionalProperties: false,
  required: ['session_id', 'created_at', 'expires_at', 'timezone'],
  properties: { session_id: { type: 'string' }, created_at: { type: 'string' }, expires_at: { type: 'string' }, timezone: { type: 'string' } },
} as const

// Optional: a bare POST /sessions (no body) is a UTC session. The zone is checked against Intl below.
const sessionBody = {
  type: ['object', 'null'],
  additionalProperties: false,
  properties: { timezone: { type: 'string', minLength: 1, maxLength: TIMEZONE_MAX } },
} as const

const sessionInfo = {
  type: 'object',
  additionalProperties: false,
  required: ['session_id', 'created_at', 'last_activity', 'expires_at', 'message_count', 'timezone'],
  properties: {
    session_id: { type: 'string' },
    timezone: { type: 'string' },
    created_at: { type: 'string' },
    last_activity: { type: 'string' },
    expires_at: { type: 'string' },
    message_count: { type: 'integer' },
  },
} as const

const messageList = {
  type: 'object',
  additionalProperties: false,
  required: ['session_id', 'messages'],
  properties: {
    session_id: { type: 'string' },
    messages: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['role', 'content', 'timestamp'],
        properties: {
          role: { type: 'string', enum: ['user', 'assistant'] },
          content: { type: 'string' },
          timestamp: { type: 'string' },
          tool_calls: { type: 'array', items: toolCall },
        },
      },
    },
  },
} as const

const messageBody = {
  type: 'object',
  additionalProperties: false,
  required: ['message'],
  properties: { message: { type: 'string', minLength: 1, maxLength: MESSAGE_MAX, pattern: '\\S' } },
} as const

const chatReply = {
  type: 'object',
  additionalProperties: false,
  required: ['session_id', 'reply', 'intent', 'confidence', 'tool_calls', 'request_id'],
  properties: {
    session_id: { type: 'string' },
    reply: { type: 'string' },
    intent: { type: 'string' },
    confidence: { type: 'number' },
    tool_calls: { type: 'array', items: toolCall },
    request_id: { type: 'string' },
  },
} as const

/** The task a turn was about, for the log line: the first tool call's task. */
function firstTaskId(calls: ToolCallRecord[]): number | undefined {
  for (const call of calls) {
    const fromResult = (call.result as { id?: unknown } | null)?.id
    if (typeof fromResult === 'number') return fromResult
    const fromArgs = (call.arguments as { task_id?: unknown } | null)?.task_id
    if (typeof fromArgs === 'number') return fromArgs
  }
  return undefined
}

/** What the history says about a failed turn, so the user sees the changes it made before failing. */
function failureNote(err: AssistantTurnError): string {
  const kept = err.toolCalls.length ? ` ${err.toolCalls.length} tool call(s) ran before the failure; their changes are kept.` : ''
  // The public text, never the error's own message (upstream answers, backend addresses).
  return `Sorry, the assistant failed (${err.code}): ${publicMessage(err.statusCode, err.code, err.message)}.${kept}`.replace('..', '.')
}

// Request and reply types come from the schemas (json-schema-to-ts type provider).
const sessionRoutes: FastifyPluginAsyncJsonSchemaToTs<{ Options: SessionRoutesOptions }> = async (app, opts) => {
  const { store, assistant, config, clock } = opts
  const sessions = createSessions({ store, timeoutMinutes: config.sessionTimeoutMinutes, clock })

  app.post(
    '/sessions',
    { schema: { body: sessionBody, response: { 201: sessionCreated, ...errorResponses(400, 401) } } },
    async (request, reply) => {
      const timezone = request.body?.timezone
      if (timezone !== undefined && !isValidTimeZone(timezone)) {
        throw validationError(`timezone ${JSON.stringify(timezone)} is not an IANA time zone (e.g. "Europe/Berlin", "America/New_York", "UTC")`)
      }
      const session = await sessions.create(request.userId, { timezone })
      request.log.info({ session_id: session.id, timezone: session.timezone ?? DEFAULT_TIMEZONE }, 'session created')
      reply.code(201)
      return {
        session_id: session.id,
        created_at: session.created_at,
        expires_at: sessions.expiresAt(session).toISOString(),
        timezone: session.timezone ?? DEFAULT_TIMEZONE,
      }
    },
  )

  app.get('/sessions/:id', { schema: { params, response: { 200: sessionInfo, ...errorResponses(400, 401, 404) } } }, async (request) => {
    const s = await sessions.get(request.userId, request.params.id)
    return {
      session_id: s.id,
      created_at: s.created_at,
      last_activity: s.last_activity,
      expires_at: sessions.expiresAt(s).toISOString(),
      message_count: s.message_count,
      timezone: s.timezone ?? DEFAULT_TIMEZONE,
    }
  })

  app.get('/sessions/:id/messages', { schema: { params, response: { 200: messageList, ...errorResponses(400, 401, 404) } } }, async (request) => {
    const s = await sessions.get(request.userId, request.params.id)
    return { session_id: s.id, messages: s.messages }
  })

  app.post(
    '/sessions/:id/messages',
    { schema: { params, body: messageBody, response: { 200: chatReply, ...errorResponses(400, 401, 404, 429, 502, 503) } } },
    async (request) => {
      const { userId } = request
      const { id } = request.params
      const receivedAt = clock()
      const session = await sessions.get(userId, id)
      const userMessage: ChatMessage = { role: 'user', content: request.body.message, timestamp: receivedAt.toISOString() }

      let result: TurnResult
      try {
        result = await assistant.reply({ userId, message: request.body.message, history: session.messages, sessionId: id, timezone: session.timezone })
      } catch (err) {
        if (err instanceof AssistantTurnError) {
          request.log.warn({ code: err.code, tool_calls: err.toolCalls.length }, 'chat turn failed')
          const note: ChatMessage = { role: 'assistant', content: failureNote(err), timestamp: clock().toISOString(), tool_calls: err.toolCalls }
          // Best effort: the error response matters more than the history entry.
          await sessions.append(userId, id, [userMessage, note], receivedAt).catch((e: unknown) => request.log.error({ err: e }, 'could not record the failed turn'))
        }
        throw err
      }

      const answer: ChatMessage = { role: 'assistant', content: result.reply, timestamp: clock().toISOString(), tool_calls: result.tool_calls }
      await sessions.append(userId, id, [userMessage, answer], receivedAt)
      request.log.info(
        { intent: result.intent, confidence: result.confidence, task_id: firstTaskId(result.tool_calls) },
        'chat turn',
      )
      return {
        session_id: id,
        reply: result.reply,
        intent: result.intent,
        confidence: result.confidence,
        tool_calls: result.tool_calls,
        request_id: String(request.id),
      }
    },
  )

  app.delete('/sessions/:id', { schema: { params, response: { 204: { type: 'null' }, ...errorResponses(400, 401, 404) } } }, async (request, reply) => {
    await sessions.delete(request.userId, request.params.id)
    request.log.info('session deleted')
    reply.code(204)
  })
}

export default sessionRoutes
