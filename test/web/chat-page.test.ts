// The chat page in a real browser (Debian's Chromium through playwright-core), against the service
// in-process: the accessible-name contract (textbox "Email", password "Password", buttons "Sign up",
// "Log in", "Send", "Log out", role alert, log "Conversation", list "Tasks" with a checkbox per task), the
// main path (sign up, "add buy milk tomorrow", tick it, reload, log out and in), the errors, an expired
// token, the keyboard alone, the filter, axe-core scans signed out and in, 375 px and the colour schemes.
// Skipped with a printed reason where chromium is missing (required under REQUIRE_SYSTEM_TOOLS=1).
import t from 'tap'
import type { Browser, Page } from 'playwright-core'
import { createTokens } from '../../src/auth/tokens.ts'
import { TEST_JWT_SECRET } from '../app/helpers.ts'
import { chromiumPath, eventually, launch, openPage, seriousViolations, startService, type Service } from './browser.ts'

const PASSWORD = 'correct horse battery'
let emails = 0
const newEmail = () => `user${++emails}-${process.pid}@example.test`

const executable = chromiumPath(t)
if (executable) {
  let browser: Browser
  let service: Service
  t.before(async () => {
    service = await startService()
    browser = await launch(executable)
  })
  t.teardown(async () => {
    await browser?.close()
    await service?.close()
  })

  const ui = (page: Page) => ({
    email: page.getByRole('textbox', { name: 'Email', exact: true }),
    password: page.getByLabel('Password', { exact: true }),
    signUp: page.getByRole('button', { name: 'Sign up', exact: true }),
    logIn: page.getByRole('button', { name: 'Log in', exact: true }),
    alert: page.getByRole('alert'),
    message: page.getByRole('textbox', { name: 'Message', exact: true }),
    send: page.getByRole('button', { name: 'Send', exact: true }),
    conversation: page.getByRole('log', { name: 'Conversation', exact: true }),
    tasks: page.getByRole('list', { name: 'Tasks', exact: true }),
    task: (title: string) => page.getByRole('list', { name: 'Tasks', exact: true }).getByRole('listitem').filter({ hasText: title }),
    logOut: page.getByRole('button', { name: 'Log out', exact: true }),
  })

  const storedToken = (page: Page) =>
    page.evaluate(() => (JSON.parse(localStorage.getItem('todo-chat.signed-in') ?? 'null') as { token: string } | null)?.token ?? null)

  async function apiTasks(token: string): Promise<{ id: number; title: string; completed: boolean; due_date: string | null }[]> {
    const res = await fetch(`${service.baseUrl}/tasks`, { headers: { authorization: `Bearer ${token}` } })
    return ((await res.json()) as { tasks: { id: number; title: string; completed: boolean; due_date: string | null }[] }).tasks
  }

  async function signUpWithApi(email = newEmail()): Promise<{ email: string; token: string }> {
    const res = await fetch(`${service.baseUrl}/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: PASSWORD }),
    })
    return { email, token: ((await res.json()) as { token: string }).token }
  }

  async function addTaskWithApi(token: string, task: Record<string, unknown>): Promise<void> {
    const res = await fetch(`${service.baseUrl}/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(task),
    })
    if (res.status !== 201) throw new Error(`POST /tasks: ${res.status} ${await res.text()}`)
  }

  async function logInWithForm(page: Page, email: string): Promise<void> {
    const u = ui(page)
    await u.email.fill(email)
    await u.password.fill(PASSWORD)
    await u.logIn.click()
    await u.message.waitFor()
  }

  t.test('sign up, "add buy milk tomorrow", see it listed, tick it, reload, log out and in', async (t) => {
    const { page, problems } = await openPage(browser)
    const u = ui(page)
    await page.goto(service.baseUrl)
    const email = newEmail()
    await u.email.fill(email)
    await u.password.fill(PASSWORD)
    await u.signUp.click()
    await u.message.waitFor()
    t.ok(await u.logOut.isVisible(), 'signed in: a "Log out" button')
    t.equal(await u.tasks.getByRole('listitem').count(), 0, 'a new account has no tasks')

    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true))
    await u.message.fill('add buy milk tomorrow')
    await u.message.press('Enter') // Enter sends
    await u.task('buy milk').waitFor()
    t.match(await u.conversation.innerText(), /You: add buy milk tomorrow[\s\S]*Assistant: .*buy milk/, 'the message and the reply are in the conversation log as text')
    t.equal(await u.message.inputValue(), '', 'the textbox is cleared after sending')
    t.ok(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument), 'the list changed without a reload')

    const token = (await storedToken(page))!
    const [milk] = await apiTasks(token)
    t.equal(milk?.title, 'buy milk')
    t.ok(milk?.due_date, 'the assistant set a due date')
    t.equal(await u.task('buy milk').locator('time').getAttribute('datetime'), milk!.due_date, 'the item shows the due date')
    t.match(await u.task('buy milk').innerText(), /Due .+Normal priority/s, 'and the priority')

    const checkbox = u.task('buy milk').getByRole('checkbox')
    t.notOk(await checkbox.isChecked(), 'pending: unchecked')
    await checkbox.check()
    await eventually('PATCH /tasks/:id completed the task', async () => (await apiTasks(token))[0]?.completed === true)
    t.ok(await checkbox.isChecked(), 'ticked')

    await page.reload()
    await u.message.waitFor()
    t.pass('a reload keeps the user signed in')
    await u.task('buy milk').waitFor()
    t.ok(await u.task('buy milk').getByRole('checkbox').isChecked(), 'still ticked after the reload')
    t.match(await u.conversation.innerText(), /add buy milk tomorrow/, 'the conversation continues after the reload')

    await u.logOut.click()
    await u.email.waitFor()
    t.equal(await storedToken(page), null, 'log out forgets the token')
    await page.reload()
    await u.email.waitFor()
    t.notOk(await u.message.isVisible(), 'still signed out after a reload')

    await logInWithForm(page, email)
    await u.task('buy milk').waitFor()
    t.ok(await u.task('buy milk').getByRole('checkbox').isChecked(), 'logged in again: the task is there, completed')
    t.same(problems, [], 'no CSP violation or script error')
    await page.context().close()
  })

  t.test("the chat uses the browser's time zone: 'today' is the user's day", async (t) => {
    // A zone whose date differs from UTC's right now (UTC+14 from 10:00 UTC on, UTC-11 before), so a
    // session without the browser's zone would get the wrong day.
    const timezoneId = new Date().getUTCHours() >= 10 ? 'Pacific/Kiritimati' : 'Pacific/Pago_Pago'
    const dayIn = (timeZone: string) => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date())
    const { page, problems } = await openPage(browser, { timezoneId })
    const u = ui(page)
    await page.goto(service.baseUrl)
    await u.email.fill(newEmail())
    await u.password.fill(PASSWORD)
    await u.signUp.click()
    await u.message.waitFor()
    await u.message.fill('add call the bank today')
    await u.message.press('Enter')
    await u.task('call the bank').waitFor()
    const [task] = await apiTasks((await storedToken(page))!)
    t.not(dayIn(timezoneId), dayIn('UTC'), `${timezoneId} is on another day than UTC now`)
    t.equal(task?.due_date, dayIn(timezoneId), `due today in ${timezoneId}`)
    t.same(problems, [], 'no CSP violation or script error')
    await page.context().close()
  })

  t.test('errors go to the alert: wrong password, email taken, bad input', async (t) => {
    const { email } = await signUpWithApi()
    const { page, problems } = await openPage(browser)
    const u = ui(page)
    await page.goto(service.baseUrl)
    await u.email.fill(email)
    await u.password.fill('not the right password')
    await u.logIn.click()
    await u.alert.filter({ hasText: /\S/ }).waitFor()
    t.match(await u.alert.innerText(), /wrong email or password/i, 'a wrong password shows the alert')
    t.notOk(await u.message.isVisible(), 'and stays signed out')

    await u.password.fill(PASSWORD)
    await u.signUp.click()
    await u.alert.filter({ hasText: /already exists/ }).waitFor()
    t.pass('signing up with a taken email shows the alert')

    await u.email.fill('not-an-email')
    await u.logIn.click()
    await u.alert.filter({ hasText: /email address/ }).waitFor()
    t.equal(await u.email.getAttribute('aria-invalid'), 'true', 'the email field is marked invalid')
    t.same(problems, [])
    await page.context().close()
  })

  t.test('the rate limit shows in the alert; loading the page does not count against it', async (t) => {
    const limited = await startService({ RATE_LIMIT_PER_MINUTE: '2' })
    t.teardown(() => limited.close())
    const { page, problems } = await openPage(browser)
    const u = ui(page)
    for (let i = 0; i < 3; i++) await page.goto(limited.baseUrl) // 3 page loads, several files each
    await u.email.fill('nobody@example.test')
    await u.password.fill('not the password')
    for (const expected of [/wrong email or password/i, /wrong email or password/i, /too many attempts/i]) {
      await u.logIn.click()
      await eventually(`the alert says ${expected}`, async () => expected.test(await u.alert.innerText()))
      await eventually('the answer arrived (the buttons are enabled again)', () => u.logIn.isEnabled())
    }
    t.pass('two wrong passwords, then the rate limit, each in the alert')
    t.same(problems, [])
    await page.context().close()
  })

  t.test('an expired token returns to the form with a message', async (t) => {
    const { email } = await signUpWithApi()
    const { page } = await openPage(browser)
    const u = ui(page)
    await page.goto(service.baseUrl)
    await logInWithForm(page, email)
    // A token of the service's own secret that expires after one second.
    const expired = createTokens(TEST_JWT_SECRET, 1).sign('someone')
    await new Promise((r) => setTimeout(r, 1100))
    await page.evaluate((token) => {
      const key = 'todo-chat.signed-in'
      localStorage.setItem(key, JSON.stringify({ ...JSON.parse(localStorage.getItem(key)!), token }))
    }, expired)
    await page.reload()
    await u.email.waitFor()
    t.match(await u.alert.innerText(), /session has expired/i, 'the form says why')
    t.equal(await storedToken(page), null, 'the dead token is forgotten')
    await page.context().close()
  })

  t.test('the keyboard alone: sign up, send, tick, filter, log out', async (t) => {
    const { page, problems } = await openPage(browser)
    const u = ui(page)
    await page.goto(service.baseUrl)
    await u.email.waitFor()
    const focused = () => page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null
      return el ? `${el.tagName.toLowerCase()}:${el.getAttribute('type') ?? ''}:${el.id}:${el.textContent ?? ''}` : ''
    })
    t.match(await focused(), /^input:email:email/, 'the Email field has focus on load')
    await page.keyboard.type(newEmail())
    await page.keyboard.press('Tab')
    await page.keyboard.type(PASSWORD)
    await page.keyboard.press('Tab')
    t.match(await focused(), /^button:submit::Log in$/, 'Tab reaches "Log in"')
    await page.keyboard.press('Tab')
    t.match(await focused(), /^button:submit::Sign up$/, 'then "Sign up"')
    await page.keyboard.press('Enter')
    await u.message.waitFor()
    t.match(await focused(), /^input:text:message/, 'signed in: focus is in the Message field')

    await page.keyboard.type('add call mom #family high priority')
    await page.keyboard.press('Enter')
    await u.task('call mom').waitFor()
    t.match(await u.task('call mom').innerText(), /High priority[\s\S]*#family/, 'priority and tags are shown')

    const tabUntil = async (pattern: RegExp, key = 'Tab') => {
      for (let i = 0; i < 25; i++) {
        if (pattern.test(await focused())) return true
        await page.keyboard.press(key)
      }
      return false
    }
    t.ok(await tabUntil(/^input:checkbox:task-/), 'Tab reaches the task checkbox')
    await page.keyboard.press('Space')
    await eventually('the checkbox is ticked', () => u.task('call mom').getByRole('checkbox').isChecked())
    const token = (await storedToken(page))!
    await eventually('the task is completed on the server', async () => (await apiTasks(token))[0]?.completed === true)
    t.match(await focused(), /^input:checkbox:task-/, 'focus stays on the checkbox after the update')

    t.ok(await tabUntil(/^input:radio:/, 'Shift+Tab'), 'Shift+Tab reaches the filter')
    await page.keyboard.press('ArrowRight') // All -> Pending
    await eventually('the completed task leaves the pending view', async () => (await u.task('call mom').count()) === 0)
    await page.keyboard.press('ArrowRight') // Pending -> Completed
    await u.task('call mom').waitFor()
    t.pass('the filter shows pending, then completed tasks')

    t.ok(await tabUntil(/^button:button::Log out$/, 'Shift+Tab'), 'Shift+Tab reaches "Log out"')
    await page.keyboard.press('Enter')
    await u.email.waitFor()
    t.match(await focused(), /^input:email:email/, 'signed out: focus is back in the Email field')
    t.same(problems, [])
    await page.context().close()
  })

  t.test('ticking and at once switching the filter: the list waits for the toggle', async (t) => {
    const { email, token } = await signUpWithApi()
    for (const title of ['first', 'second', 'third']) await addTaskWithApi(token, { title })
    const { page, problems } = await openPage(browser)
    const u = ui(page)
    await page.goto(service.baseUrl)
    await logInWithForm(page, email)
    await u.task('third').waitFor()
    // A slow network for the PATCHes only: without waiting for them, the list load would overtake them.
    await page.route(/\/tasks\/\d+$/, (route) => setTimeout(() => void route.continue(), 400))
    for (const title of ['first', 'third']) await u.task(title).getByRole('checkbox').check()
    await page.getByRole('radio', { name: 'Pending', exact: true }).check() // no wait for the PATCHes
    await eventually('only the pending task is listed', async () => (await u.tasks.getByRole('listitem').allInnerTexts()).join('|').includes('second') && (await u.tasks.getByRole('listitem').count()) === 1)
    await page.getByRole('radio', { name: 'Completed', exact: true }).check()
    await eventually('the two completed tasks are listed', async () => (await u.tasks.getByRole('listitem').count()) === 2)
    t.same((await apiTasks(token)).map((task) => task.completed), [true, false, true], 'the server agrees')
    t.same(problems, [])
    await page.context().close()
  })

  t.test('axe-core finds no serious or critical violation, signed out and in, light and dark', async (t) => {
    const { page: probe } = await openPage(browser)
    await probe.setContent('<!doctype html><html lang="en"><title>probe</title><main><button></button><input type="checkbox"></main></html>')
    const found = (await seriousViolations(probe)).map((v) => v.id).sort()
    t.same(found, ['button-name', 'label'], 'the scan itself works: it finds an unnamed button and an unlabelled checkbox')
    await probe.context().close()

    const { email, token } = await signUpWithApi()
    await addTaskWithApi(token, { title: 'file the tax return', priority: 'critical', due_date: '2020-01-31', tags: ['admin', 'money'] })
    await addTaskWithApi(token, { title: 'water the plants', priority: 'low', tags: ['home'] })
    for (const colorScheme of ['light', 'dark'] as const) {
      const { page } = await openPage(browser, { colorScheme })
      const u = ui(page)
      await page.goto(service.baseUrl)
      await u.email.waitFor()
      t.same(await seriousViolations(page), [], `signed out, ${colorScheme}`)
      await u.logIn.click() // empty form: the alert is shown too
      await u.alert.filter({ hasText: /\S/ }).waitFor()
      t.same(await seriousViolations(page), [], `signed out with an error, ${colorScheme}`)
      await logInWithForm(page, email)
      await u.message.fill('what is pending')
      await u.message.press('Enter')
      await u.conversation.getByText(/^Assistant:/).first().waitFor()
      await u.task('water the plants').waitFor()
      await page.getByRole('radio', { name: 'Completed', exact: true }).check() // the empty state too
      await u.task('water the plants').waitFor({ state: 'detached' })
      await page.getByText('Nothing completed yet.').waitFor()
      t.same(await seriousViolations(page), [], `signed in, empty filter, ${colorScheme}`)
      await page.getByRole('radio', { name: 'All', exact: true }).check()
      await u.task('water the plants').waitFor()
      t.same(await seriousViolations(page), [], `signed in with tasks and a conversation, ${colorScheme}`)
      await page.context().close()
    }
  })

  t.test('at 375 px wide nothing scrolls sideways; the page follows prefers-color-scheme', async (t) => {
    const { email, token } = await signUpWithApi()
    await addTaskWithApi(token, {
      title: 'a long task title without spaces: supercalifragilisticexpialidocious-and-then-some-more-letters',
      priority: 'high',
      due_date: '2030-12-24T18:30:00Z',
      tags: ['one', 'two', 'three', 'four', 'five', 'six'],
    })
    const background: Record<string, string> = {}
    for (const colorScheme of ['light', 'dark'] as const) {
      const { page } = await openPage(browser, { viewport: { width: 375, height: 740 }, colorScheme })
      const u = ui(page)
      const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
      await page.goto(service.baseUrl)
      await u.email.waitFor()
      t.equal(await overflow(), 0, `signed out, ${colorScheme}: no horizontal scroll`)
      await logInWithForm(page, email)
      await u.message.fill('help')
      await u.message.press('Enter')
      await u.conversation.getByText(/^Assistant:/).first().waitFor()
      await u.task('supercalifragilistic').waitFor()
      t.equal(await overflow(), 0, `signed in with a long task and a reply, ${colorScheme}: no horizontal scroll`)
      background[colorScheme] = await page.evaluate(() => getComputedStyle(document.body).backgroundColor)
      await page.context().close()
    }
    t.not(background.light, background.dark, `light and dark differ (${background.light} / ${background.dark})`)
  })
}
