// buildApp(config) -> a ready-to-listen Fastify instance. server.ts listens; tests use app.inject().
// Route plugins are registered here; the task and session routes share one authenticated scope.

import { readFileSync } from 'node:fs'
import Fastify, { type FastifyInstance } from 'fastify'
import { createAssistant } from './assistant/index.ts'
import type { Assistant } from './assistant/types.ts'
import { createTokens } from './auth/tokens.ts'
import type { Config } from './config.ts'
import { AccessLog, loggerOptions, requestId, type LogDestination } from './logging.ts'
import { createMetrics } from './metrics.ts'
import auth from './plugins/auth.ts'
import errors, { clientErrorHandler, frameworkErrorHandler } from './plugins/errors.ts'
import observability from './plugins/observability.ts'
import protection, { type PressureOptions } from './plugins/protection.ts'
import webPage from './plugins/web-page.ts'
import authRoutes from './routes/auth.ts'
import healthRoutes from './routes/health.ts'
import metricsRoutes from './routes/metrics.ts'
import sessionRoutes from './routes/sessions.ts'
import taskRoutes from './routes/tasks.ts'
import { knownUsers } from './auth/known-users.ts'
import { liveAfter } from './sessions/sessions.ts'
import { openStore } from './store/index.ts'
import { PACKAGE_ROOT } from './package-root.ts'
import { createSchemaCompilers, type SchemaCompilers } from './schema-compilers.ts'
import type { Store } from './store/types.ts'

export interface AppDeps {
  /** An already opened store (tests); by default buildApp opens, and on close closes, the configured one. */
  store?: Store
  clock?: () => Date
  assistant?: Assistant
  /** Where log lines go (default stdout); tests capture them. */
  logStream?: LogDestination
  /** Overrides of the load-shedding thresholds from config (tests use tiny ones). */
  pressure?: Partial<PressureOptions>
  /** The route schema compilers (tests keep a handle to compile every schema at once). */
  schemaCompilers?: SchemaCompilers
}

/** The service version, read once from package.json. */
const VERSION: string = JSON.parse(readFileSync(new URL('package.json', PACKAGE_ROOT), 'utf8')).version

export async function buildApp(config: Config, deps: AppDeps = {}): Promise<FastifyInstance> {
  const clock = deps.clock ?? (() => new Date())
  let store: Store // eslint-disable-line prefer-const -- assigned once the logger exists; the gauges only read it at scrape time
  const metrics = createMetrics({
    tasksTotal: () => store.countTasks(),
    sessionsActive: () => store.countActiveSessions(liveAfter(clock(), config.sessionTimeoutMinutes)),
  })

  const schemaCompilers = deps.schemaCompilers ?? createSchemaCompilers()
  const requestTimeoutMs = Math.round(config.requestTimeoutSeconds * 1000)
  const app: FastifyInstance = Fastify({
    // Every line is also scrubbed of the configured secret values.
    logger: loggerOptions(config.logLevel, deps.logStream, [config.jwtSecret, config.jwtSecretPrevious, config.openaiApiKey, config.databaseUrl]),
    // Behind ingress-nginx the peer is the ingress pod: trust its X-Forwarded-For so the per-IP rate limit
    // (signup/login) sees clients. Off by default: a direct client could forge the header.
    trustProxy: (_address: string, hop: number) => hop < config.trustProxyHops,
    genReqId: requestId,
    // Route validators (the one Ajv configuration) and response serializers, not compiled at start-up.
    schemaController: { compilersFactory: schemaCompilers.compilersFactory },
    logController: new AccessLog(),
    bodyLimit: config.bodyLimitBytes,
    // While draining, in-flight and newly arriving requests are answered normally with Connection: close
    // (plugins/protection.ts) instead of Fastify's non-contract 503 body.
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    frameworkErrors: frameworkErrorHandler(metrics),
    // A request (headers and body) must arrive within REQUEST_TIMEOUT_SECONDS, else 408: a stalled upload
    // neither holds memory nor keeps a draining process alive. Node checks the timers once a second.
    requestTimeout: requestTimeoutMs,
    http: { headersTimeout: requestTimeoutMs, connectionsCheckingInterval: 1000 },
    // Errors of the HTTP parser (bad framing, oversized headers) and those timeouts, in the contract format.
    clientErrorHandler: clientErrorHandler(metrics, () => app.log),
  })

  const ownStore = !deps.store
  store = deps.store ?? (await openStore(config, app.log))

  const assistant = deps.assistant ?? (await createAssistant({ config, store, metrics, clock, logger: app.log }))
  const tokens = createTokens({ current: config.jwtSecret, previous: config.jwtSecretPrevious })
  if (tokens.ephemeral) {
    app.log.warn('JWT_SECRET is not set: using a random secret for this process; tokens die with it and other replicas reject them')
  }

  const { openaiApiKey, jwtSecret, jwtSecretPrevious, databaseUrl, ...settings } = config // secrets: only whether they are set
  const secretsSet = {
    openai_api_key_set: Boolean(openaiApiKey),
    jwt_secret_set: Boolean(jwtSecret),
    jwt_secret_previous_set: Boolean(jwtSecretPrevious),
    database_url_set: Boolean(databaseUrl),
  }
  app.log.info(
    { config: { ...settings, ...secretsSet }, jwt_key_id: tokens.currentKeyId, version: VERSION },
    'configuration loaded',
  )

  app.removeContentTypeParser('text/plain') // all bodies are JSON: anything else is a 415
  // Named plugins on the root instance, in dependency order (each declares what it needs): request validation
  // and errors, request ids and metrics, authentication, then rate limit and load shedding before any route.
  await app.register(errors, { metrics })
  await app.register(observability, { metrics })
  await app.register(auth, { tokens, userExists: knownUsers(store) })
  await app.register(protection, {
    config,
    pressure: { maxEventLoopDelayMs: config.maxEventLoopDelayMs, maxHeapUsedBytes: config.maxHeapUsedBytes, ...deps.pressure },
  })

  await app.register(healthRoutes, { store, assistant, version: VERSION })
  await app.register(metricsRoutes, { metrics })
  await app.register(authRoutes, { store, tokens, clock })
  await app.register(webPage) // the chat page at / (docs/chat-page.md)
  await app.register(async function authenticated(scope) {
    scope.addHook('onRequest', app.authenticate)
    await scope.register(taskRoutes, { store, clock })
    await scope.register(sessionRoutes, { store, assistant, config, clock, metrics })
  })

  assistant.start()
  // Once listening (and so ready), what the first requests have not compiled yet compiles in the background.
  app.addHook('onListen', async function compileSchemas() {
    schemaCompilers.compileInBackground((route, err) => app.log.error({ route, reason: err.message }, 'a route schema does not compile'))
  })
  // onClose hooks run after the server has stopped and every in-flight request has finished.
  app.addHook('onClose', async () => {
    await assistant.stop()
    if (ownStore) await store.close()
  })
  return app
}
