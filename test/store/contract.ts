// The store contract (src/store/types.ts) as one suite, run against every implementation
// (contract.test.ts): users, one user's tasks, sessions, counts, export/import, and ids from outside that
// look like prototype keys.

import type { Test } from 'tap'
import type { ChatMessage, Store, TaskChanges } from '../../src/store/types.ts'

export type MakeStore = (t: Test) => Promise<Store>

const T0 = Date.parse('2026-03-01T12:00:00.000Z')
const at = (minutes: number) => new Date(T0 + minutes * 60_000)
const iso = (minutes: number) => at(minutes).toISOString()
const user = (id: string) => ({ id, email: `${id.toLowerCase()}@example.test`, password_hash: 'not-a-real-hash', created_at: iso(0) })
const row = (title: string, extra: Partial<{ description: string; priority: 'low' | 'normal' | 'high' | 'critical'; tags: string[]; due_date: string | null }> = {}) => ({
  title,
  description: '',
  priority: 'normal' as const,
  tags: [] as string[],
  due_date: null,
  created_at: iso(0),
  updated_at: iso(0),
  ...extra,
})
const msg = (role: 'user' | 'assistant', content: string, extra: Partial<ChatMessage> = {}): ChatMessage => ({ role, content, timestamp: iso(0), ...extra })

/** Keys that name properties of Object.prototype: as ids they must be plain data. */
export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty']

