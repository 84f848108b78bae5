// A connection that stalls (the network stops carrying it for longer than the query timeout) must never be
// reused: the client gave up on statements the server may still run, so the session's state is unknown. A
// review found the way this lost acknowledged writes: BEGIN times out, the ROLLBACK queued behind it times out
// before it is sent, the connection went back to the pool; once the network healed, the late BEGIN opened a
// transaction on the server, and the next batch of task inserts (one autocommitted statement) ran in it:
// answered 201, never committed. Reproduced here with a TCP relay between the store and a real PostgreSQL that
// holds back what the client sends, on demand. A connection reset while in use must not end the process either.

import { createServer, connect, type Socket } from 'node:net'
import t, { type Test } from 'tap'
import pg from 'pg'
import { silentLogger } from '../../src/store/logger.ts'
import { createPostgresStore } from '../../src/store/postgres-store.ts'
import { freshDatabase } from '../helpers/postgres.ts'

/** A relay to `target` whose client-to-server direction can be held back and released, and whose connections
 * can be reset. */
async function stallableRelay(target: URL) {
  let held = false
  const pending: { socket: Socket; chunk: Buffer }[] = []
  const sockets = new Set<Socket>()
  const server = createServer((client) => {
    const upstream = connect(Number(target.port || 5432), target.hostname)
    sockets.add(client).add(upstream)
    client.on('data', (chunk) => (held ? pending.push({ socket: upstream, chunk }) : upstream.write(chunk)))
    upstream.on('data', (chunk) => client.write(chunk))
    const close = () => {
      client.destroy()
      upstream.destroy()
    }
    client.on('close', close).on('error', close)
    upstream.on('close', close).on('error', close)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = new URL(target)
  url.hostname = '127.0.0.1'
  url.port = String((server.address() as { port: number }).port)
  return {
    url: url.toString(),
    hold: () => (held = true),
    release: () => {
      held = false
      for (const { socket, chunk } of pending.splice(0)) if (!socket.destroyed) socket.write(chunk)
    },
    reset: () => {
      for (const s of sockets) s.resetAndDestroy()
    },
    close: () => {
      for (const s of sockets) s.destroy()
      return new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** A store with one user on a fresh database, reached through a relay. One connection, so the write after a
 * stall gets the very connection that stalled if it is reused; a short query timeout (the client's is 2 s later). */
async function storeBehindRelay(t: Test) {
  const direct = await freshDatabase()
  const relay = await stallableRelay(new URL(direct))
  t.teardown(() => relay.close())
  const store = createPostgresStore({ url: relay.url, poolSize: 1, logger: silentLogger, queryTimeoutMs: 400 })
  await store.open()
  t.teardown(() => store.close())
  await store.createUser({ id: 'u1', email: 'u1@example.test', password_hash: 'x', created_at: '2026-01-01T00:00:00.000Z' })
  return { direct, relay, store }
}

t.test('a stalled connection is destroyed, so a later insert is committed when it is acknowledged', async (t) => {
  const { direct, relay, store } = await storeBehindRelay(t)

  relay.hold()
  // A single write that is not a task insert runs alone in BEGIN … COMMIT: its BEGIN does not reach the server.
  const [stalled] = await Promise.allSettled([store.createSession({ id: 's1', user_id: 'u1', created_at: '2026-01-01T00:00:00.000Z' })])
  t.match(stalled, { status: 'rejected', reason: { name: 'StorageError', statusCode: 503 } }, 'the stalled write is a 503')
  await new Promise((r) => setTimeout(r, 200)) // a margin: what was queued behind BEGIN timed out before the 503
  relay.release() // the late BEGIN reaches the server now, on that connection if it still exists
  await new Promise((r) => setTimeout(r, 50))

  const task = await store.insertTask('u1', {
    title: 'acknowledged', description: '', priority: 'normal', tags: [], due_date: null,
    created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:00.000Z',
  })
  t.match(task, { title: 'acknowledged' }, 'acknowledged')
  const check = new pg.Client({ connectionString: direct })
  await check.connect()
  t.teardown(() => check.end())
  const { rows } = await check.query('SELECT title FROM tasks WHERE user_id = $1', ['u1'])
  t.same(rows, [{ title: 'acknowledged' }], 'and committed: another connection sees it')
})

t.test('a connection reset while a write runs is a 503, and the process carries on', async (t) => {
  const { relay, store } = await storeBehindRelay(t)
  relay.hold()
  const write = Promise.allSettled([store.createSession({ id: 's1', user_id: 'u1', created_at: '2026-01-01T00:00:00.000Z' })])
  await new Promise((r) => setTimeout(r, 50))
  relay.reset()
  relay.release()
  const [reset] = await write
  t.match(reset, { status: 'rejected', reason: { name: 'StorageError', statusCode: 503 } }, 'the write in flight is a 503 (no uncaught error)')
  t.match(await store.insertTask('u1', {
    title: 'after', description: '', priority: 'normal', tags: [], due_date: null,
    created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:00.000Z',
  }), { id: 1 }, 'the next write gets a new connection')
})
