import t from 'tap'
import { ConfigError, defaultMaxHeapUsedBytes, loadConfig } from '../../src/config.ts'

t.test('every variable has its documented default (README.md)', async (t) => {
  const c = loadConfig({})
  t.equal(c.port, 8000)
  t.equal(c.host, '0.0.0.0')
  t.equal(c.storageBackend, 'sqlite')
  t.equal(c.storagePath, './data/todo.db')
  t.equal(c.storageImportJson, 'data/tasks.json', 'the former file store\'s file, next to the database')
  t.equal(c.databaseUrl, undefined)
  t.equal(c.databasePoolSize, 10)
  t.equal(c.sessionTimeoutMinutes, 30)
  t.equal(c.rateLimitPerMinute, 100)
  t.equal(c.logLevel, 'INFO')
  t.equal(c.aiBackend, 'rules')
  t.equal(c.ollamaEndpoint, 'http://ollama-service:11434')
  t.equal(c.ollamaModel, 'llama3.2')
  t.equal(c.openaiApiKey, undefined)
  t.equal(c.openaiModel, 'gpt-4o-mini')
  t.equal(c.openaiBaseUrl, undefined)
  t.equal(c.aiTimeoutSeconds, 30)
  t.equal(c.jwtSecret, undefined)
  t.equal(c.bodyLimitBytes, 65536)
  t.equal(c.shutdownGraceSeconds, 20, 'leaves the 5 s preStop pause inside the 30 s pod grace period')
  t.equal(c.trustProxyHops, 0, 'X-Forwarded-For is not trusted by default')
  t.equal(c.maxEventLoopDelayMs, 1000)
  t.ok(c.maxHeapUsedBytes > 0, 'heap threshold defaults to a share of the V8 heap limit')
})

t.test('the default heap threshold stays below a small container\'s memory limit', async (t) => {
  const MiB = 1024 * 1024
  const heapLimit = 280 * MiB // what --max-semi-space-size=8 --max-old-space-size=256 give
  t.equal(defaultMaxHeapUsedBytes(heapLimit, 2 ** 64), Math.floor(heapLimit * 0.9), 'no container limit (2^64): 90% of the heap limit')
  t.equal(defaultMaxHeapUsedBytes(heapLimit, 1024 * MiB), Math.floor(heapLimit * 0.9), 'prod (1Gi): the heap limit decides')
  t.equal(defaultMaxHeapUsedBytes(heapLimit, 256 * MiB), 128 * MiB, 'dev (256Mi): half the container, before the OOM kill')
})

t.test('valid values are parsed', async (t) => {
  const c = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    STORAGE_PATH: '/data/todo.db',
    SESSION_TIMEOUT_MINUTES: '5',
    RATE_LIMIT_PER_MINUTE: '1000',
    LOG_LEVEL: 'warning',
    AI_BACKEND: 'OpenAI',
    OLLAMA_ENDPOINT: 'http://localhost:11434',
    OLLAMA_MODEL: 'qwen2.5:0.5b',
    OPENAI_API_KEY: 'test-key-not-real',
    OPENAI_MODEL: 'gpt-4o',
    OPENAI_BASE_URL: 'https://example.test/v1',
    AI_TIMEOUT_SECONDS: '2.5',
    JWT_SECRET: 'x'.repeat(32),
    BODY_LIMIT_BYTES: '2048',
    SHUTDOWN_GRACE_SECONDS: '10',
    MAX_EVENT_LOOP_DELAY_MS: '0',
    MAX_HEAP_USED_MB: '200',
  })
  t.match(c, {
    port: 0,
    host: '127.0.0.1',
    storagePath: '/data/todo.db',
    storageImportJson: '/data/tasks.json',
    sessionTimeoutMinutes: 5,
    rateLimitPerMinute: 1000,
    logLevel: 'WARNING',
    aiBackend: 'openai',
    ollamaEndpoint: 'http://localhost:11434',
    ollamaModel: 'qwen2.5:0.5b',
    openaiApiKey: 'test-key-not-real',
    openaiModel: 'gpt-4o',
    openaiBaseUrl: 'https://example.test/v1',
    aiTimeoutSeconds: 2.5,
    jwtSecret: 'x'.repeat(32),
    bodyLimitBytes: 2048,
    shutdownGraceSeconds: 10,
    maxEventLoopDelayMs: 0,
    maxHeapUsedBytes: 200 * 1024 * 1024,
  })
})

