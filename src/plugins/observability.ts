// Per-request observability: the X-Request-Id response header, session_id on session request lines, one
// access-log line per request and the request metrics (endpoint = route pattern, never the raw URL).

import type { FastifyInstance } from 'fastify'
import { endpointLabel, type Metrics } from '../metrics.ts'

/** Probe and scrape traffic is logged at DEBUG so it does not drown the INFO log. */
const QUIET_ROUTES = new Set(['/livez', '/readyz', '/health', '/metrics'])

export function setupObservability(app: FastifyInstance, opts: { metrics: Metrics }): void {
  const { metrics } = opts

  app.addHook('onRequest', async (request, reply) => {
    reply.header('X-Request-Id', request.id)
  })

  // Every line logged for a request about one session carries its id (the FR-43 session_id field).
  app.addHook('preHandler', async (request, reply) => {
    const route = request.routeOptions.url
    if (route?.startsWith('/sessions/:id')) {
      const sessionId = (request.params as { id?: string }).id
      request.log = reply.log = request.log.child({ session_id: sessionId })
    }
  })

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url
    const labels = { method: request.method, endpoint: endpointLabel(route) }
    metrics.requestsTotal.inc({ ...labels, status: String(reply.statusCode) })
    metrics.requestDuration.observe(labels, reply.elapsedTime / 1000)
    const line = {
      method: request.method,
      url: request.url.slice(0, 300),
      endpoint: labels.endpoint,
      status: reply.statusCode,
      duration_ms: Math.round(reply.elapsedTime * 100) / 100,
      user_id: request.userId || undefined,
    }
    if (route && QUIET_ROUTES.has(route)) reply.log.debug(line, 'request completed')
    else reply.log.info(line, 'request completed')
  })
}
