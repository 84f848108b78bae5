// Log lines in the contract's shape (docs/service.md "Operations"): one JSON object per line with
// `timestamp` (ISO 8601), `level` as a name, `message`, `request_id` on request lines, never a secret.
// Fastify's logger is pino; these options reshape pino's `time`/`msg`/numeric level.

import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { LogController, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify'
import { endpointLabel } from './metrics.ts'
import type { LogLevel } from './config.ts'
import { createRedactor } from './redact.ts'

type LoggerOptions = Exclude<FastifyServerOptions['logger'], boolean | undefined>

const PINO_LEVEL: Record<LogLevel, string> = { DEBUG: 'debug', INFO: 'info', WARNING: 'warn', ERROR: 'error' }
const LEVEL_NAME: Record<string, string> = {
  trace: 'DEBUG',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARNING',
  error: 'ERROR',
  fatal: 'ERROR',
}

/** Anything that may carry a credential, wherever it turns up in a logged object. */
const REDACT_PATHS = [
  'password',
  'token',
  'authorization',
  'api_key',
  'apiKey',
  'openaiApiKey',
  'jwtSecret',
  'headers.authorization',
  'headers.cookie',
  '*.password',
  '*.token',
  '*.authorization',
  '*.api_key',
  '*.apiKey',
  '*.openaiApiKey',
  '*.jwtSecret',
  '*.headers.authorization',
  '*.headers.cookie',
]

export interface LogDestination {
  write(line: string): void
}

/**
 * `secrets`: the configured secret values. Besides the field redaction above, every finished line is scrubbed of
 * them and of credential-shaped text (an upstream error that echoes a header, an exception message).
 */
export function loggerOptions(level: LogLevel, stream?: LogDestination, secrets: readonly (string | undefined)[] = []): LoggerOptions {
  const scrub = createRedactor(secrets)
  return {
    level: PINO_LEVEL[level],
    messageKey: 'message',
    base: undefined, // no pid/hostname: the log collector adds pod metadata
    timestamp: () => `,"timestamp":"${new Date().toISOString()}"`,
    formatters: { level: (label: string) => ({ level: LEVEL_NAME[label] ?? label.toUpperCase() }) },
    redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
    hooks: { streamWrite: scrub },
    // Requests are logged by AccessLog below, never with bodies or headers.
    serializers: {
      req: (req: { method?: string; url?: string }) => ({ method: req.method, url: req.url }),
    },
    ...(stream ? { stream } : {}),
  }
}

/** An incoming X-Request-Id is reused only when it is short and safe to echo into logs and headers. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/

export function requestId(req: IncomingMessage): string {
  const incoming = req.headers['x-request-id']
  return typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID()
}

/** The session a request is about (routes under /sessions/:id), for the FR-43 session_id log field. */
export function sessionIdOf(request: FastifyRequest): string | undefined {
  if (!request.routeOptions.url?.startsWith('/sessions/:id')) return undefined
  return (request.params as { id?: string } | undefined)?.id
}

/** Requests whose access line goes to DEBUG: shed ones (counted by metrics, summarised by a throttled WARN). */
const quietRequests = new WeakSet<FastifyRequest>()
export function logQuietly(request: FastifyRequest): void {
  quietRequests.add(request)
}

/** Probe and scrape traffic is logged at DEBUG so it does not drown the INFO log. */
const QUIET_ROUTES = new Set(['/livez', '/readyz', '/health', '/metrics'])

/**
 * Fastify's per-request log lines, reshaped: "incoming request" at DEBUG, then one access line per request
 * ("request completed") at INFO with the route pattern, status, duration and user.
 */
export class AccessLog extends LogController {
  constructor() {
    super({ requestIdLogLabel: 'request_id' })
  }

  override incomingRequest(request: FastifyRequest) {
    const line = { method: request.method, url: request.url.slice(0, 300), session_id: sessionIdOf(request) }
    request.log.debug(line, 'incoming request')
  }

  override requestCompleted(_error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply) {
    const route = request.routeOptions.url
    const line = {
      method: request.method,
      url: request.url.slice(0, 300),
      endpoint: endpointLabel(route),
      status: reply.statusCode,
      duration_ms: Math.round(reply.elapsedTime * 100) / 100,
      user_id: request.userId || undefined,
    }
    if ((route && QUIET_ROUTES.has(route)) || quietRequests.has(request)) reply.log.debug(line, 'request completed')
    else reply.log.info(line, 'request completed')
  }

  /** The access line already says it was a 404. */
  override routeNotFound() {}
}