t.test('an empty variable counts as unset', async (t) => {
  const c = loadConfig({ PORT: '', LOG_LEVEL: '  ', JWT_SECRET: '', OPENAI_API_KEY: '' })
  t.equal(c.port, 8000)
  t.equal(c.logLevel, 'INFO')
  t.equal(c.jwtSecret, undefined)
  t.equal(c.openaiApiKey, undefined)
})

const invalid: [string, string, RegExp][] = [
  ['PORT', 'abc', /whole number from 0 to 65535/],
  ['PORT', '70000', /whole number from 0 to 65535/],
  ['PORT', '80.5', /whole number/],
  ['SESSION_TIMEOUT_MINUTES', '0', /whole number from 1/],
  ['SESSION_TIMEOUT_MINUTES', '-5', /whole number from 1/],
  ['RATE_LIMIT_PER_MINUTE', 'lots', /whole number from 1/],
  ['LOG_LEVEL', 'verbose', /one of DEBUG, INFO, WARNING, ERROR/],
  ['AI_BACKEND', 'gpt', /one of rules, ollama, openai/],
  ['OLLAMA_ENDPOINT', 'ollama-service:11434', /http:\/\/ or https:\/\/ URL/],
  ['OLLAMA_ENDPOINT', 'ftp://x', /http:\/\/ or https:\/\/ URL/],
  ['OPENAI_BASE_URL', 'not a url', /http:\/\/ or https:\/\/ URL/],
  ['AI_TIMEOUT_SECONDS', '0', /greater than 0/],
  ['AI_TIMEOUT_SECONDS', '1e3', /number/],
  ['BODY_LIMIT_BYTES', '10', /from 1024/],
  ['SHUTDOWN_GRACE_SECONDS', 'soon', /number/],
  ['MAX_EVENT_LOOP_DELAY_MS', '-1', /whole number/],
  ['MAX_HEAP_USED_MB', '1.5', /whole number/],
  ['TRUST_PROXY', 'yes', /whole number from 0 to 10/],
  ['REQUEST_TIMEOUT_SECONDS', '0', /greater than 0/],
  ['REQUEST_TIMEOUT_SECONDS', '25', /below SHUTDOWN_GRACE_SECONDS \(20\)/],
  ['STORAGE_BACKEND', 'mysql', /one of sqlite, postgres/],
  ['DATABASE_POOL_SIZE', '0', /whole number from 1/],
]

for (const [name, value, allowed] of invalid) {
  t.test(`${name}=${value} stops start-up with one line naming it`, async (t) => {
    const err = (() => {
      try {
        loadConfig({ [name]: value })
      } catch (e) {
        return e as Error
      }
    })()
    t.ok(err instanceof ConfigError, 'a ConfigError')
    t.match(err!.message, name, 'names the variable')
    t.match(err!.message, JSON.stringify(value), 'shows the value')
    t.match(err!.message, allowed, 'says what is allowed')
    t.notMatch(err!.message, /\n/, 'one line')
  })
}

