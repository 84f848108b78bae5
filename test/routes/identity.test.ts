// Tokens whose user the store does not know (issue 13, findings 1 and 2): a token signed with the real secret
// whose `sub` is "__proto__", "constructor", "toString", "valueOf" — or simply a user id that does not
// exist — is a 401 on every authenticated route, on the real SQLite store and on the test memory store;
// nothing reaches Object.prototype, and the service keeps answering everyone else normally.

import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { createTokens } from '../../src/auth/tokens.ts'
import { openStore } from '../../src/store/index.ts'
import { silentLogger } from '../../src/store/logger.ts'
import type { Store } from '../../src/store/types.ts'
import { errorCode, signup, testApp, testConfig, TEST_JWT_SECRET } from '../app/helpers.ts'
import { MemoryStore } from '../helpers/memory-store.ts'
import { PROTOTYPE_KEYS } from '../store/contract.ts'

const routes: [method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object][] = [
  ['GET', '/tasks'],
  ['POST', '/tasks', { title: 'x' }],
  ['GET', '/tasks/1'],
  ['PATCH', '/tasks/1', { completed: true }],
  ['DELETE', '/tasks/1'],
  ['POST', '/sessions'],
  ['GET', '/sessions/s1'],
  ['GET', '/sessions/s1/messages'],
  ['POST', '/sessions/s1/messages', { message: 'add buy milk' }],
  ['DELETE', '/sessions/s1'],
]

const stores: [string, (t: Test) => Promise<Store>][] = [
  [
    'sqlite',
    async (t) => {
      const dir = await mkdtemp(join(tmpdir(), 'todo-identity-'))
      t.teardown(() => rm(dir, { recursive: true, force: true }))
      const store = await openStore(testConfig({ STORAGE_PATH: join(dir, 'todo.db') }), silentLogger)
      t.teardown(() => store.close())
      return store
    },
  ],
  ['memory', async () => new MemoryStore()],
]

for (const [name, makeStore] of stores) {
  t.test(`${name}: a signed token for a user that does not exist is a 401 everywhere`, async (t) => {
    const store = await makeStore(t)
    const { app } = await testApp(t, {}, { store })
    const tokens = createTokens(TEST_JWT_SECRET)
    const alice = await signup(app)

    for (const sub of [...PROTOTYPE_KEYS, '00000000-0000-4000-8000-000000000000']) {
      const headers = { authorization: `Bearer ${tokens.sign(sub)}` }
      for (const [method, url, payload] of routes) {
        const res = await app.inject({ method, url, headers, ...(payload ? { payload } : {}) })
        t.equal(res.statusCode, 401, `sub=${sub}: ${method} ${url} -> 401`)
        t.equal(errorCode(res), 'UNAUTHORIZED')
      }
    }
    t.equal(({} as Record<string, unknown>).next_task_id, undefined, 'Object.prototype untouched')
    t.equal(Object.keys(Object.prototype).length, 0, 'nothing added to Object.prototype')

    // Everyone else is served as before, errors included.
    const created = await app.inject({ method: 'POST', url: '/tasks', headers: alice.auth, payload: { title: 'still fine' } })
    t.equal(created.statusCode, 201)
    const missing = await app.inject({ method: 'GET', url: '/tasks/99', headers: alice.auth })
    t.equal(missing.statusCode, 404)
    t.equal(errorCode(missing), 'TASK_NOT_FOUND')
    const session = await app.inject({ method: 'POST', url: '/sessions', headers: alice.auth })
    t.equal(session.statusCode, 201)
    t.equal(await store.countActiveSessions(new Date(0)), 1, 'no orphan session was created for the unknown users')
    const again = await signup(app, 'bob@example.test')
    t.equal((await app.inject({ method: 'GET', url: '/tasks', headers: again.auth })).statusCode, 200, 'signup still works')
  })
}
