// Shared setup of the browser tests: Debian's Chromium driven by playwright-core (never a downloaded
// browser), the service in-process (buildApp on port 0, file store in a temp dir), axe-core for scans.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import axe from 'axe-core'
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core'
import type { Test } from 'tap'
import { buildApp } from '../../src/app.ts'
import { ensureWebBuilt } from '../../web/build.ts'
import { systemTool } from '../helpers/system-tool.ts'
import { testConfig } from '../app/helpers.ts'

/** Chromium's path, or undefined after skipping `t` (failing it under REQUIRE_SYSTEM_TOOLS=1). */
export function chromiumPath(t: Test): string | undefined {
  return systemTool(t, {
    name: 'chromium',
    alternatives: ['chromium-browser'],
    why: 'the chat page in a real browser',
    install: 'apt-get install chromium',
  })
}

export async function launch(executablePath: string): Promise<Browser> {
  // Root has no user namespace sandbox here: --no-sandbox (chromiumSandbox: false).
  return chromium.launch({ executablePath, headless: true, chromiumSandbox: false, args: ['--disable-gpu', '--no-first-run'] })
}

export interface Service {
  baseUrl: string
  close(): Promise<void>
}

/** The service on 127.0.0.1 with a fresh file store; `env` overrides the test config. */
export async function startService(env: Record<string, string> = {}): Promise<Service> {
  await ensureWebBuilt()
  const dir = await mkdtemp(path.join(tmpdir(), 'chat-page-'))
  const app = await buildApp(testConfig({ STORAGE_PATH: path.join(dir, 'todo.db'), LOG_LEVEL: 'ERROR', ...env }), {
    logStream: { write: () => undefined },
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as { port: number }
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    async close() {
      await app.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

/** A page that records CSP violations and uncaught errors, for the tests to assert there were none. */
export async function openPage(browser: Browser, options: BrowserContextOptions = {}): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext(options)
  const page = await context.newPage()
  const problems: string[] = []
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
  page.on('console', (m) => {
    if (/Content.Security.Policy/i.test(m.text())) problems.push(`CSP: ${m.text()}`)
  })
  return { page, problems }
}


export interface AxeViolation {
  id: string
  impact: string | null
  help: string
  nodes: { target: string[] }[]
}

/** Runs axe-core in the page (evaluated through the DevTools protocol, which the page's CSP does not
 * govern) and returns the serious and critical violations. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axe.source) // axe-core's whole script, as a string
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: AxeViolation[] }> } }).axe
    const result = await axe.run(document, { resultTypes: ['violations'] })
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }))
  })
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
}

/** Polls `probe` until it returns true (or throws the last mismatch after `ms`). */
export async function eventually(what: string, probe: () => Promise<boolean> | boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms
  for (;;) {
    if (await probe()) return
    if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}
