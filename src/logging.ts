// Log lines in the contract's shape (DESIGN.md §2 "Observability", §5): one JSON object per line with
// `timestamp` (ISO 8601), `level` as a name, `message`, `request_id` on request lines, never a secret.
// Fastify's logger is pino; these options reshape pino's `time`/`msg`/numeric level.

import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { FastifyServerOptions } from 'fastify'
import type { LogLevel } from './config.ts'

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

export function loggerOptions(level: LogLevel, stream?: LogDestination): LoggerOptions {
  return {
    level: PINO_LEVEL[level],
    messageKey: 'message',
    base: undefined, // no pid/hostname: the log collector adds pod metadata
    timestamp: () => `,"timestamp":"${new Date().toISOString()}"`,
    formatters: { level: (label: string) => ({ level: LEVEL_NAME[label] ?? label.toUpperCase() }) },
    redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
    // Requests are logged by our own access-log hook (src/plugins/observability.ts), never with bodies or headers.
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
