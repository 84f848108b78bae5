// The one error handler: every failure becomes the contract's body
// {"error": {"code", "message"}, "request_id"} with the right status, never a stack trace.

import { randomUUID } from 'node:crypto'
import type { Socket } from 'node:net'
import type { FastifyBaseLogger, FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { AppError, StorageError, publicMessage } from '../errors.ts'
import { logQuietly } from '../logging.ts'
import type { Metrics } from '../metrics.ts'
import { throttled } from '../throttle.ts'
import { schemaErrorFormatter } from '../validation.ts'

// Not `import { STATUS_CODES } from 'node:http'`: an ES import of node:http builds its ES facade, which reads every
// export, lazy ones included, and so loads Node's whole fetch/WebSocket stack (undici, zlib, http2, tls): ~90 ms
// of start-up CPU for one table.
const { STATUS_CODES } = process.getBuiltinModule('node:http')

/** JSON schema of an error response, for the routes' response schemas. */
export const errorBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['error', 'request_id'],
  properties: {
    error: {
      type: 'object',
      additionalProperties: false,
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' } },
    },
    request_id: { type: 'string' },
  },
} as const

/** `response` schema entries for the given error statuses. */
export function errorResponses(...statuses: number[]): Record<number, typeof errorBodySchema> {
  return Object.fromEntries(statuses.map((s) => [s, errorBodySchema]))
}

/** Fastify's own 4xx errors (body parsing, URL) mapped to our codes. */
const FASTIFY_CODES: Record<string, [number, string, string?]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'PAYLOAD_TOO_LARGE', 'Request body is too large'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'INVALID_JSON', 'Request body is not valid JSON'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'INVALID_JSON', 'Request body is empty but Content-Type is application/json'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'UNSUPPORTED_MEDIA_TYPE', 'Content-Type must be application/json'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'BAD_REQUEST', 'Content-Length does not match the body'],
  FST_ERR_BAD_URL: [400, 'BAD_REQUEST', 'The URL is malformed'],
  FST_ERR_MAX_PARAM_LENGTH: [414, 'URI_TOO_LONG', 'A path parameter is too long'],
}

interface Rendered {
  status: number
  code: string
  message: string
  headers: Record<string, string>
}

function render(err: FastifyError | AppError | Error): Rendered {
  if (err instanceof AppError) {
    return { status: err.statusCode, code: err.code, message: publicMessage(err.statusCode, err.code, err.message), headers: err.headers }
  }
  const fe = err as FastifyError
  // A schema refusal: the message was written by schemaErrorFormatter (src/validation.ts).
  if (fe.validation) return { status: 400, code: 'VALIDATION_ERROR', message: fe.message, headers: {} }
  const known = fe.code ? FASTIFY_CODES[fe.code] : undefined
  if (known) return { status: known[0], code: known[1], message: known[2] ?? fe.message, headers: {} }
  // secure-json-parse rejects __proto__/constructor keys with a SyntaxError carrying statusCode 400.
  if (err instanceof SyntaxError && fe.statusCode === 400) {
    return { status: 400, code: 'INVALID_JSON', message: 'Request body is not valid JSON', headers: {} }
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return { status: fe.statusCode, code: 'BAD_REQUEST', message: fe.message, headers: {} }
  }
  return { status: 500, code: 'INTERNAL_ERROR', message: 'Internal server error', headers: {} }
}

/** The `type` label of todo_app_errors_total. */
function errorType(err: unknown, status: number, code: string): string {
  if (err instanceof StorageError) return 'storage'
  if (code.startsWith('AI_')) return 'ai'
  if (code === 'OVERLOADED') return 'overloaded'
  if (status === 429) return 'rate_limited'
  if (status === 401 || status === 403) return 'auth'
  if (status === 404) return 'not_found'
  if (status === 409) return 'conflict'
  if (status >= 400 && status < 500) return 'validation'
  return 'internal'
}

function sendError(request: FastifyRequest, reply: FastifyReply, status: number, code: string, message: string) {
  // Plain JSON.stringify, not the route's response serializer: the error body must not depend on which
  // schemas a route declared for that status (/health's 503 body, for one, has another shape).
  return reply
    .code(status)
    .type('application/json; charset=utf-8')
    .serializer(JSON.stringify)
    .send({ error: { code, message }, request_id: request.id })
}

/** Fastify's `frameworkErrors` option: errors found before routing (a malformed URL) get the contract body too. */
export function frameworkErrorHandler(metrics: Metrics) {
  return function frameworkErrors(err: FastifyError, request: FastifyRequest, reply: FastifyReply) {
    const { status, code, message } = render(err)
    metrics.errorsTotal.inc({ type: errorType(err, status, code) })
    reply.header('X-Request-Id', request.id)
    return sendError(request, reply, status, code, message)
  }
}

