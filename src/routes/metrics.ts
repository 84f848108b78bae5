// GET /metrics: Prometheus text exposition of this app's registry (FR-44). Not rate limited or shed, so
// the overload can be observed while it lasts.

import type { FastifyInstance } from 'fastify'
import type { Metrics } from '../metrics.ts'
import { notShed } from '../plugins/protection.ts'

export default async function metricsRoutes(app: FastifyInstance, opts: { metrics: Metrics }) {
  const { registry } = opts.metrics
  // The body is Prometheus text, not JSON, so there is no response schema to serialize it with.
  app.get('/metrics', { config: { rateLimit: false, ...notShed } }, async (_request, reply) => {
    const text = await registry.metrics()
    return reply.type(registry.contentType).send(text)
  })
}
