// Shared by the assistant and session tests: a config with overrides, a quiet logger, a settable clock.

import type { FastifyBaseLogger } from 'fastify'
import { loadConfig, type Config } from '../../src/config.ts'

export function testConfig(overrides: Partial<Config> = {}): Config {
  return { ...loadConfig({}), ...overrides }
}

/** A clock the test moves by hand. */
export function manualClock(start = '2026-03-04T10:00:00.000Z') {
  let now = new Date(start)
  const clock = () => new Date(now)
  clock.set = (iso: string) => { now = new Date(iso) }
  clock.advanceMinutes = (minutes: number) => { now = new Date(now.getTime() + minutes * 60_000) }
  return clock
}

const noop = () => {}
export const silentLogger = {
  level: 'silent', fatal: noop, error: noop, warn: noop, info: noop, debug: noop, trace: noop, silent: noop,
  child() { return silentLogger },
} as unknown as FastifyBaseLogger
