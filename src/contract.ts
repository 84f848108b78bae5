// The service's deployment contract, defined once: its environment variables (names, defaults, ranges,
// allowed values), the keys of its Secret, its port and the JWT secret minimum. src/config.ts enforces it;
// gen/ (manifests) and scripts/ (sealing, bootstrap) import it instead of keeping copies. Plain data only, so
// Node runs it from .ts and .mjs alike.

export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARNING', 'ERROR'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

export const STORAGE_BACKENDS = ['sqlite', 'postgres'] as const
export type StorageBackend = (typeof STORAGE_BACKENDS)[number]

export const AI_BACKENDS = ['rules', 'ollama', 'openai'] as const
export type AiBackend = (typeof AI_BACKENDS)[number]

/** The service refuses a shorter JWT_SECRET (or JWT_SECRET_PREVIOUS), counted in UTF-8 bytes. */
export const JWT_SECRET_MIN_BYTES = 32

/** The HTTP port the service listens on by default (the container's port). */
export const DEFAULT_PORT = 8000

/** Keys of the todo-app-secrets Secret and the variables they feed. */
export const SECRET_KEYS = {
  openaiApiKey: 'openai-api-key',
  jwtSecret: 'jwt-secret',
  jwtSecretPrevious: 'jwt-secret-previous',
} as const

/** Whole-number variables: default and inclusive range. */
export const INTEGER_SETTINGS = {
  PORT: { default: DEFAULT_PORT, min: 0, max: 65535 },
  /** postgres backend: connections per process. */
  DATABASE_POOL_SIZE: { default: 10, min: 1, max: 1000 },
  SESSION_TIMEOUT_MINUTES: { default: 30, min: 1, max: 525_600 },
  RATE_LIMIT_PER_MINUTE: { default: 100, min: 1, max: 100_000_000 },
  BODY_LIMIT_BYTES: { default: 64 * 1024, min: 1024, max: 100 * 1024 * 1024 },
  TRUST_PROXY: { default: 0, min: 0, max: 10 },
  MAX_EVENT_LOOP_DELAY_MS: { default: 1000, min: 0, max: 3_600_000 },
  /** Default: 90% of V8's heap limit, at most half the container's memory (computed at start-up: config.ts). */
  MAX_HEAP_USED_MB: { default: undefined, min: 0, max: 1_048_576 },
} as const

/** Decimal variables: default, exclusive lower bound, inclusive upper bound. */
export const DECIMAL_SETTINGS = {
  AI_TIMEOUT_SECONDS: { default: 30, above: 0, max: 3600 },
  SHUTDOWN_GRACE_SECONDS: { default: 20, above: 0, max: 3600 },
  /** Time to receive a whole request (headers and body); must stay below SHUTDOWN_GRACE_SECONDS. */
  REQUEST_TIMEOUT_SECONDS: { default: 10, above: 0, max: 3600 },
} as const

/** Text variables with a default. */
export const TEXT_DEFAULTS = {
  HOST: '0.0.0.0',
  STORAGE_BACKEND: 'sqlite' satisfies StorageBackend,
  /** The SQLite database (the image sets /data/todo.db). */
  STORAGE_PATH: './data/todo.db',
  LOG_LEVEL: 'INFO' satisfies LogLevel,
  AI_BACKEND: 'rules' satisfies AiBackend,
  OLLAMA_ENDPOINT: 'http://ollama-service:11434',
  OLLAMA_MODEL: 'llama3.2',
  OPENAI_MODEL: 'gpt-4o-mini',
} as const

/** Variables that come from the Secret, never from a ConfigMap. */
export const SECRET_VARIABLES = ['OPENAI_API_KEY', 'JWT_SECRET', 'JWT_SECRET_PREVIOUS', 'DATABASE_URL'] as const
