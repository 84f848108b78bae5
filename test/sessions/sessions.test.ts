// Sessions in the store: ownership, expiry after SESSION_TIMEOUT_MINUTES without a message (injected clock),
// bounded history, compact tool results in history, pruning of expired sessions on create/delete.

import t from 'tap'
import { createSessions, MAX_HISTORY } from '../../src/sessions/sessions.ts'
import type { ChatMessage } from '../../src/store/types.ts'
import { storeWithUser } from '../helpers/memory-store.ts'
import { manualClock } from '../assistant/helpers.ts'

function setup(timeoutMinutes = 30) {
  const store = storeWithUser('u1')
  const clock = manualClock()
  return { store, clock, sessions: createSessions({ store, timeoutMinutes, clock }) }
}

const msg = (role: 'user' | 'assistant', content: string, timestamp: string): ChatMessage => ({ role, content, timestamp })

t.test('create and get; another user sees 404', async (t) => {
  const { sessions } = setup()
  const s = await sessions.create('u1')
  t.match(s, { user_id: 'u1', created_at: '2026-03-04T10:00:00.000Z', last_activity: '2026-03-04T10:00:00.000Z', messages: [], message_count: 0 })
  t.equal(sessions.expiresAt(s).toISOString(), '2026-03-04T10:30:00.000Z')
  t.same(await sessions.get('u1', s.id), s)
  await t.rejects(sessions.get('u2', s.id), { code: 'SESSION_NOT_FOUND' })
  await t.rejects(sessions.get('u1', 'no-such-id'), { code: 'SESSION_NOT_FOUND' })
  await t.rejects(sessions.get('u1', '__proto__'), { code: 'SESSION_NOT_FOUND' }, 'prototype keys are not sessions')
  await t.rejects(sessions.delete('u2', s.id), { code: 'SESSION_NOT_FOUND' })
  await sessions.delete('u1', s.id)
  await t.rejects(sessions.get('u1', s.id), { code: 'SESSION_NOT_FOUND' })
})

t.test('expires SESSION_TIMEOUT_MINUTES after the last message', async (t) => {
  const { sessions, clock } = setup(30)
  const s = await sessions.create('u1')
  clock.advanceMinutes(29)
  await sessions.get('u1', s.id) // reading does not extend the session
  clock.advanceMinutes(2)
  await t.rejects(sessions.get('u1', s.id), { code: 'SESSION_NOT_FOUND' }, 'idle for 31 minutes: expired')

  const s2 = await sessions.create('u1')
  clock.advanceMinutes(20)
  const at = clock()
  await sessions.append('u1', s2.id, [msg('user', 'hi', at.toISOString())], at)
  const after = await sessions.get('u1', s2.id)
  t.equal(after.last_activity, at.toISOString(), 'a message is activity')
  clock.advanceMinutes(29)
  t.ok(await sessions.get('u1', s2.id), '49 minutes old but 29 idle: alive')
  clock.advanceMinutes(1)
  await t.rejects(sessions.get('u1', s2.id), { code: 'SESSION_NOT_FOUND' }, 'exactly 30 idle minutes: expired')
  await t.rejects(sessions.append('u1', s2.id, [msg('user', 'late', clock().toISOString())], clock()), { code: 'SESSION_NOT_FOUND' })
})

t.test('a slow turn does not expire a session that was live when the message arrived', async (t) => {
  const { sessions, clock } = setup(30)
  const s = await sessions.create('u1')
  clock.advanceMinutes(29)
  const receivedAt = clock()
  clock.advanceMinutes(2) // the model took two minutes
  await sessions.append('u1', s.id, [msg('user', 'q', receivedAt.toISOString()), msg('assistant', 'a', clock().toISOString())], receivedAt)
  const after = await sessions.get('u1', s.id)
  t.equal(after.message_count, 2)
  t.equal(after.last_activity, receivedAt.toISOString())
})

t.test('history keeps the newest MAX_HISTORY messages; message_count keeps the total', async (t) => {
  const { sessions, clock } = setup()
  const s = await sessions.create('u1')
  for (let i = 0; i < 40; i++) {
    const at = clock()
    await sessions.append('u1', s.id, [msg('user', `q${i}`, at.toISOString()), msg('assistant', `a${i}`, at.toISOString())], at)
  }
  const got = await sessions.get('u1', s.id)
  t.equal(got.messages.length, MAX_HISTORY)
  t.equal(got.message_count, 80)
  t.equal(got.messages.at(-1)?.content, 'a39')
  t.equal(got.messages[0].content, `q${40 - MAX_HISTORY / 2}`)
})

t.test('writes prune expired sessions of every user; the active count ignores expired ones', async (t) => {
  const { store, sessions, clock } = setup(30)
  store.doc.users.u2 = { ...store.doc.users.u1, id: 'u2', email: 'u2@example.test' }
  const old1 = await sessions.create('u1')
  const old2 = await sessions.create('u2')
  clock.advanceMinutes(31)
  t.equal(Object.keys(store.doc.sessions).length, 2, 'expired sessions stay until a write')
  t.equal(await sessions.countActive(), 0)
  const fresh = await sessions.create('u1')
  t.same(Object.keys(store.doc.sessions), [fresh.id], `pruned ${old1.id} and ${old2.id}`)
  t.equal(await sessions.countActive(), 1)
})

t.test('the time zone a client gives is kept with the session', async (t) => {
  const { sessions } = setup()
  const s = await sessions.create('u1', { timezone: 'America/New_York' })
  t.equal(s.timezone, 'America/New_York')
  t.equal((await sessions.get('u1', s.id)).timezone, 'America/New_York')
  t.equal((await sessions.get('u1', (await sessions.create('u1')).id)).timezone, undefined)
})

t.test('a refused write leaves the store untouched', async (t) => {
  const { store, sessions, clock } = setup(30)
  const mine = await sessions.create('u1')
  clock.advanceMinutes(31)
  const before = await store.exportAll()
  await t.rejects(sessions.append('u2', mine.id, [msg('user', 'x', clock().toISOString())], clock()), { code: 'SESSION_NOT_FOUND' })
  t.same(await store.exportAll(), before)
})

t.test('history keeps tool calls with tasks cut down to references; errors and other results as they are', async (t) => {
  const { sessions, clock } = setup(30)
  const s = await sessions.create('u1')
  const task = { id: 3, title: 'buy milk', description: 'two litres', completed: false, priority: 'normal', tags: ['home'], due_date: null }
  const answer: ChatMessage = {
    ...msg('assistant', 'done', clock().toISOString()),
    tool_calls: [
      { tool: 'add_task', arguments: { title: 'buy milk' }, result: task },
      { tool: 'list_tasks', arguments: { status: 'pending' }, result: { count: 1, tasks: [task] } },
      { tool: 'complete_task', arguments: { task_id: 9 }, result: { error: { code: 'TASK_NOT_FOUND', message: 'Task 9 not found' } } },
    ],
  }
  await sessions.append('u1', s.id, [msg('user', 'hi', clock().toISOString()), answer], clock())
  const [, stored] = (await sessions.get('u1', s.id)).messages
  t.same(stored.tool_calls, [
    { tool: 'add_task', arguments: { title: 'buy milk' }, result: { id: 3, title: 'buy milk', completed: false } },
    { tool: 'list_tasks', arguments: { status: 'pending' }, result: { count: 1, tasks: [{ id: 3, title: 'buy milk', completed: false }] } },
    { tool: 'complete_task', arguments: { task_id: 9 }, result: { error: { code: 'TASK_NOT_FOUND', message: 'Task 9 not found' } } },
  ])
})