export function contractSuite(t: Test, makeStore: MakeStore): void {
  async function withStore(t: Test, ...users: string[]): Promise<Store> {
    const store = await makeStore(t)
    t.teardown(() => store.close())
    for (const id of users) t.equal(await store.createUser(user(id)), true, `user ${id} created`)
    return store
  }

  t.test('users: create, find by email and id; an email or id is taken once', async (t) => {
    const store = await withStore(t)
    t.equal(await store.isEmpty(), true)
    t.equal(await store.createUser(user('u1')), true)
    t.equal(await store.isEmpty(), false)
    t.same(await store.findUserById('u1'), { ...user('u1'), next_task_id: 1 })
    t.same(await store.findUserByEmail('u1@example.test'), { ...user('u1'), next_task_id: 1 })
    t.equal(await store.createUser({ ...user('u2'), email: 'u1@example.test' }), false, 'email taken')
    t.equal(await store.createUser({ ...user('u1'), email: 'other@example.test' }), false, 'id taken')
    t.equal(await store.findUserById('u2'), undefined)
    t.equal(await store.findUserByEmail('nobody@example.test'), undefined)
  })

  t.test('ids from outside that name prototype properties are plain data', async (t) => {
    const store = await withStore(t, 'u1')
    for (const key of PROTOTYPE_KEYS) {
      t.equal(await store.findUserById(key), undefined, `no user ${key}`)
      t.equal(await store.findUserByEmail(key), undefined)
      t.same(await store.listTasks(key, {}), [], `no tasks of ${key}`)
      t.equal(await store.insertTask(key, row('x')), undefined, `no task for ${key}`)
      t.equal(await store.getSession('u1', key, at(0)), undefined, `no session ${key}`)
      t.equal(await store.deleteSession(key, key, at(0)), false)
    }
    t.equal(await store.createUser(user('__proto__')), true, 'a user may even be called __proto__')
    const task = await store.insertTask('__proto__', row('mine'))
    t.match(task, { id: 1, title: 'mine' })
    t.same((await store.listTasks('__proto__', {})).map((x) => x.title), ['mine'])
    t.same((await store.listTasks('u1', {})).map((x) => x.title), [], 'no other user sees it')
    t.equal(Object.getPrototypeOf({}), Object.prototype)
    t.equal(({} as Record<string, unknown>).next_task_id, undefined, 'Object.prototype untouched')
    const exported = JSON.parse(JSON.stringify(await store.exportAll()))
    t.ok(Object.hasOwn(exported.users, '__proto__'), 'exported as an own key')
  })

  t.test('tasks: ids per user, in order, never reused; another user sees nothing', async (t) => {
    const store = await withStore(t, 'u1', 'u2')
    t.match(await store.insertTask('u1', row('a')), { id: 1, title: 'a', completed: false, completed_at: null })
    t.match(await store.insertTask('u1', row('b')), { id: 2 })
    t.match(await store.insertTask('u2', row('c')), { id: 1 }, 'ids are per user')
    t.match(await store.deleteTask('u1', 2), { id: 2, title: 'b' })
    t.match(await store.insertTask('u1', row('d')), { id: 3 }, 'a deleted id is not reused')
    t.equal((await store.findUserById('u1'))?.next_task_id, 4)
    t.same((await store.listTasks('u1', {})).map((x) => x.id), [1, 3])
    t.equal(await store.getTask('u2', 3), undefined, "another user's id answers nothing")
    t.equal(await store.updateTask('u2', 3, { title: 'x', updated_at: iso(1) }), undefined)
    t.equal(await store.deleteTask('u2', 3), undefined)
    t.equal(await store.deleteTask('u1', 2), undefined, 'gone')
    t.equal(await store.insertTask('nobody', row('x')), undefined, 'unknown user')
    t.equal(await store.countTasks(), 3)
  })

  t.test('tasks: every field round-trips', async (t) => {
    const store = await withStore(t, 'u1')
    const created = await store.insertTask('u1', row('Buy milk', { description: 'two litres', priority: 'high', tags: ['home', 'shop'], due_date: '2026-03-02' }))
    const expected = {
      id: 1,
      title: 'Buy milk',
      description: 'two litres',
      completed: false,
      priority: 'high',
      tags: ['home', 'shop'],
      due_date: '2026-03-02',
      created_at: iso(0),
      updated_at: iso(0),
      completed_at: null,
    }
    t.same(created, expected)
    t.same(await store.getTask('u1', 1), expected)
    t.same(await store.listTasks('u1', {}), [expected])
  })

  t.test('tasks: update changes only the given fields; completed_at follows the state', async (t) => {
    const store = await withStore(t, 'u1')
    await store.insertTask('u1', row('a', { tags: ['x'], due_date: '2026-03-02' }))
    const change = (c: Omit<TaskChanges, 'updated_at'>, minutes: number) => store.updateTask('u1', 1, { ...c, updated_at: iso(minutes) })
    t.match(await change({ title: 'b', tags: [] }, 1), { title: 'b', tags: [], due_date: '2026-03-02', updated_at: iso(1), completed: false })
    t.match(await change({ completed: true }, 2), { completed: true, completed_at: iso(2) })
    t.match(await change({ completed: true, priority: 'low' }, 3), { completed: true, completed_at: iso(2), priority: 'low', updated_at: iso(3) }, 'already done: completed_at kept')
    t.match(await change({ due_date: null, description: 'd' }, 4), { due_date: null, description: 'd', completed_at: iso(2) })
    t.match(await change({ completed: false }, 5), { completed: false, completed_at: null })
    t.same(await store.getTask('u1', 1), {
      id: 1,
      title: 'b',
      description: 'd',
      completed: false,
      priority: 'low',
      tags: [],
      due_date: null,
      created_at: iso(0),
      updated_at: iso(5),
      completed_at: null,
    })
  })

  t.test('tasks: list filters by status, priority, tag and text', async (t) => {
    const store = await withStore(t, 'u1')
    await store.insertTask('u1', row('Buy milk', { tags: ['home'], priority: 'high' }))
    await store.insertTask('u1', row('Call mom', { description: 'about the MILK' }))
    await store.insertTask('u1', row('Write report', { tags: ['work', 'home'] }))
    await store.updateTask('u1', 3, { completed: true, updated_at: iso(1) })
    const ids = async (f: Parameters<Store['listTasks']>[1]) => (await store.listTasks('u1', f)).map((x) => x.id)
    t.same(await ids({}), [1, 2, 3])
    t.same(await ids({ status: 'all' }), [1, 2, 3])
    t.same(await ids({ status: 'pending' }), [1, 2])
    t.same(await ids({ status: 'completed' }), [3])
    t.same(await ids({ priority: 'high' }), [1])
    t.same(await ids({ tag: 'home' }), [1, 3])
    t.same(await ids({ tag: 'hom' }), [], 'tags match whole')
    t.same(await ids({ q: 'milk' }), [1, 2], 'title or description, any case')
    t.same(await ids({ q: '%' }), [], 'no wildcards')
    t.same(await ids({ tag: 'home', status: 'pending' }), [1])
    for (const f of [{}, { status: 'completed' as const }, { tag: 'home' }, { priority: 'high' as const }, { tag: 'nothing' }]) {
      t.same(JSON.parse(await store.listTasksJson('u1', f)), await store.listTasks('u1', f), `listTasksJson(${JSON.stringify(f)}) is the same list as JSON`)
    }
    t.equal(await store.listTasksJson('nobody', {}), '[]')
  })

  t.test('tasks: concurrent inserts get distinct consecutive ids', async (t) => {
    const store = await withStore(t, 'u1', 'u2')
    const made = await Promise.all(Array.from({ length: 60 }, (_, i) => store.insertTask(i % 2 ? 'u1' : 'u2', row(`t${i}`))))
    for (const u of ['u1', 'u2']) {
      const ids = made.filter((_, i) => (i % 2 ? 'u1' : 'u2') === u).map((x) => x!.id).sort((a, b) => a - b)
      t.same(ids, Array.from({ length: 30 }, (_, i) => i + 1), `${u}: 1..30, no duplicate`)
    }
    t.equal(await store.countTasks(), 60)
    const mixed = await Promise.all([store.insertTask('u1', row('x')), store.insertTask('nobody', row('y')), store.insertTask('u1', row('z'))])
    t.match(mixed, [{ id: 31, title: 'x' }, undefined, { id: 32, title: 'z' }], 'an unknown user in the same batch gets nothing, the others their ids in order')
  })

  t.test('sessions: create, get, owner only, timezone kept', async (t) => {
    const store = await withStore(t, 'u1', 'u2')
    await store.createSession({ id: 's1', user_id: 'u1', created_at: iso(0), timezone: 'Europe/Berlin' })
    await store.createSession({ id: 's2', user_id: 'u1', created_at: iso(0) })
    t.same(await store.getSession('u1', 's1', at(-30)), {
      id: 's1',
      user_id: 'u1',
      created_at: iso(0),
      last_activity: iso(0),
      messages: [],
      message_count: 0,
      timezone: 'Europe/Berlin',
    })
    const s2 = await store.getSession('u1', 's2', at(-30))
    t.notOk(s2 && 'timezone' in s2, 'no timezone given: none stored')
    t.equal(await store.getSession('u2', 's1', at(-30)), undefined, "another user's session")
    t.equal(await store.getSession('u1', 's1', at(0)), undefined, 'expired: last activity not after liveAfter')
    t.equal(await store.countActiveSessions(at(-30)), 2)
    t.equal(await store.countActiveSessions(at(0)), 0)
  })

  t.test('sessions: a turn appends messages with tool results, keeps the newest, counts all', async (t) => {
    const store = await withStore(t, 'u1', 'u2')
    await store.createSession({ id: 's1', user_id: 'u1', created_at: iso(0) })
    const answer = msg('assistant', 'done', { tool_calls: [{ tool: 'add_task', arguments: { title: 'x' }, result: { id: 1, title: 'x', completed: false } }] })
    const turn = (messages: ChatMessage[], minutes: number, maxHistory = 4) => ({ messages, at: at(minutes), liveAfter: at(minutes - 30), maxHistory })
    t.equal(await store.appendTurn('u1', 's1', turn([msg('user', 'q1'), answer], 5)), true)
    const first = await store.getSession('u1', 's1', at(0))
    t.same(first?.messages, [msg('user', 'q1'), answer])
    t.equal(first?.message_count, 2)
    t.equal(first?.last_activity, iso(5))
    await store.appendTurn('u1', 's1', turn([msg('user', 'q2'), msg('assistant', 'a2')], 10))
    await store.appendTurn('u1', 's1', turn([msg('user', 'q3'), msg('assistant', 'a3')], 8))
    const third = await store.getSession('u1', 's1', at(0))
    t.equal(third?.last_activity, iso(10), 'an older arrival does not move last activity back')
    t.same(third?.messages.map((m) => m.content), ['q2', 'a2', 'q3', 'a3'], 'the newest maxHistory messages')
    t.equal(third?.message_count, 6)
    t.same((await store.getSession('u1', 's1', at(0)))?.messages.map((m) => m.content), ['q2', 'a2', 'q3', 'a3'])
    t.equal(await store.appendTurn('u2', 's1', turn([msg('user', 'x')], 11)), false, "not another user's")
    t.equal(await store.appendTurn('u1', 's1', turn([msg('user', 'late')], 41)), false, 'expired at arrival')
    t.equal((await store.getSession('u1', 's1', at(0)))?.message_count, 6, 'refused turns changed nothing')
  })

  t.test('sessions: delete and expire', async (t) => {
    const store = await withStore(t, 'u1', 'u2')
    await store.createSession({ id: 'old', user_id: 'u1', created_at: iso(0) })
    await store.createSession({ id: 'old2', user_id: 'u2', created_at: iso(0) })
    await store.createSession({ id: 'new', user_id: 'u1', created_at: iso(20) })
    await store.appendTurn('u1', 'old', { messages: [msg('user', 'hi')], at: at(1), liveAfter: at(-29), maxHistory: 50 })
    t.equal(await store.deleteSession('u2', 'new', at(0)), false, "another user's")
    t.equal(await store.deleteSession('u1', 'old', at(1)), false, 'expired counts as gone')
    t.equal(await store.deleteExpiredSessions(at(1)), 2, 'both expired sessions, every user')
    t.equal(await store.getSession('u1', 'old', at(-100)), undefined, 'removed with its messages')
    t.equal(await store.deleteSession('u1', 'new', at(0)), true)
    t.equal(await store.getSession('u1', 'new', at(0)), undefined)
    t.equal(await store.countActiveSessions(at(-100)), 0)
  })

  t.test('export, then import into an empty store: the same data; importing again adds nothing', async (t) => {
    const source = await withStore(t, 'u1', 'u2')
    await source.insertTask('u1', row('a', { tags: ['x'] }))
    await source.insertTask('u1', row('b'))
    await source.deleteTask('u1', 2)
    await source.updateTask('u1', 1, { completed: true, updated_at: iso(3) })
    await source.createSession({ id: 's1', user_id: 'u1', created_at: iso(0), timezone: 'Asia/Tokyo' })
    await source.appendTurn('u1', 's1', { messages: [msg('user', 'q'), msg('assistant', 'a')], at: at(1), liveAfter: at(-29), maxHistory: 1 })
    const doc = await source.exportAll()
    t.same(JSON.parse(JSON.stringify(doc)), {
      version: 1,
      users: { u1: { ...user('u1'), next_task_id: 3 }, u2: { ...user('u2'), next_task_id: 1 } },
      user_ids_by_email: { 'u1@example.test': 'u1', 'u2@example.test': 'u2' },
      tasks: { u1: [{ ...row('a', { tags: ['x'] }), id: 1, completed: true, completed_at: iso(3), updated_at: iso(3) }], u2: [] },
      sessions: { s1: { id: 's1', user_id: 'u1', created_at: iso(0), last_activity: iso(1), messages: [msg('assistant', 'a')], message_count: 2, timezone: 'Asia/Tokyo' } },
    })
    const target = await withStore(t)
    t.same(await target.importAll(doc), { users: 2, tasks: 1, sessions: 1 })
    t.same(JSON.parse(JSON.stringify(await target.exportAll())), JSON.parse(JSON.stringify(doc)))
    t.same(await target.importAll(doc), { users: 0, tasks: 0, sessions: 0 }, 'idempotent')
    t.match(await target.insertTask('u1', row('c')), { id: 3 }, 'ids continue after the imported ones')
    t.equal(await target.appendTurn('u1', 's1', { messages: [msg('user', 'q2')], at: at(2), liveAfter: at(-28), maxHistory: 2 }), true)
    const turn = await target.getSession('u1', 's1', at(0))
    t.same(turn?.messages.map((m) => m.content), ['a', 'q2'], 'imported history continues')
    t.equal(turn?.message_count, 3)
  })
}
