// Environment -> typed, validated configuration (README.md "Configuration"; the facts live in src/contract.ts).
// Every variable has a default; an invalid value throws a ConfigError whose message is one line naming the
// variable, the value and what is allowed. An empty variable counts as unset (ConfigMaps often carry "").

import { dirname, join, resolve } from 'node:path'
import { getHeapStatistics } from 'node:v8'
import {
  AI_BACKENDS,
  DECIMAL_SETTINGS,
  INTEGER_SETTINGS,
  JWT_SECRET_MIN_BYTES,
  LOG_LEVELS,
  STORAGE_BACKENDS,
  TEXT_DEFAULTS,
  type AiBackend,
  type LogLevel,
  type StorageBackend,
} from './contract.ts'

export type { AiBackend, LogLevel } from './contract.ts'
export { JWT_SECRET_MIN_BYTES } from './contract.ts'

export interface Config {
  port: number
  host: string
  /** sqlite (default: one file, one replica or several processes on one local volume) or postgres. */
  storageBackend: StorageBackend
  /** The SQLite database file (sqlite backend). */
  storagePath: string
  /** postgres backend: postgres://user:password@host:port/db (a secret: never logged). */
  databaseUrl?: string
  /** postgres backend: connections per process. */
  databasePoolSize: number
  /** A tasks.json of the former JSON file store, imported on first start with an empty database. */
  storageImportJson?: string
  sessionTimeoutMinutes: number
  rateLimitPerMinute: number
  logLevel: LogLevel
  aiBackend: AiBackend
  ollamaEndpoint: string
  ollamaModel: string
  openaiApiKey?: string
  openaiModel: string
  openaiBaseUrl?: string
  aiTimeoutSeconds: number
  jwtSecret?: string
  /** The key signing used before the last rotation: tokens it signed are still accepted until they expire. */
  jwtSecretPrevious?: string
  /** 413 above it. */
  bodyLimitBytes: number
  /** Time a SIGTERM'd process has to finish in-flight requests and flush the store. The pod's grace
   * period (30 s) also covers the 5 s preStop pause, so the default leaves 5 s to spare. */
  shutdownGraceSeconds: number
  /** Time to receive a whole request, headers and body (408 after it). Below shutdownGraceSeconds, so a
   * stalled upload cannot hold a draining process past its grace period. */
  requestTimeoutSeconds: number
  /** Proxy hops whose X-Forwarded-For is trusted (1 behind ingress-nginx); 0 = use the peer address. */
  trustProxyHops: number
  /** Load shedding (@fastify/under-pressure): 503 above this mean event-loop delay; 0 turns the check off. */
  maxEventLoopDelayMs: number
  /** Load shedding: 503 above this much V8 heap in use; 0 turns the check off. */
  maxHeapUsedBytes: number
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ConfigError'
  }
}


function invalid(name: string, value: string, allowed: string): ConfigError {
  return new ConfigError(`Invalid ${name}=${JSON.stringify(value)}: ${allowed}`)
}

/** Reads one variable; undefined when unset or empty. */
function raw(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]
  return value === undefined || value.trim() === '' ? undefined : value.trim()
}

type IntegerName = keyof typeof INTEGER_SETTINGS
type DecimalName = keyof typeof DECIMAL_SETTINGS

function integer(env: NodeJS.ProcessEnv, name: IntegerName, fallback: number = INTEGER_SETTINGS[name].default ?? -1): number {
  const { min, max } = INTEGER_SETTINGS[name]
  const value = raw(env, name)
  if (value === undefined) return fallback
  const n = /^-?\d+$/.test(value) ? Number(value) : NaN
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw invalid(name, value, `must be a whole number from ${min} to ${max}`)
  }
  return n
}

function decimal(env: NodeJS.ProcessEnv, name: DecimalName): number {
  const { default: fallback, above: min, max } = DECIMAL_SETTINGS[name]
  const value = raw(env, name)
  if (value === undefined) return fallback
  const n = /^\d+(\.\d+)?$/.test(value) ? Number(value) : NaN
  if (!(n > min && n <= max)) throw invalid(name, value, `must be a number greater than ${min} and at most ${max}`)
  return n
}

