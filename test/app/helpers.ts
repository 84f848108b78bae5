// Shared setup for the app and route tests: a config with test values, an app on an in-memory store
// whose log lines are captured, and a signed-up user.

import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { buildApp, type AppDeps } from '../../src/app.ts'
import { loadConfig, type Config } from '../../src/config.ts'
import { MemoryStore } from '../helpers/memory-store.ts'

/** Generated per run, never a real secret. */
export const TEST_JWT_SECRET = `test-secret-not-real-${process.pid}-${Date.now()}-padding`

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({ JWT_SECRET: TEST_JWT_SECRET, STORAGE_PATH: '/nonexistent/not-used.json', LOG_LEVEL: 'DEBUG', ...env })
}

export interface TestApp {
  app: FastifyInstance
  store: MemoryStore
  /** Every log line written so far, raw. */
  logText: () => string
  /** Every log line written so far, parsed. */
  logLines: () => Record<string, unknown>[]
}

interface Teardown {
  teardown(fn: () => unknown): void
}

export async function testApp(t: Teardown, env: Record<string, string> = {}, deps: AppDeps = {}): Promise<TestApp> {
  const lines: string[] = []
  const store = (deps.store as MemoryStore | undefined) ?? new MemoryStore()
  const app = await buildApp(testConfig(env), { store, logStream: { write: (l) => void lines.push(l) }, ...deps })
  t.teardown(() => app.close())
  await app.ready()
  return {
    app,
    store,
    logText: () => lines.join(''),
    logLines: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
  }
}

export async function signup(app: FastifyInstance, email = 'alice@example.test', password = 'correct horse battery') {
  const res = await app.inject({ method: 'POST', url: '/auth/signup', payload: { email, password } })
  if (res.statusCode !== 201) throw new Error(`signup failed: ${res.statusCode} ${res.body}`)
  const body = res.json() as { user_id: string; token: string }
  return { userId: body.user_id, token: body.token, auth: { authorization: `Bearer ${body.token}` } }
}

/** Asserts the contract's error body and returns its code. */
export function errorCode(res: LightMyRequestResponse): string {
  const body = res.json() as { error?: { code?: unknown; message?: unknown }; request_id?: unknown }
  if (typeof body.error?.code !== 'string' || typeof body.error.message !== 'string' || typeof body.request_id !== 'string') {
    throw new Error(`not a contract error body: ${res.body}`)
  }
  if (res.body.includes('    at ')) throw new Error(`stack trace in body: ${res.body}`)
  if (res.headers['x-request-id'] !== body.request_id) throw new Error('request_id differs from the X-Request-Id header')
  return body.error.code
}
