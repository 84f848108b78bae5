// Protection against overload and abuse: per-user rate limit, load shedding under memory or event-loop
// pressure, and connection draining during shutdown. Register before the routes (both plugins hook routes
// as they are added).

import rateLimit from '@fastify/rate-limit'
import underPressure from '@fastify/under-pressure'
import type { IncomingMessage } from 'node:http'
import { Socket } from 'node:net'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../config.ts'
import { AppError } from '../errors.ts'
import { REQUEST_TIMEOUT_ERROR, answerOnSocket } from './errors.ts'

export interface PressureOptions {
  maxEventLoopDelayMs: number
  maxHeapUsedBytes: number
  /** How often under-pressure samples the event loop and heap (tests use a short interval). */
  sampleIntervalMs?: number
  /** Retry-After of a 503, in seconds. */
  retryAfterSeconds?: number
}

/** Route config that exempts a route from load shedding: /livez must answer while the process lives. */
export const notShed = { pressureHandler: () => undefined }

interface ProtectionOptions {
  config: Config
  pressure: PressureOptions
}

async function protection(app: FastifyInstance, opts: ProtectionOptions): Promise<void> {
  const { config, pressure } = opts
  const retryAfter = pressure.retryAfterSeconds ?? 10
  const sampleIntervalMs = pressure.sampleIntervalMs ?? 1000
  // Start-up (module loading, schema compilation, opening the store) blocks the event loop, and
  // under-pressure's first samples measure that pause, not load. Event-loop delay counts only from two sample
  // intervals after the app is ready: by then the reading in force comes from a window that began after it.
  let delayCountsFrom = Infinity
  app.addHook('onReady', async () => {
    delayCountsFrom = Date.now() + 2 * sampleIntervalMs
  })
  await app.register(underPressure, {
    maxEventLoopDelay: pressure.maxEventLoopDelayMs,
    maxHeapUsedBytes: pressure.maxHeapUsedBytes,
    sampleInterval: sampleIntervalMs,
    retryAfter,
    exposeStatusRoute: false,
    // A rejection reaches the app's error handler, which renders the contract body with Retry-After.
    pressureHandler: async (_request, _reply, type, value) => {
      if (type === 'eventLoopDelay' && Date.now() < delayCountsFrom) {
        // under-pressure stops at the first failing check: make the heap check it skipped.
        const { heapUsed } = app.memoryUsage()
        if (!(pressure.maxHeapUsedBytes > 0 && heapUsed > pressure.maxHeapUsedBytes)) return
        type = 'heapUsedBytes'
        value = heapUsed
      }
      throw new AppError(503, 'OVERLOADED', `Server is overloaded (${type}), retry later`, { 'Retry-After': String(retryAfter) }, { pressure: type, value })
    },
  })

  // Keyed by the authenticated user (the auth hook runs first in the authenticated scope), else the client IP.
  await app.register(rateLimit, {
    max: config.rateLimitPerMinute,
    timeWindow: 60_000,
    keyGenerator: (request: FastifyRequest) => (request.userId ? `user:${request.userId}` : `ip:${request.ip}`),
    errorResponseBuilder: (_request, context) =>
      new AppError(429, 'RATE_LIMITED', `Rate limit of ${context.max} requests per minute exceeded, retry in ${context.after}`),
  })

  // `Connection: close` makes Node end the connection once the response is flushed. Sent
  // - while draining: server.close() only closes idle connections, so keep-alive clients (ingress) must let go;
  // - on a response sent before its request's body is complete (401 from the auth hook, 413, 415): else Node
  //   keeps the connection to read the unwanted rest of the body, its request timer later writes a stray 408
  //   after our answer, and a drain waits for that connection until the grace period runs out.
  let draining = false
  app.addHook('preClose', async () => {
    draining = true
    endStalledUploads()
  })
  app.addHook('onSend', async (request, reply) => {
    if (draining || bodyStillArriving(request.raw)) reply.header('Connection', 'close')
  })

  // Node enforces REQUEST_TIMEOUT_SECONDS with a timer that server.close() stops: a request whose body is still
  // arriving when the drain starts would hold the process past its grace period. Track such requests, and at
  // the drain give each the rest of its time, then answer 408 and close its connection.
  const requestTimeoutMs = config.requestTimeoutSeconds * 1000
  const receiving = new Map<IncomingMessage, { startedAt: number; requestId: string }>()
  app.addHook('onRequest', async (request) => {
    const raw = request.raw
    if (!bodyStillArriving(raw)) return
    receiving.set(raw, { startedAt: Date.now(), requestId: request.id })
    const done = () => receiving.delete(raw)
    raw.once('end', done)
    raw.once('close', done)
  })
  app.addHook('onResponse', async (request) => {
    receiving.delete(request.raw)
  })
  function endStalledUploads() {
    for (const [raw, { startedAt, requestId }] of receiving) {
      const timer = setTimeout(() => {
        if (raw.complete || raw.socket.destroyed) return
        const [status, code, message] = REQUEST_TIMEOUT_ERROR
        app.log.info({ request_id: requestId, error_code: code }, 'request body not received before the drain deadline')
        answerOnSocket(raw.socket, status, code, message, requestId)
      }, Math.max(0, startedAt + requestTimeoutMs - Date.now()))
      timer.unref()
    }
  }
}

/** The request's body has not all arrived yet (false under app.inject(), whose request has no real socket). */
function bodyStillArriving(raw: IncomingMessage): boolean {
  return !raw.complete && raw.socket instanceof Socket
}

// On the root instance (fastify-plugin), before the routes. Its 429 and 503 are AppErrors the errors plugin renders;
// the rate limit's key reads request.userId, which the auth plugin declares.
export default fp(protection, { name: 'protection', fastify: '5.x', dependencies: ['errors', 'auth'] })
