// Environment -> typed, validated configuration (README "Configuration").
// Every variable has a default; an invalid value throws a ConfigError whose message is one line naming the
// variable, the value and what is allowed. An empty variable counts as unset (ConfigMaps often carry "").

import { dirname, join } from 'node:path'
import { getHeapStatistics } from 'node:v8'
import { STORAGE_BACKENDS, type StorageBackend } from './store/types.ts'

export type LogLevel = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR'
export type AiBackend = 'rules' | 'ollama' | 'openai'

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
  /** 413 above it. */
  bodyLimitBytes: number
  /** Time a SIGTERM'd process has to finish in-flight requests and flush the store. The pod's grace
   * period (30 s) also covers the 5 s preStop pause, so the default leaves 5 s to spare. */
  shutdownGraceSeconds: number
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

const LOG_LEVELS: readonly LogLevel[] = ['DEBUG', 'INFO', 'WARNING', 'ERROR']
const AI_BACKENDS: readonly AiBackend[] = ['rules', 'ollama', 'openai']
const JWT_SECRET_MIN_BYTES = 32
/** Where the SQLite database lives by default (the image sets /data/todo.db). */
export const DEFAULT_STORAGE_PATH = './data/todo.db'

function invalid(name: string, value: string, allowed: string): ConfigError {
  return new ConfigError(`Invalid ${name}=${JSON.stringify(value)}: ${allowed}`)
}

/** Reads one variable; undefined when unset or empty. */
function raw(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]
  return value === undefined || value.trim() === '' ? undefined : value.trim()
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const value = raw(env, name)
  if (value === undefined) return fallback
  const n = /^-?\d+$/.test(value) ? Number(value) : NaN
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw invalid(name, value, `must be a whole number from ${min} to ${max}`)
  }
  return n
}

function decimal(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const value = raw(env, name)
  if (value === undefined) return fallback
  const n = /^\d+(\.\d+)?$/.test(value) ? Number(value) : NaN
  if (!(n > min && n <= max)) throw invalid(name, value, `must be a number greater than ${min} and at most ${max}`)
  return n
}

function oneOf<T extends string>(env: NodeJS.ProcessEnv, name: string, fallback: T, allowed: readonly T[], normalize: (s: string) => string): T {
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
  return raw(env, 'STORAGE_IMPORT_JSON') ?? (backend === 'sqlite' ? join(dirname(storagePath), 'tasks.json') : undefined)
}

function jwtSecret(env: NodeJS.ProcessEnv): string | undefined {
  const value = env.JWT_SECRET
  if (value === undefined || value === '') return undefined
  const bytes = Buffer.byteLength(value, 'utf8')
  // Never echo a secret: name its length instead of its value.
  if (bytes < JWT_SECRET_MIN_BYTES) {
    throw new ConfigError(`Invalid JWT_SECRET (value hidden, ${bytes} bytes): must be at least ${JWT_SECRET_MIN_BYTES} bytes`)
  }
  return value
}

/** 90% of V8's heap limit (which Node sizes from the container's memory limit). */
function defaultMaxHeapUsedBytes(): number {
  return Math.floor(getHeapStatistics().heap_size_limit * 0.9)
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const heapMb = integer(env, 'MAX_HEAP_USED_MB', -1, 0, 1_048_576)
  const storageBackend = oneOf(env, 'STORAGE_BACKEND', 'sqlite', STORAGE_BACKENDS, (s) => s.toLowerCase())
  const storagePath = raw(env, 'STORAGE_PATH') ?? DEFAULT_STORAGE_PATH
  const config: Config = {
    port: integer(env, 'PORT', 8000, 0, 65535),
    host: raw(env, 'HOST') ?? '0.0.0.0',
    storageBackend,
    storagePath,
    databaseUrl: databaseUrl(env, storageBackend),
    databasePoolSize: integer(env, 'DATABASE_POOL_SIZE', 10, 1, 1000),
    storageImportJson: storageImportJson(env, storageBackend, storagePath),
    sessionTimeoutMinutes: integer(env, 'SESSION_TIMEOUT_MINUTES', 30, 1, 525_600),
    rateLimitPerMinute: integer(env, 'RATE_LIMIT_PER_MINUTE', 100, 1, 100_000_000),
    logLevel: oneOf(env, 'LOG_LEVEL', 'INFO', LOG_LEVELS, (s) => s.toUpperCase()),
    aiBackend: oneOf(env, 'AI_BACKEND', 'rules', AI_BACKENDS, (s) => s.toLowerCase()),
    ollamaEndpoint: httpUrl(env, 'OLLAMA_ENDPOINT', 'http://ollama-service:11434') as string,
    ollamaModel: raw(env, 'OLLAMA_MODEL') ?? 'llama3.2',
    openaiApiKey: raw(env, 'OPENAI_API_KEY'),
    openaiModel: raw(env, 'OPENAI_MODEL') ?? 'gpt-4o-mini',
    openaiBaseUrl: httpUrl(env, 'OPENAI_BASE_URL'),
    aiTimeoutSeconds: decimal(env, 'AI_TIMEOUT_SECONDS', 30, 0, 3600),
    jwtSecret: jwtSecret(env),
    bodyLimitBytes: integer(env, 'BODY_LIMIT_BYTES', 64 * 1024, 1024, 100 * 1024 * 1024),
    shutdownGraceSeconds: decimal(env, 'SHUTDOWN_GRACE_SECONDS', 20, 0, 3600),
    trustProxyHops: integer(env, 'TRUST_PROXY', 0, 0, 10),
    maxEventLoopDelayMs: integer(env, 'MAX_EVENT_LOOP_DELAY_MS', 1000, 0, 3_600_000),
    maxHeapUsedBytes: heapMb === -1 ? defaultMaxHeapUsedBytes() : heapMb * 1024 * 1024,
  }
  if (config.aiBackend === 'openai' && !config.openaiApiKey) {
    throw new ConfigError('Invalid OPENAI_API_KEY (unset): required when AI_BACKEND=openai')
  }
  return config
}
