// Probes (docs/contracts.md, FR-21/FR-45): /livez while the event loop runs, /readyz while storage is usable,
// /health with the component states. The AI state comes from the assistant's cached background probe,
// so no probe ever waits on the AI backend.

import type { FastifyInstance } from 'fastify'
import type { Assistant } from '../assistant/types.ts'
import type { Config } from '../config.ts'
import type { Store } from '../store/types.ts'
import { notShed } from '../plugins/protection.ts'

// Probes are never rate limited nor shed: a readiness probe failing on every hot replica at once would take
// the whole service out of its endpoints, turning load into an outage.
const probeConfig = { rateLimit: false, ...notShed } as const

const healthBody = {
  type: 'object',
  additionalProperties: false,
  required: ['status', 'version', 'storage', 'ai_backend', 'ai', 'openai'],
  properties: {
    status: { type: 'string', enum: ['healthy', 'degraded', 'unhealthy'] },
    version: { type: 'string' },
    storage: { type: 'string', enum: ['accessible', 'unavailable'] },
    ai_backend: { type: 'string', enum: ['rules', 'ollama', 'openai'] },
    ai: { type: 'string', enum: ['connected', 'degraded'] },
    openai: { type: 'string', enum: ['connected', 'degraded', 'not_configured'] },
  },
} as const

const statusBody = {
  type: 'object',
  additionalProperties: false,
  required: ['status'],
  properties: { status: { type: 'string' } },
} as const

export default async function healthRoutes(
  app: FastifyInstance,
  opts: { store: Store; assistant: Assistant; config: Config; version: string },
) {
  const { store, assistant, version } = opts

  app.get('/health', { config: probeConfig, schema: { response: { 200: healthBody, 503: healthBody } } }, async (_request, reply) => {
    const storageOk = await store.check()
    const ai = assistant.status()
    const status = !storageOk ? 'unhealthy' : ai.ai === 'degraded' || ai.openai === 'degraded' ? 'degraded' : 'healthy'
    return reply.code(storageOk ? 200 : 503).send({
      status,
      version,
      storage: storageOk ? 'accessible' : 'unavailable',
      ai_backend: assistant.backend,
      ai: ai.ai,
      openai: ai.openai,
    })
  })

  app.get('/livez', { config: probeConfig, schema: { response: { 200: statusBody } } }, async () => ({ status: 'alive' }))

  app.get('/readyz', { config: probeConfig, schema: { response: { 200: statusBody, 503: statusBody } } }, async (_request, reply) => {
    const ready = await store.check()
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready' })
  })
}