t.test('REQUEST_TIMEOUT_SECONDS: 10 s by default, at most half a shorter grace period, always below the grace', async (t) => {
  t.equal(loadConfig({}).requestTimeoutSeconds, 10)
  t.equal(loadConfig({ SHUTDOWN_GRACE_SECONDS: '6' }).requestTimeoutSeconds, 3, 'unset: half of a short grace period')
  t.equal(loadConfig({ REQUEST_TIMEOUT_SECONDS: '2.5' }).requestTimeoutSeconds, 2.5)
  t.throws(() => loadConfig({ REQUEST_TIMEOUT_SECONDS: '6', SHUTDOWN_GRACE_SECONDS: '6' }), /REQUEST_TIMEOUT_SECONDS="6": must be below SHUTDOWN_GRACE_SECONDS \(6\)/)
})

t.test('TRUST_PROXY sets the trusted proxy hops', async (t) => {
  t.equal(loadConfig({ TRUST_PROXY: '1' }).trustProxyHops, 1)
})

t.test('AI_BACKEND=openai without OPENAI_API_KEY is a configuration error', async (t) => {
  t.throws(() => loadConfig({ AI_BACKEND: 'openai' }), { name: 'ConfigError', message: /^Invalid OPENAI_API_KEY \(unset\): required when AI_BACKEND=openai$/ })
  t.equal(loadConfig({ AI_BACKEND: 'openai', OPENAI_API_KEY: 'test-key-not-real' }).aiBackend, 'openai')
})

t.test('a short JWT_SECRET is refused without printing it', async (t) => {
  const secret = 'too-short-not-real'
  t.throws(() => loadConfig({ JWT_SECRET: secret }), { name: 'ConfigError', message: /JWT_SECRET.*18 bytes.*at least 32 bytes/ })
  try {
    loadConfig({ JWT_SECRET: secret })
  } catch (e) {
    t.notMatch((e as Error).message, secret, 'the secret is not echoed')
  }
})

t.test('storage: postgres needs DATABASE_URL; the URL is checked and never echoed', async (t) => {
  t.throws(() => loadConfig({ STORAGE_BACKEND: 'postgres' }), { name: 'ConfigError', message: /^Invalid DATABASE_URL \(unset\): required when STORAGE_BACKEND=postgres$/ })
  const notPostgres = 'mysql://app:hunter2-not-real@db:3306/todo'
  t.throws(() => loadConfig({ STORAGE_BACKEND: 'postgres', DATABASE_URL: notPostgres }), { name: 'ConfigError', message: /DATABASE_URL \(value hidden\): must be a postgres:\/\/ or postgresql:\/\/ URL/ })
  try {
    loadConfig({ DATABASE_URL: notPostgres })
  } catch (e) {
    t.notMatch((e as Error).message, 'hunter2', 'the password is not echoed')
  }
  const c = loadConfig({ STORAGE_BACKEND: 'Postgres', DATABASE_URL: 'postgresql://app:pw-not-real@db:5432/todo', DATABASE_POOL_SIZE: '20' })
  t.match(c, { storageBackend: 'postgres', databaseUrl: 'postgresql://app:pw-not-real@db:5432/todo', databasePoolSize: 20, storageImportJson: undefined })
  t.equal(loadConfig({ STORAGE_BACKEND: 'postgres', DATABASE_URL: 'postgres://db/todo', STORAGE_IMPORT_JSON: '/data/tasks.json' }).storageImportJson, '/data/tasks.json')
})

t.test('storage: a STORAGE_PATH left at the former JSON file stops start-up and says what to set', async (t) => {
  t.throws(() => loadConfig({ STORAGE_PATH: '/data/tasks.json' }), {
    name: 'ConfigError',
    message: /^Invalid STORAGE_PATH="\/data\/tasks.json": is the JSON file to import; point STORAGE_PATH at the database file/,
  })
  t.throws(() => loadConfig({ STORAGE_PATH: '/data/old.json', STORAGE_IMPORT_JSON: '/data/../data/old.json' }), { name: 'ConfigError', message: /STORAGE_PATH/ })
  t.equal(loadConfig({ STORAGE_PATH: '/data/todo.db' }).storageImportJson, '/data/tasks.json', 'the default import sits beside the database')
})
