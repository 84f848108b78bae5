// `npm run screenshot:web`: makes docs/chat-page.png, the README's picture of the chat page. Starts the
// service in this process (file store in a temp dir), signs up in Debian's Chromium, has a short
// conversation with the offline `rules` assistant and ticks one task, then captures 1024x720 CSS pixels.

import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import { buildApp } from '../src/app.ts'
import { loadConfig } from '../src/config.ts'
import { findTool } from '../test/helpers/system-tool.ts'
import { ensureWebBuilt } from './build.ts'

const OUT = fileURLToPath(new URL('../docs/chat-page.png', import.meta.url))
const executablePath = findTool('chromium', 'chromium-browser')
if (!executablePath) {
  console.error('chromium not found: apt-get install chromium')
  process.exit(1)
}

await ensureWebBuilt()
const dir = await mkdtemp(path.join(tmpdir(), 'screenshot-web-'))
const app = await buildApp(loadConfig({ STORAGE_PATH: path.join(dir, 'todo.db'), JWT_SECRET: randomBytes(32).toString('hex'), LOG_LEVEL: 'ERROR' }), {
  logStream: { write: () => undefined },
})
await app.listen({ host: '127.0.0.1', port: 0 })
const browser = await chromium.launch({ executablePath, headless: true, chromiumSandbox: false, args: ['--disable-gpu'] })
try {
  const page = await browser.newPage({ viewport: { width: 1024, height: 720 }, colorScheme: 'light' })
  await page.goto(`http://127.0.0.1:${(app.server.address() as { port: number }).port}`)
  await page.getByRole('textbox', { name: 'Email', exact: true }).fill('sam@example.com')
  await page.getByLabel('Password', { exact: true }).fill(randomBytes(12).toString('base64url'))
  await page.getByRole('button', { name: 'Sign up', exact: true }).click()
  const message = page.getByRole('textbox', { name: 'Message', exact: true })
  const tasks = page.getByRole('list', { name: 'Tasks', exact: true }).getByRole('listitem')
  const say = async (text: string, items: number) => {
    await message.fill(text)
    await message.press('Enter')
    await page.waitForFunction((n) => document.querySelectorAll('.msg.from-assistant').length >= n, (await page.locator('.msg.from-assistant').count()) + 1)
    await tasks.nth(items - 1).waitFor()
  }
  await say('add buy milk tomorrow #home', 1)
  await say('add file the tax return friday high priority #admin', 2)
  await say('add call mom', 3)
  const patched = page.waitForResponse((r) => r.request().method() === 'PATCH' && r.ok())
  await tasks.filter({ hasText: 'call mom' }).getByRole('checkbox').check()
  await patched
  await say("what's pending", 3)
  await message.focus()
  await page.screenshot({ path: OUT })
  console.log(`${path.relative(process.cwd(), OUT)}: ${(await stat(OUT)).size} B`)
} finally {
  await browser.close()
  await app.close()
  await rm(dir, { recursive: true, force: true })
}
