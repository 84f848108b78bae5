// Per-request observability: the X-Request-Id response header, session_id on session request lines and the
// request metrics (endpoint = route pattern, never the raw URL). The access log line: src/logging.ts.

import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { sessionIdOf } from '../logging.ts'
import { endpointLabel, type Metrics } from '../metrics.ts'

async function observability(app: FastifyInstance, opts: { metrics: Metrics }): Promise<void> {
  const { metrics } = opts

  app.addHook('onRequest', async (request, reply) => {
    reply.header('X-Request-Id', request.id)
    // Every line logged for a request about one session carries its id (the FR-43 session_id field).
    const sessionId = sessionIdOf(request)
    if (sessionId !== undefined) request.log = reply.log = request.log.child({ session_id: sessionId })
  })

  app.addHook('onResponse', async (request, reply) => {
    const labels = { method: request.method, endpoint: endpointLabel(request.routeOptions.url) }
    metrics.requestsTotal.inc({ ...labels, status: String(reply.statusCode) })
    metrics.requestDuration.observe(labels, reply.elapsedTime / 1000)
  })
}

// On the root instance (fastify-plugin), so its hooks see every request.
export default fp(observability, { name: 'observability', fastify: '5.x' })