function oneOf<T extends string>(env: NodeJS.ProcessEnv, name: string, fallback: NoInfer<T>, allowed: readonly T[], normalize: (s: string) => string): T {
  const value = raw(env, name)
  if (value === undefined) return fallback
  const found = allowed.find((a) => a === normalize(value))
  if (!found) throw invalid(name, value, `must be one of ${allowed.join(', ')}`)
  return found
}

function httpUrl(env: NodeJS.ProcessEnv, name: string, fallback?: string): string | undefined {
  const value = raw(env, name)
  if (value === undefined) return fallback
  let url: URL | undefined
  try {
    url = new URL(value)
  } catch {
    url = undefined
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw invalid(name, value, 'must be an http:// or https:// URL')
  }
  return value
}

function databaseUrl(env: NodeJS.ProcessEnv, backend: StorageBackend): string | undefined {
  const value = raw(env, 'DATABASE_URL')
  if (value === undefined) {
    if (backend === 'postgres') throw new ConfigError('Invalid DATABASE_URL (unset): required when STORAGE_BACKEND=postgres')
    return undefined
  }
  let protocol: string | undefined
  try {
    protocol = new URL(value).protocol
  } catch {
    protocol = undefined
  }
  // The URL usually carries a password: describe it, never echo it.
  if (protocol !== 'postgres:' && protocol !== 'postgresql:') {
    throw new ConfigError('Invalid DATABASE_URL (value hidden): must be a postgres:// or postgresql:// URL')
  }
  return value
}

/** Default: tasks.json next to the SQLite file (where the former file store kept it); postgres: only when set. */
function storageImportJson(env: NodeJS.ProcessEnv, backend: StorageBackend, storagePath: string): string | undefined {
  const path = raw(env, 'STORAGE_IMPORT_JSON') ?? (backend === 'sqlite' ? join(dirname(storagePath), 'tasks.json') : undefined)
  // A configuration from before the SQLite store still names the JSON file: opening it as a database
  // would fail, and importing it into itself cannot work.
  if (backend === 'sqlite' && path !== undefined && resolve(path) === resolve(storagePath)) {
    throw invalid('STORAGE_PATH', storagePath, 'is the JSON file to import; point STORAGE_PATH at the database file (e.g. ./data/todo.db) and STORAGE_IMPORT_JSON at the JSON file')
  }
  return path
}

function jwtSecret(env: NodeJS.ProcessEnv, name: 'JWT_SECRET' | 'JWT_SECRET_PREVIOUS'): string | undefined {
  const value = env[name]
  if (value === undefined || value === '') return undefined
  const bytes = Buffer.byteLength(value, 'utf8')
  // Never echo a secret: name its length instead of its value.
  if (bytes < JWT_SECRET_MIN_BYTES) {
    throw new ConfigError(`Invalid ${name} (value hidden, ${bytes} bytes): must be at least ${JWT_SECRET_MIN_BYTES} bytes`)
  }
  return value
}

/**
 * 90% of V8's heap limit (the image fixes it with --max-old-space-size: docs/performance.md), and at most half of
 * the container's memory limit: where the container is smaller than the heap limit (dev's 256Mi), shedding load
 * must start before the kernel's OOM kill. (Node reports no constraint as 2^64.)
 */
