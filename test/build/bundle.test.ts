// The production artifact (`npm run build`, src/build.ts): the esbuild bundle in dist/ starts and serves like
// src/ does — the page and package.json found from dist/, the packages it leaves to Node (the common-passwords
// list) and its lazily loaded chunks (the rules parser) working — and what src/ loads only on demand (PostgreSQL,
// the ollama/openai clients, the rules parser with chrono-node, the password list) is not in what start-up loads.

import { spawn } from 'node:child_process'
import { copyFileSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { buildServer } from '../../src/build.ts'
import { ensureWebBuilt } from '../../web/build.ts'
import { TEST_JWT_SECRET } from '../app/helpers.ts'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
// A package root of its own (dist/, package.json, web/), inside the repository so that the packages left to
// Node resolve from its node_modules, as they do in the image's /app.
const root = join(ROOT, '.tmp', `bundle-test-${process.pid}`)
t.teardown(() => rmSync(root, { recursive: true, force: true }))
mkdirSync(root, { recursive: true })
copyFileSync(join(ROOT, 'package.json'), join(root, 'package.json'))
await ensureWebBuilt()
symlinkSync(join(ROOT, 'web'), join(root, 'web'))
const metafile = await buildServer(join(root, 'dist'))

t.test('start-up loads none of what src/ imports lazily', async (t) => {
  // server.ts awaits all its imports at start; each output's static imports load with it.
  const outputFor = (input: string) => Object.keys(metafile.outputs).find((o) => metafile.outputs[o].entryPoint === input)
  const startInputs = ['src/server.ts', ...metafile.inputs['src/server.ts'].imports.map((i) => i.path)]
  const pending = startInputs.map(outputFor).filter((o): o is string => o !== undefined)
  t.ok(pending.length >= 2, `the entry and what it imports are outputs (${pending.join(', ')})`)
  const loaded = new Set<string>()
  while (pending.length > 0) {
    const out = pending.pop()!
    if (loaded.has(out)) continue
    loaded.add(out)
    for (const i of metafile.outputs[out].imports) if (i.kind === 'import-statement' && !i.external) pending.push(i.path)
  }
  const modules = [...loaded].flatMap((o) => Object.keys(metafile.outputs[o].inputs))
  t.ok(modules.some((m) => m.includes('node_modules/fastify/')), 'the start-up set is the real one (fastify is in it)')
  for (const lazy of ['pg', 'openai', 'ollama', 'chrono-node', '@zxcvbn-ts/language-common', 'src/store/postgres-store.ts', 'src/assistant/rules.ts']) {
    const path = lazy.startsWith('src/') ? lazy : `node_modules/${lazy}/`
    t.notOk(modules.some((m) => m.startsWith(path)), `${lazy} is not loaded at start-up`)
  }
})

t.test('the bundle serves: health, the page, sign-up against the password list, tasks, a chat turn', async (t) => {
  const dir = join(root, 'data')
  mkdirSync(dir, { recursive: true })
  const child = spawn(process.execPath, [join(root, 'dist/server.js')], {
    env: { PATH: process.env.PATH, PORT: '0', HOST: '127.0.0.1', STORAGE_PATH: join(dir, 'todo.db'), JWT_SECRET: TEST_JWT_SECRET, LOG_LEVEL: 'INFO', NODE_COMPILE_CACHE: join(root, 'cache') },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  t.teardown(() => void child.kill('SIGKILL'))
  const lines = createInterface({ input: child.stdout! })
  const listening = await new Promise<string>((resolve, reject) => {
    lines.on('line', (line) => {
      const message = String(JSON.parse(line).message)
      if (message.startsWith('Server listening at ')) resolve(message)
    })
    child.on('exit', (code) => reject(new Error(`dist/server.js exited ${code} before listening`)))
  })
  const base = `http://${/127\.0\.0\.1:\d+/.exec(listening)![0]}`
  const json = async (path: string, init: RequestInit = {}, token?: string) => {
    const res = await fetch(base + path, {
      ...init,
      headers: { ...(init.body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    })
    return { status: res.status, body: (await res.json()) as Record<string, any> } // eslint-disable-line @typescript-eslint/no-explicit-any
  }

  t.equal((await fetch(`${base}/readyz`)).status, 200, 'ready')
  const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version
  t.equal((await json('/health')).body.version, version, 'package.json is found from dist/')
  const page = await fetch(`${base}/`)
  t.equal(page.status, 200, 'the chat page is served from web/dist/')
  t.match(await page.text(), /<!doctype html>/i)

  const common = await json('/auth/signup', { method: 'POST', body: JSON.stringify({ email: 'bundle@example.test', password: 'password1' }) })
  t.equal(common.status, 400, 'a common password is refused: the list loads from its package')
  t.match(common.body.error.message, /commonly used passwords/)
  const bad = await json('/auth/signup', { method: 'POST', body: JSON.stringify({ email: 'bundle@example.test', password: 'correct horse battery', extra: 1 }) })
  t.same(bad.status, 400, 'a schema refusal')
  t.same(bad.body.error, { code: 'VALIDATION_ERROR', message: 'body has an unknown field "extra"' }, 'in the contract body, from the one Ajv configuration')
  const signup = await json('/auth/signup', { method: 'POST', body: JSON.stringify({ email: 'bundle@example.test', password: 'correct horse battery' }) })
  t.equal(signup.status, 201, 'sign-up')
  const token = String(signup.body.token)

  const task = await json('/tasks', { method: 'POST', body: JSON.stringify({ title: 'water the plants' }) }, token)
  t.equal(task.status, 201, 'a task is created')
  t.equal((await json('/tasks', {}, token)).body.tasks.length, 1, 'and listed')

  const session = await json('/sessions', { method: 'POST', body: JSON.stringify({}) }, token)
  t.equal(session.status, 201, 'a chat session')
  const turn = await json(`/sessions/${session.body.session_id}/messages`, { method: 'POST', body: JSON.stringify({ message: 'add buy milk tomorrow' }) }, token)
  t.equal(turn.status, 200, 'a chat turn through the rules backend (its own chunk, chrono-node inside)')
  t.equal(turn.body.intent, 'AddTask', 'understood')
  t.equal((await json('/tasks', {}, token)).body.tasks.length, 2, 'and done')

  child.kill('SIGTERM')
  t.equal(await new Promise((resolve) => child.on('exit', resolve)), 0, 'exits 0 on SIGTERM')
})
