// Reachability of a model backend, probed in the background and cached, so /health answers at once and an
// AI outage only degrades it. Real traffic updates the cache too: a successful call means "connected", an
// unreachable backend means "degraded", without waiting for the next probe.

import type { FastifyBaseLogger } from 'fastify'
import { redactCredentials, truncate } from '../redact.ts'
import type { AiOutcome } from './errors.ts'

export type Reachability = 'connected' | 'degraded'

export interface HealthMonitorOptions {
  name: string
  /** Resolves when the backend is usable; throws (with a reason) when it is not. */
  probe: (signal: AbortSignal) => Promise<void>
  intervalMs: number
  timeoutMs: number
  logger: FastifyBaseLogger
}

export function createHealthMonitor(opts: HealthMonitorOptions) {
  const { name, probe, intervalMs, timeoutMs, logger } = opts
  // Unknown until the first probe answers: report degraded rather than promise a connection.
  let state: Reachability = 'degraded'
  let timer: NodeJS.Timeout | undefined
  let inFlight: Promise<void> | undefined

  function set(next: Reachability, reason?: string) {
    if (next === state) return
    state = next
    if (next === 'connected') logger.info({ ai_backend: name }, `${name} is reachable`)
    else logger.warn({ ai_backend: name, reason }, `${name} is degraded`)
  }

  function check(): Promise<void> {
    inFlight ??= probe(AbortSignal.timeout(timeoutMs))
      .then(() => set('connected'))
      // A probe's error text may quote the upstream's answer: redacted and cut before it is logged.
      .catch((err: unknown) => set('degraded', truncate(redactCredentials(err instanceof Error ? err.message : String(err)))))
      .finally(() => { inFlight = undefined })
    return inFlight
  }

  return {
    status: (): Reachability => state,
    /** Probe now (resolves when the probe has answered), used by start() and by tests. */
    check,
    start() {
      if (timer) return
      void check()
      timer = setInterval(() => void check(), intervalMs)
      timer.unref()
    },
    async stop() {
      clearInterval(timer)
      timer = undefined
      await inFlight
    },
    observe(outcome: AiOutcome) {
      if (outcome === 'success') set('connected')
      else if (outcome === 'unavailable') set('degraded', 'a model call found the backend unavailable')
    },
  }
}

export type HealthMonitor = ReturnType<typeof createHealthMonitor>