export function defaultMaxHeapUsedBytes(heapLimitBytes = getHeapStatistics().heap_size_limit, containerBytes = process.constrainedMemory()): number {
  const containerBound = containerBytes > 0 && containerBytes < 2 ** 50 ? containerBytes / 2 : Infinity
  return Math.floor(Math.min(heapLimitBytes * 0.9, containerBound))
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const heapMb = integer(env, 'MAX_HEAP_USED_MB')
  const storageBackend = oneOf(env, 'STORAGE_BACKEND', TEXT_DEFAULTS.STORAGE_BACKEND, STORAGE_BACKENDS, (s) => s.toLowerCase())
  const storagePath = raw(env, 'STORAGE_PATH') ?? TEXT_DEFAULTS.STORAGE_PATH
  const config: Config = {
    port: integer(env, 'PORT'),
    host: raw(env, 'HOST') ?? TEXT_DEFAULTS.HOST,
    storageBackend,
    storagePath,
    databaseUrl: databaseUrl(env, storageBackend),
    databasePoolSize: integer(env, 'DATABASE_POOL_SIZE'),
    storageImportJson: storageImportJson(env, storageBackend, storagePath),
    sessionTimeoutMinutes: integer(env, 'SESSION_TIMEOUT_MINUTES'),
    rateLimitPerMinute: integer(env, 'RATE_LIMIT_PER_MINUTE'),
    logLevel: oneOf(env, 'LOG_LEVEL', TEXT_DEFAULTS.LOG_LEVEL, LOG_LEVELS, (s) => s.toUpperCase()),
    aiBackend: oneOf(env, 'AI_BACKEND', TEXT_DEFAULTS.AI_BACKEND, AI_BACKENDS, (s) => s.toLowerCase()),
    ollamaEndpoint: httpUrl(env, 'OLLAMA_ENDPOINT', TEXT_DEFAULTS.OLLAMA_ENDPOINT) as string,
    ollamaModel: raw(env, 'OLLAMA_MODEL') ?? TEXT_DEFAULTS.OLLAMA_MODEL,
    openaiApiKey: raw(env, 'OPENAI_API_KEY'),
    openaiModel: raw(env, 'OPENAI_MODEL') ?? TEXT_DEFAULTS.OPENAI_MODEL,
    openaiBaseUrl: httpUrl(env, 'OPENAI_BASE_URL'),
    aiTimeoutSeconds: decimal(env, 'AI_TIMEOUT_SECONDS'),
    jwtSecret: jwtSecret(env, 'JWT_SECRET'),
    jwtSecretPrevious: jwtSecret(env, 'JWT_SECRET_PREVIOUS'),
    bodyLimitBytes: integer(env, 'BODY_LIMIT_BYTES'),
    shutdownGraceSeconds: decimal(env, 'SHUTDOWN_GRACE_SECONDS'),
    // Unset: the default, or half the grace period when that is shorter.
    requestTimeoutSeconds:
      raw(env, 'REQUEST_TIMEOUT_SECONDS') === undefined
        ? Math.min(DECIMAL_SETTINGS.REQUEST_TIMEOUT_SECONDS.default, decimal(env, 'SHUTDOWN_GRACE_SECONDS') / 2)
        : decimal(env, 'REQUEST_TIMEOUT_SECONDS'),
    trustProxyHops: integer(env, 'TRUST_PROXY'),
    maxEventLoopDelayMs: integer(env, 'MAX_EVENT_LOOP_DELAY_MS'),
    maxHeapUsedBytes: heapMb === -1 ? defaultMaxHeapUsedBytes() : heapMb * 1024 * 1024,
  }
  if (config.aiBackend === 'openai' && !config.openaiApiKey) {
    throw new ConfigError('Invalid OPENAI_API_KEY (unset): required when AI_BACKEND=openai')
  }
  if (config.jwtSecretPrevious !== undefined && config.jwtSecret === undefined) {
    throw new ConfigError('Invalid JWT_SECRET_PREVIOUS (value hidden): needs JWT_SECRET, the current key, to be set too')
  }
  if (config.jwtSecretPrevious !== undefined && config.jwtSecretPrevious === config.jwtSecret) {
    throw new ConfigError('Invalid JWT_SECRET_PREVIOUS (value hidden): must differ from JWT_SECRET')
  }
  if (config.requestTimeoutSeconds >= config.shutdownGraceSeconds) {
    throw new ConfigError(
      `Invalid REQUEST_TIMEOUT_SECONDS=${JSON.stringify(raw(env, 'REQUEST_TIMEOUT_SECONDS'))}: must be below SHUTDOWN_GRACE_SECONDS (${config.shutdownGraceSeconds}), so a slow upload cannot outlast the shutdown drain`,
    )
  }
  return config
}
