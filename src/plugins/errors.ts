// The one error handler: every failure becomes the contract's body
// {"error": {"code", "message"}, "request_id"} with the right status, never a stack trace.

import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { AppError, StorageError } from '../errors.ts'
import type { Metrics } from '../metrics.ts'

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

interface AjvError {
  instancePath: string
  keyword: string
  message?: string
  params: Record<string, unknown>
}

/** "body.tags.1 must match pattern ..." — names the field, which Fastify's default message does not always do. */
export function validationMessage(context: string | undefined, errors: AjvError[]): string {
  const e = errors[0]
  if (!e) return 'Invalid request'
  const path = [context ?? 'request', ...e.instancePath.split('/').filter(Boolean)].join('.')
  switch (e.keyword) {
    case 'additionalProperties':
      return `${path} has an unknown field "${String(e.params.additionalProperty)}"`
    case 'required':
      return `${path}.${String(e.params.missingProperty)} is required`
    case 'enum':
      return `${path} must be one of: ${(e.params.allowedValues as unknown[]).join(', ')}`
    case 'pattern':
      // Ids in the path are checked as digit strings; say what is meant rather than print the regex.
      if (context === 'params') return `${path} must be a positive whole number`
      return `${path} ${e.message ?? 'is invalid'}`
    case 'uniqueItems':
      return `${path} must not contain duplicates`
    default:
      return `${path} ${e.message ?? 'is invalid'}`
  }
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
  if (err instanceof AppError) return { status: err.statusCode, code: err.code, message: err.message, headers: err.headers }
  const fe = err as FastifyError
  if (fe.validation) {
    return { status: 400, code: 'VALIDATION_ERROR', message: validationMessage(fe.validationContext, fe.validation as AjvError[]), headers: {} }
  }
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
export function errorType(err: unknown, status: number, code: string): string {
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

export function sendError(request: FastifyRequest, reply: FastifyReply, status: number, code: string, message: string) {
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

/** Installs the error and not-found handlers on the root instance (so they cover every route). */
export function setupErrorHandling(app: FastifyInstance, opts: { metrics: Metrics }): void {
  app.setErrorHandler(function handleError(err, request, reply) {
    const { status, code, message, headers } = render(err as Error)
    opts.metrics.errorsTotal.inc({ type: errorType(err, status, code) })
    if (status >= 500) request.log.error({ err, error_code: code }, message)
    else request.log.debug({ error_code: code }, message)
    reply.headers(headers)
    return sendError(request, reply, status, code, message)
  })

  app.setNotFoundHandler(function notFound(request, reply) {
    opts.metrics.errorsTotal.inc({ type: 'not_found' })
    return sendError(request, reply, 404, 'NOT_FOUND', `Route ${request.method} ${request.url.split('?')[0].slice(0, 200)} not found`)
  })
}