/** Errors of Node's HTTP parser and request timers, raised before Fastify sees a request. */
const CLIENT_ERRORS: Record<string, [number, string, string]> = {
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'REQUEST_TIMEOUT', 'The request was not received in time'],
  HPE_HEADER_OVERFLOW: [431, 'HEADERS_TOO_LARGE', 'The request line and headers are too large'],
  HPE_URI_TOO_LONG: [414, 'URI_TOO_LONG', 'The URL is too long'],
}
const MALFORMED: [number, string, string] = [400, 'BAD_REQUEST', 'The request is not valid HTTP/1.1']

/**
 * Fastify's `clientErrorHandler` (Node's `clientError` event): bad framing, headers over the size limit, a
 * request not received within REQUEST_TIMEOUT_SECONDS. Answered on the raw socket in the contract's format,
 * then the connection is closed (the parser's state is unknown).
 */
export function clientErrorHandler(metrics: Metrics, log: () => FastifyBaseLogger) {
  return function clientError(err: NodeJS.ErrnoException, socket: Socket): void {
    if (err.code === 'ECONNRESET' || socket.destroyed) return
    const [status, code, message] = CLIENT_ERRORS[err.code ?? ''] ?? MALFORMED
    const requestId = randomUUID()
    metrics.errorsTotal.inc({ type: errorType(err, status, code) })
    log().debug({ request_id: requestId, error_code: code, parser_code: err.code, status }, 'client error before routing')
    answerOnSocket(socket, status, code, message, requestId)
  }
}

/** Writes a contract error straight to a connection and closes it (no Fastify reply exists, or it cannot be used). */
export function answerOnSocket(socket: Socket, status: number, code: string, message: string, requestId: string): void {
  // A response already under way on this connection cannot be replaced: only close it.
  const started = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent
  if (socket.writable && !started) {
    const body = JSON.stringify({ error: { code, message }, request_id: requestId })
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nX-Request-Id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
    )
    socket.destroySoon()
  } else {
    socket.destroy()
  }
}

export const REQUEST_TIMEOUT_ERROR = CLIENT_ERRORS.ERR_HTTP_REQUEST_TIMEOUT

/** How often a shed-load WARN line may repeat; the requests in between are counted in the next line. */
const SHED_LOG_INTERVAL_MS = 10_000

interface ErrorsOptions {
  metrics: Metrics
  shedLogIntervalMs?: number
}

/**
 * The error and not-found handlers, on the root instance (fastify-plugin: they cover every route): schema
 * refusals (validators: src/schema-compilers.ts) and failures in the contract's body.
 */
async function errors(app: FastifyInstance, opts: ErrorsOptions): Promise<void> {
  app.setSchemaErrorFormatter(schemaErrorFormatter)

  const logShed = throttled(opts.shedLogIntervalMs ?? SHED_LOG_INTERVAL_MS, (suppressed: number, log: FastifyBaseLogger, err: AppError) => {
    log.warn({ error_code: err.code, ...err.detail, shed_since_last_line: suppressed }, `shedding load: ${err.message}`)
  })

  app.setErrorHandler(function handleError(err, request, reply) {
    const { status, code, message, headers } = render(err as Error)
    opts.metrics.errorsTotal.inc({ type: errorType(err, status, code) })
    if (code === 'OVERLOADED' && err instanceof AppError) {
      // A flood of these is the point of shedding: one throttled line, no stack, and a DEBUG access line.
      logQuietly(request)
      logShed(request.log, err)
    } else if (err instanceof AppError && status >= 500) {
      // An expected failure (storage, AI backend): its text and detail for the operator, no stack.
      const level = err instanceof StorageError ? 'error' : 'warn'
      request.log[level]({ error_code: code, status, reason: err.message, ...err.detail }, message)
    } else if (status >= 500) {
      request.log.error({ err, error_code: code }, message)
    } else {
      request.log.debug({ error_code: code }, message)
    }
    reply.headers(headers)
    return sendError(request, reply, status, code, message)
  })

  app.setNotFoundHandler(function notFound(request, reply) {
    opts.metrics.errorsTotal.inc({ type: 'not_found' })
    return sendError(request, reply, 404, 'NOT_FOUND', `Route ${request.method} ${request.url.split('?')[0].slice(0, 200)} not found`)
  })
}

export default fp(errors, { name: 'errors', fastify: '5.x' })
