// Chat page benchmark (`npm run bench:web`): prints figures, judges nothing.
//  1. the bundle: every file raw, gzip and brotli (fresh `npm run build:web`), JS + CSS totals;
//  2. navigation -> usable page in local Chromium (Debian's, through playwright-core), RUNS times each:
//     cold (new profile, empty cache) signed out; warm (reload, assets from the cache) signed out; and signed
//     in with 25 tasks and a conversation (the token in localStorage). "Usable" = the page's own
//     performance mark `app-ready` (set once the form, or the tasks and conversation, are rendered and
//     focused), and, from outside, until the Email / Message textbox is visible.
// The service runs in this process (buildApp, file store in a temp dir), like the browser tests.

import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { buildApp } from '../src/app.ts'
import { loadConfig } from '../src/config.ts'
import { findTool } from '../test/helpers/system-tool.ts'
import { buildWeb } from '../web/build.ts'

const RUNS = Number(process.env.BENCH_RUNS ?? 15)
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`

const { files, scriptAndStyle } = await buildWeb()
console.log('# bundle (npm run build:web)')
for (const f of files) console.log(`${f.name.padEnd(34)} raw ${kb(f.bytes).padStart(9)}  gzip ${kb(f.gzipBytes).padStart(8)}  brotli ${kb(f.brotliBytes).padStart(8)}`)
console.log(`JS + CSS: raw ${kb(scriptAndStyle.bytes)} (${scriptAndStyle.bytes} B), gzip ${kb(scriptAndStyle.gzipBytes)} (${scriptAndStyle.gzipBytes} B), brotli ${kb(scriptAndStyle.brotliBytes)} (${scriptAndStyle.brotliBytes} B)`)

const executablePath = findTool('chromium', 'chromium-browser')
if (!executablePath) {
  console.log('# chromium not found (apt-get install chromium): no page timings')
  process.exit(0)
}

const dir = await mkdtemp(path.join(tmpdir(), 'bench-web-'))
const config = loadConfig({ STORAGE_PATH: path.join(dir, 'todo.db'), JWT_SECRET: randomBytes(32).toString('hex'), LOG_LEVEL: 'ERROR', RATE_LIMIT_PER_MINUTE: '100000' })
const app = await buildApp(config, { logStream: { write: () => undefined } })
await app.listen({ host: '127.0.0.1', port: 0 })
const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`

async function post(url: string, body: unknown, token?: string): Promise<Record<string, unknown>> {
  const res = await fetch(base + url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  })
  return (await res.json()) as Record<string, unknown>
}

const email = 'bench@example.test'
const { token } = (await post('/auth/signup', { email, password: 'a long bench password' })) as { token: string }
for (let i = 1; i <= 25; i++) await post('/tasks', { title: `task ${i}`, priority: i % 5 ? 'normal' : 'high', due_date: '2030-01-15', tags: ['bench'] }, token)
const { session_id: sessionId } = (await post('/sessions', {}, token)) as { session_id: string }
for (const message of ['add buy milk tomorrow', "what's pending", 'help']) await post(`/sessions/${sessionId}/messages`, { message }, token)

interface Sample {
  /** navigation start -> app-ready mark, as the page measured it */
  ready: number
  /** page.goto called -> the textbox visible, as the driver saw it */
  visible: number
  domContentLoaded: number
  transferred: number
}

async function measure(page: Page, navigate: () => Promise<unknown>, textbox: string): Promise<Sample> {
  const start = performance.now()
  await navigate()
  await page.getByRole('textbox', { name: textbox, exact: true }).waitFor()
  const visible = performance.now() - start
  await page.waitForFunction(() => performance.getEntriesByName('app-ready').length > 0)
  const inPage = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming
    const resources = performance.getEntriesByType('resource') as PerformanceResourceTiming[]
    return {
      ready: performance.getEntriesByName('app-ready')[0]!.startTime,
      domContentLoaded: nav.domContentLoadedEventEnd,
      transferred: nav.transferSize + resources.filter((r) => r.initiatorType !== 'fetch').reduce((n, r) => n + r.transferSize, 0),
    }
  })
  return { ...inPage, visible }
}

async function series(browser: Browser, name: string, run: (browser: Browser) => Promise<Sample>): Promise<void> {
  const samples: Sample[] = []
  await run(browser) // warm-up: the server's first requests, Chromium's first context
  for (let i = 0; i < RUNS; i++) samples.push(await run(browser))
  const stat = (pick: (s: Sample) => number) => {
    const v = samples.map(pick).sort((a, b) => a - b)
    return `median ${v[Math.floor(v.length / 2)]!.toFixed(0)} ms, p90 ${v[Math.floor(v.length * 0.9)]!.toFixed(0)} ms, min ${v[0]!.toFixed(0)} ms`
  }
  console.log(`${name}:`)
  console.log(`  navigation -> app-ready mark:     ${stat((s) => s.ready)}`)
  console.log(`  goto -> textbox visible (driver): ${stat((s) => s.visible)}`)
  console.log(`  DOMContentLoaded:                 ${stat((s) => s.domContentLoaded)}`)
  console.log(`  transferred (document + assets):  ${kb(samples[0]!.transferred)}`)
}

const browser = await chromium.launch({ executablePath, headless: true, chromiumSandbox: false, args: ['--disable-gpu', '--no-first-run'] })
try {
  console.log(`# navigation -> usable page, Chromium ${browser.version()} headless, ${RUNS} runs each (after one warm-up)`)
  await series(browser, 'cold, signed out (new profile, empty cache)', async (b) => {
    const context = await b.newContext()
    const page = await context.newPage()
    const s = await measure(page, () => page.goto(base), 'Email')
    await context.close()
    return s
  })
  await series(browser, 'warm, signed out (reload: assets from the cache)', async (b) => {
    const context = await b.newContext()
    const page = await context.newPage()
    await page.goto(base)
    await page.getByRole('textbox', { name: 'Email', exact: true }).waitFor()
    const s = await measure(page, () => page.reload(), 'Email')
    await context.close()
    return s
  })
  await series(browser, 'cold, signed in (25 tasks, 6 messages of conversation)', async (b) => {
    const context = await b.newContext()
    await context.addInitScript(
      ([state]) => localStorage.setItem('todo-chat.signed-in', state!),
      [JSON.stringify({ token, email, sessionId })],
    )
    const page = await context.newPage()
    const s = await measure(page, () => page.goto(base), 'Message')
    const items = await page.getByRole('list', { name: 'Tasks' }).getByRole('listitem').count()
    if (items !== 26) throw new Error(`expected the 26 tasks rendered at app-ready, saw ${items}`)
    await context.close()
    return s
  })
} finally {
  await browser.close()
  await app.close()
  await rm(dir, { recursive: true, force: true })
}
