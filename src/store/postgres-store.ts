// The PostgreSQL store (STORAGE_BACKEND=postgres): for environments where several replicas share one database.
// Why and how: docs/storage.md.
//
//  - `pg` with a pool; every connection attempt and query is bounded in time (no request hangs on a dead
//    database: it gets a 503, and /readyz says 503).
//  - Group commit: concurrent writes are queued and run in one transaction (one WAL fsync for the batch),
//    in user-id order so that replicas take users' row locks in the same order (no deadlock between batches).
//    A batch of task inserts only (the common case: POST /tasks) is one statement sent on its own, so it
//    commits by itself: one round trip. If a statement fails, the batch is rolled back and its writes are
//    retried one transaction each, so a bad write fails alone.
//  - A task id comes from `users.next_task_id`, incremented in the same statement that inserts the task:
//    the row lock serializes a user's inserts across replicas; ids are never duplicated nor reused.
//  - Migrations run under a transaction-scoped advisory lock: replicas starting at once apply each one once.

import pg from 'pg'
import { StorageError } from '../errors.ts'
import { ListCache } from './list-cache.ts'
import { MIGRATIONS, MIGRATIONS_TABLE, SCHEMA_VERSION } from './migrations.ts'
import type { StoreLogger } from './logger.ts'
import {
  CHANGEABLE,
  TASK_COLUMNS,
  changeMask,
  matchesText,
  sessionFromRow,
  storageUnavailable,
  taskFromRow,
  userFromRow,
  type SessionRow,
  type TaskRow,
  type UserRow,
} from './rows.ts'
import { assembleDocument } from './sqlite-store.ts'
import type {
  ChatMessage,
  ImportCounts,
  NewSession,
  NewTaskRow,
  NewUser,
  SessionRecord,
  Store,
  StoreDocument,
  Task,
  TaskChanges,
  TaskFilter,
  Turn,
  UserRecord,
} from './types.ts'

/** Connecting gives up after this (then 503, or a start-up error). */
const CONNECT_TIMEOUT_MS = 5_000
/** A query gives up after this on the server (statement_timeout), and CLIENT_TIMEOUT_MARGIN_MS later in the client. */
const QUERY_TIMEOUT_MS = 10_000
const CLIENT_TIMEOUT_MARGIN_MS = 2_000
/** Writes per transaction at most (a burst beyond it forms the next batch). */
const MAX_BATCH = 500
/** Batches in flight at once per process (each holds one pooled connection). */
const MAX_CONCURRENT_BATCHES = 2
/** Key of the advisory lock that serializes migrations (any fixed number; "todo" in ASCII). */
const MIGRATION_LOCK_KEY = 0x746f646f
const CHECK_CACHE_MS = 1_000
/** A readiness check that gets no answer within this is a failure. */
const CHECK_TIMEOUT_MS = 2_000

type Client = pg.PoolClient

interface PendingWrite {
  userId: string
  run: (client: Client) => Promise<unknown>
  /** A task insert: in a batch, all of them go in one statement (insertAll); alone, `run` does it. */
  insert?: NewTaskRow
  resolve: (value: unknown) => void
  reject: (err: unknown) => void
}

/** In the same statement as a task update or delete: the user's tasks_version moves when a task did. */
const BUMP_TASKS_VERSION = 'UPDATE users SET tasks_version = tasks_version + 1 WHERE id = $USER AND EXISTS (SELECT 1 FROM changed)'

/** All the task inserts of a batch in ONE statement, which also commits them when sent alone (autocommit):
 * the batch's users ($1, with how many tasks each, $2) are locked in id order first (`locked`: every batch of
 * every replica takes them in the same order, so batches cannot deadlock; the UPDATE only touches rows `locked`
 * has already locked), each user's ids are taken in one step, and the k-th task of a user in the batch ($4,
 * from 0, in arrival order) gets the k-th of them. Returns the user and id of each task: everything else of
 * it is what was sent. */
const INSERT_ALL = `
  WITH locked AS (
    SELECT id FROM users WHERE id = ANY($1::text[]) ORDER BY id FOR NO KEY UPDATE
  ), alloc AS (
    UPDATE users u SET next_task_id = u.next_task_id + c.n, tasks_version = u.tasks_version + 1
    FROM unnest($1::text[], $2::int[]) AS c(user_id, n) JOIN locked l ON l.id = c.user_id WHERE u.id = c.user_id
    RETURNING u.id AS user_id, u.next_task_id - c.n AS first
  )
  INSERT INTO tasks (user_id, id, title, description, completed, priority, tags, due_date, created_at, updated_at, completed_at)
  SELECT i.user_id, a.first + i.k, i.title, i.description, false, i.priority, ARRAY(SELECT jsonb_array_elements_text(i.tags)),
         i.due_date, i.created_at, i.updated_at, NULL
  FROM unnest($3::text[], $4::int[], $5::text[], $6::text[], $7::text[], $8::jsonb[], $9::text[], $10::text[], $11::text[])
         AS i(user_id, k, title, description, priority, tags, due_date, created_at, updated_at)
    JOIN alloc a ON a.user_id = i.user_id
  RETURNING user_id, id`

export interface PostgresStoreOptions {
  url: string
  poolSize: number
  logger: StoreLogger
  /** Default QUERY_TIMEOUT_MS (tests of a stalled connection use a short one). */
  queryTimeoutMs?: number
}

/** Where the database is, without credentials (for messages). */
function describeUrl(url: string): string {
  try {
    const u = new URL(url)
    return `${u.hostname}:${u.port || 5432}${u.pathname}`
  } catch {
    return 'the database'
  }
}

/**
 * Whether the server refused a statement and carries on: an error the server sent (a severity and a SQLSTATE),
 * not FATAL or PANIC, outside class 08 (connection exception). Then nothing of the statement was committed and
 * the connection is usable after a ROLLBACK. Anything else — a socket error, a client-side timeout, a FATAL —
 * leaves the connection in an unknown state (a statement may even have committed): it is destroyed, never
 * reused, and nothing is retried. (The severity is in the server's language; a FATAL in another one still
 * ends the session, so the ROLLBACK that follows fails and the connection is destroyed all the same.)
 */
function refusedByServer(err: unknown): boolean {
  const { severity, code } = err as { severity?: unknown; code?: unknown }
  return (
    typeof severity === 'string' && severity !== 'FATAL' && severity !== 'PANIC' &&
    typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && !code.startsWith('08') && !SESSION_ENDING.has(code)
  )
}

/** SQLSTATEs the server sends as it ends the session (FATAL, whatever language the severity is in). */
const SESSION_ENDING = new Set(['57P01', '57P02', '57P03', '57P04', '57P05', '25P03'])

export class PostgresStore implements Store {
  readonly backend = 'postgres' as const
  private readonly pool: pg.Pool
  private readonly logger: StoreLogger
  private readonly where: string
  private queue: PendingWrite[] = []
  private running = 0
  private pumpScheduled = false
  private closed = false
  private idle?: () => void
  private lastCheck = { at: 0, ok: false, pending: undefined as Promise<boolean> | undefined }
  /** Task lists as JSON with the user's tasks_version they were built at; served while it has not moved. */
  private readonly listCache = new ListCache<{ version: string; json: string }>((entry) => entry.json.length)
  /** List reads in flight per user and filter, and the one queued behind it (listTasksJson). */
  private readonly listReads = new Map<string, { running?: Promise<string>; next?: Promise<string> }>()
  /** Transactions committed, writes they carried, batches the database refused (then retried write by write),
   * and task-list queries sent (reads share them). */
  readonly stats = { commits: 0, writes: 0, refusedBatches: 0, listQueries: 0 }

  constructor(opts: PostgresStoreOptions) {
    this.logger = opts.logger
    this.where = describeUrl(opts.url)
    this.pool = new pg.Pool({
      connectionString: opts.url,
      max: opts.poolSize,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      // The client waits a little longer than the server's statement_timeout: a slow statement is then cancelled
      // by the server (a clean refusal, nothing committed) rather than abandoned by the client (outcome unknown).
      query_timeout: (opts.queryTimeoutMs ?? QUERY_TIMEOUT_MS) + CLIENT_TIMEOUT_MARGIN_MS,
      statement_timeout: opts.queryTimeoutMs ?? QUERY_TIMEOUT_MS,
      idle_in_transaction_session_timeout: opts.queryTimeoutMs ?? QUERY_TIMEOUT_MS,
      idleTimeoutMillis: 30_000,
      keepAlive: true,
      application_name: 'todo-app',
    })
    // An idle connection that dies (database restart) is reported here; without a listener it would crash
    // the process. The pool replaces it on the next query.
    this.pool.on('error', (err) => this.logger.warn({ err: { message: err.message } }, 'an idle database connection failed'))
  }

  /**
   * A pooled connection, listened to while it is checked out: the pool stops listening to a connection it has
   * lent, and a connection that fails then (reset, closed by the server) emits 'error', which with no listener
   * would end the process. The statement running on it gets the error as well; `release` destroys it when broken.
   */
  private async checkout(): Promise<{ client: Client; release: (broken: boolean) => void }> {
    const client = await this.pool.connect()
    const onError = (err: Error) => this.logger.warn({ err: { message: err.message } }, 'a database connection failed while in use')
    client.on('error', onError)
    return {
      client,
      release: (broken) => {
        client.removeListener('error', onError)
        client.release(broken)
      },
    }
  }

  async open(): Promise<void> {
    let client: Client
    let release: (broken: boolean) => void
    try {
      ;({ client, release } = await this.checkout())
    } catch (err) {
      await this.pool.end().catch(() => {})
      throw new StorageError(`Cannot connect to PostgreSQL at ${this.where}: ${(err as Error).message}`)
    }
    try {
      await client.query('BEGIN')
      // Held until COMMIT: one replica migrates, the others wait here and then find nothing to do.
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY])
      await client.query(`CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (id integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`)
      const applied = new Set((await client.query<{ id: number }>(`SELECT id FROM ${MIGRATIONS_TABLE}`)).rows.map((r) => r.id))
      const newest = Math.max(0, ...applied)
      if (newest > SCHEMA_VERSION) {
        throw new StorageError(`The database at ${this.where} has schema version ${newest}, newer than this release knows (${SCHEMA_VERSION}); run a newer release`)
      }
      for (const m of MIGRATIONS) {
        if (applied.has(m.id)) continue
        await client.query(m.postgres)
        await client.query(`INSERT INTO ${MIGRATIONS_TABLE} (id, name) VALUES ($1, $2)`, [m.id, m.name])
        this.logger.info({ migration: m.id, name: m.name }, 'database migration applied')
      }
      await client.query('COMMIT')
      release(false)
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {})
      release(true)
      await this.pool.end().catch(() => {})
      throw err instanceof StorageError ? err : new StorageError(`Cannot prepare the database at ${this.where}: ${(err as Error).message}`)
    }
  }

  private failure(err: unknown, what: string): unknown {
    if (err instanceof StorageError) return err
    this.logger.error({ err: { message: (err as Error).message, code: (err as { code?: string }).code }, database: this.where }, `PostgreSQL ${what} failed`)
    return storageUnavailable()
  }

  private async read<T>(fn: (q: pg.Pool) => Promise<T>): Promise<T> {
    if (this.closed) throw new StorageError('The store is closed')
    try {
      return await fn(this.pool)
    } catch (err) {
      throw this.failure(err, 'read')
    }
  }

  private write<T>(userId: string, run: (client: Client) => Promise<T>, insert?: NewTaskRow): Promise<T> {
    if (this.closed) return Promise.reject(new StorageError('The store is closed'))
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ userId, run, insert, resolve: resolve as (v: unknown) => void, reject })
      this.schedulePump()
    })
  }

  /** Start batches after this event-loop turn, so that every write the turn produced joins one batch. */
  private schedulePump(): void {
    if (this.pumpScheduled) return
    this.pumpScheduled = true
    setImmediate(() => {
      this.pumpScheduled = false
      this.pump()
    })
  }

  /** Start batches while there is work and a free slot; writes that arrive meanwhile form the next batch. */
  private pump(): void {
    while (this.queue.length > 0 && this.running < MAX_CONCURRENT_BATCHES) {
      const batch = this.queue.splice(0, MAX_BATCH)
      this.running += 1
      void this.runBatch(batch).finally(() => {
        this.running -= 1
        if (this.queue.length > 0) this.schedulePump()
        else if (this.running === 0) this.idle?.()
      })
    }
  }

  private async runBatch(batch: PendingWrite[]): Promise<void> {
    let client: Client
    let release: (broken: boolean) => void
    try {
      ;({ client, release } = await this.checkout())
    } catch (err) {
      const error = this.failure(err, 'connect')
      for (const w of batch) w.reject(error)
      return
    }
    let broken = false
    try {
      if (batch.every((w) => w.insert)) broken = await this.runInserts(client, batch)
      else if (batch.length === 1) broken = await this.runAlone(client, batch[0])
      else broken = await this.runTransaction(client, batch)
    } finally {
      release(broken)
    }
  }

  /** A batch of task inserts only (POST /tasks): one statement, committed on its own (autocommit), so the
   * batch costs one round trip. True when the connection is no longer usable. */
  private async runInserts(client: Client, batch: PendingWrite[]): Promise<boolean> {
    let created: (Task | undefined)[]
    try {
      created = await this.insertAll(client, batch)
    } catch (err) {
      const refused = refusedByServer(err)
      if (!refused || batch.length === 1) {
        // Not refused: whether the statement committed is unknown; nobody may be told "done", and retrying
        // could apply a write twice. Alone: the refusal is this write's own.
        const error = this.failure(err, 'write')
        for (const w of batch) w.reject(error)
        return !refused
      }
      // The server refused the statement: nothing of it was committed. Each write again alone, so only
      // the bad one fails.
      this.stats.refusedBatches += 1
      return this.runEachAlone(client, batch)
    }
    this.stats.commits += 1
    this.stats.writes += batch.length
    for (let i = 0; i < batch.length; i++) batch[i].resolve(created[i])
    return false
  }

  /** A batch with other writes than task inserts: one transaction. True when the connection is no longer usable. */
  private async runTransaction(client: Client, batch: PendingWrite[]): Promise<boolean> {
    // Stable sort: one user's writes stay together, in arrival order (the row locks are taken in SQL's order below).
    const ordered = batch.map((w, i) => ({ w, i })).sort((a, b) => (a.w.userId < b.w.userId ? -1 : a.w.userId > b.w.userId ? 1 : a.i - b.i)).map((x) => x.w)
    const values: unknown[] = []
    let committing = false
    try {
      await client.query('BEGIN')
      // Lock the batch's users in id order first: every batch of every replica takes them in the same order.
      await client.query({ name: 'lock_users', text: 'SELECT 1 FROM users WHERE id = ANY($1) ORDER BY id FOR NO KEY UPDATE', values: [[...new Set(ordered.map((w) => w.userId))]] })
      const inserts = ordered.filter((w) => w.insert)
      const created = await this.insertAll(client, inserts)
      const inserted = new Map(inserts.map((w, i) => [w, created[i]]))
      for (const w of ordered) values.push(w.insert ? inserted.get(w) : await w.run(client))
      committing = true
      await client.query('COMMIT')
    } catch (err) {
      let broken = !refusedByServer(err)
      // Refused: roll back (a ROLLBACK that fails leaves the connection unusable too).
      if (!broken) await client.query('ROLLBACK').catch(() => (broken = true))
      if (broken) {
        // During COMMIT or not, the outcome is unknown: nobody may be told "done", and retrying could apply a
        // write twice.
        const error = this.failure(err, committing ? 'commit' : 'write')
        for (const w of ordered) w.reject(error)
        return true
      }
      // Rolled back for sure: each write again in its own transaction, so only the bad one fails.
      this.stats.refusedBatches += 1
      return this.runEachAlone(client, ordered)
    }
    this.stats.commits += 1
    this.stats.writes += ordered.length
    ordered.forEach((w, i) => w.resolve(values[i]))
    return false
  }

  /** Task inserts in one statement (INSERT_ALL); the task each write created, in the writes' order (undefined:
   * no such user). In a transaction, creating tasks before its other writes is safe: nothing else can name a
   * task not yet created. */
  private async insertAll(client: Client, writes: PendingWrite[]): Promise<(Task | undefined)[]> {
    const n = writes.length
    if (n === 0) return []
    const users: string[] = new Array(n)
    const nth: number[] = new Array(n)
    const titles: string[] = new Array(n)
    const descriptions: string[] = new Array(n)
    const priorities: string[] = new Array(n)
    const tags: string[] = new Array(n)
    const dueDates: (string | null)[] = new Array(n)
    const createdAt: string[] = new Array(n)
    const updatedAt: string[] = new Array(n)
    /** Tasks per user in this batch (a Map: user ids are data, never object keys). */
    const perUser = new Map<string, number>()
    for (let i = 0; i < n; i++) {
      const row = writes[i].insert!
      const userId = writes[i].userId
      const k = perUser.get(userId) ?? 0
      perUser.set(userId, k + 1)
      users[i] = userId
      nth[i] = k
      titles[i] = row.title
      descriptions[i] = row.description
      priorities[i] = row.priority
      tags[i] = JSON.stringify(row.tags)
      dueDates[i] = row.due_date
      createdAt[i] = row.created_at
      updatedAt[i] = row.updated_at
    }
    const r = await client.query<[string, string]>({
      name: 'insert_all',
      text: INSERT_ALL,
      values: [[...perUser.keys()], [...perUser.values()], users, nth, titles, descriptions, priorities, tags, dueDates, createdAt, updatedAt],
      rowMode: 'array',
    })
    // The user's first id in this batch (the others follow it); a user without any is unknown.
    const first = new Map<string, number>()
    for (const [userId, text] of r.rows) {
      const id = Number(text)
      const seen = first.get(userId)
      if (seen === undefined || id < seen) first.set(userId, id)
    }
    return writes.map((w, i) => {
      const firstId = first.get(w.userId)
      if (firstId === undefined) return undefined
      const row = w.insert!
      return {
        id: firstId + nth[i],
        title: row.title,
        description: row.description,
        completed: false,
        priority: row.priority,
        tags: [...row.tags],
        due_date: row.due_date,
        created_at: row.created_at,
        updated_at: row.updated_at,
        completed_at: null,
      }
    })
  }

  /** One write in its own transaction. True when the connection is no longer usable (then the write's outcome
   * is unknown and it is answered 503). */
  private async runAlone(client: Client, w: PendingWrite): Promise<boolean> {
    try {
      await client.query('BEGIN')
      const value = await w.run(client)
      await client.query('COMMIT')
      this.stats.commits += 1
      this.stats.writes += 1
      w.resolve(value)
      return false
    } catch (err) {
      let broken = !refusedByServer(err)
      if (!broken) await client.query('ROLLBACK').catch(() => (broken = true))
      w.reject(this.failure(err, 'write'))
      return broken
    }
  }

  /** After a refused batch: each write alone, so only the bad one fails; once the connection is unusable, the
   * rest are answered 503 without being tried. True when the connection is no longer usable. */
  private async runEachAlone(client: Client, writes: PendingWrite[]): Promise<boolean> {
    for (let i = 0; i < writes.length; i++) {
      if (await this.runAlone(client, writes[i])) {
        const error = storageUnavailable()
        for (const w of writes.slice(i + 1)) w.reject(error)
        return true
      }
    }
    return false
  }

  async check(): Promise<boolean> {
    if (Date.now() - this.lastCheck.at < CHECK_CACHE_MS) return this.lastCheck.ok
    // Probes arriving together share one query, which may take CHECK_TIMEOUT_MS at most (a probe must not
    // wait for the 10 s query timeout of a database that stopped answering).
    this.lastCheck.pending ??= new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), CHECK_TIMEOUT_MS)
      this.pool.query('SELECT 1').then(
        () => resolve(true),
        () => resolve(false),
      ).finally(() => clearTimeout(timer))
    }).then((ok) => {
      this.lastCheck = { at: Date.now(), ok, pending: undefined }
      return ok
    })
    return this.lastCheck.pending
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    if (this.running > 0 || this.queue.length > 0) await new Promise<void>((resolve) => (this.idle = resolve))
    await this.pool.end()
  }

  // Users

  createUser(user: NewUser): Promise<boolean> {
    return this.write(user.id, async (c) => {
      const r = await c.query('INSERT INTO users (id, email, password_hash, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [
        user.id,
        user.email,
        user.password_hash,
        user.created_at,
      ])
      return r.rowCount === 1
    })
  }

  findUserByEmail(email: string): Promise<UserRecord | undefined> {
    return this.read(async (q) => {
      const r = await q.query<UserRow>({ name: 'user_by_email', text: 'SELECT * FROM users WHERE email = $1', values: [email] })
      return r.rows[0] && userFromRow(r.rows[0])
    })
  }

  findUserById(id: string): Promise<UserRecord | undefined> {
    return this.read(async (q) => {
      const r = await q.query<UserRow>({ name: 'user_by_id', text: 'SELECT * FROM users WHERE id = $1', values: [id] })
      return r.rows[0] && userFromRow(r.rows[0])
    })
  }

  // Tasks

  /**
   * Identical list reads share round trips. A read that arrives while the same list is being read cannot use
   * that query (it may have started before a write this read must see), so it waits for the next one, which
   * starts once the current one ends and answers every read that arrived meanwhile: each read still sees every
   * write acknowledged before it arrived, and a hot list costs at most two queries in flight instead of one
   * per request (GET /tasks by one user over 100 connections: one round trip per request before).
   */
  listTasksJson(userId: string, filter: Omit<TaskFilter, 'q'>): Promise<string> {
    const key = `${filter.status ?? 'all'}|${filter.priority ?? ''}|${filter.tag ?? ''}`
    const id = `${userId}\n${key}`
    let flight = this.listReads.get(id)
    if (!flight) this.listReads.set(id, (flight = {}))
    const current = flight
    const run = (): Promise<string> => {
      const query = this.queryListJson(userId, key, filter)
      current.running = query
      const done = () => {
        if (current.running !== query) return
        current.running = undefined
        if (!current.next && this.listReads.get(id) === current) this.listReads.delete(id)
      }
      query.then(done, done)
      return query
    }
    if (!current.running && !current.next) return run()
    const after = () => {
      current.next = undefined
      return run()
    }
    return (current.next ??= current.running!.then(after, after))
  }

  private queryListJson(userId: string, key: string, filter: Omit<TaskFilter, 'q'>): Promise<string> {
    this.stats.listQueries++
    return this.read(async (q) => {
      const status = filter.status === 'pending' ? false : filter.status === 'completed' ? true : null
      const cached = this.listCache.get(userId, key)
      // One round trip: the user's tasks_version, and the list only if it differs from the cached one's
      // (built as JSON by PostgreSQL and returned as text: the driver does not parse it).
      const r = await q.query<{ version: string; list: string | null }>({
        name: 'list_tasks_json',
        text: `SELECT u.tasks_version::text AS version, CASE WHEN u.tasks_version::text = $5 THEN NULL ELSE (
                 SELECT coalesce(json_agg(json_build_object('id', id, 'title', title, 'description', description,
                   'completed', completed, 'priority', priority, 'tags', tags, 'due_date', due_date, 'created_at', created_at,
                   'updated_at', updated_at, 'completed_at', completed_at) ORDER BY id), '[]')::text
                 FROM tasks WHERE user_id = $1 AND ($2::boolean IS NULL OR completed = $2) AND ($3::text IS NULL OR priority = $3)
                   AND ($4::text IS NULL OR $4 = ANY(tags))) END AS list
               FROM users u WHERE u.id = $1`,
        values: [userId, status, filter.priority ?? null, filter.tag ?? null, cached?.version ?? null],
      })
      const row = r.rows[0]
      if (!row) return '[]'
      if (row.list === null) return cached!.json
      this.listCache.set(userId, key, { version: row.version, json: row.list })
      return row.list
    })
  }

  async listTasks(userId: string, filter: TaskFilter): Promise<Task[]> {
    const { q, ...rest } = filter
    const tasks = JSON.parse(await this.listTasksJson(userId, rest)) as Task[]
    return q ? tasks.filter((t) => matchesText(t, q)) : tasks
  }

  getTask(userId: string, id: number): Promise<Task | undefined> {
    return this.read(async (q) => {
      const r = await q.query<TaskRow>({ name: 'get_task', text: `SELECT ${TASK_COLUMNS} FROM tasks WHERE user_id = $1 AND id = $2`, values: [userId, id] })
      return r.rows[0] && taskFromRow(r.rows[0])
    })
  }

  insertTask(userId: string, row: NewTaskRow): Promise<Task | undefined> {
    return this.write(userId, async (c) => {
      // One statement: take the user's next id (row lock until commit) and insert the task with it.
      const r = await c.query<TaskRow>({
        name: 'insert_task',
        text: `WITH next AS (UPDATE users SET next_task_id = next_task_id + 1, tasks_version = tasks_version + 1 WHERE id = $1 RETURNING next_task_id - 1 AS id)
               INSERT INTO tasks (user_id, id, title, description, completed, priority, tags, due_date, created_at, updated_at, completed_at)
               SELECT $1, next.id, $2, $3, false, $4, $5, $6, $7, $8, NULL FROM next
               RETURNING ${TASK_COLUMNS}`,
        values: [userId, row.title, row.description, row.priority, row.tags, row.due_date, row.created_at, row.updated_at],
      })
      return r.rows[0] && taskFromRow(r.rows[0])
    }, row)
  }

  updateTask(userId: string, id: number, changes: TaskChanges): Promise<Task | undefined> {
    return this.write(userId, async (c) => {
      const sets: string[] = []
      const values: unknown[] = []
      const param = (v: unknown) => `$${values.push(v)}`
      for (const field of CHANGEABLE) {
        const value = changes[field]
        if (value === undefined) continue
        if (field === 'completed') {
          const p = param(value)
          // Right-hand column references are the old values: completed_at changes only with the state.
          sets.push(`completed_at = CASE WHEN completed = ${p}::boolean THEN completed_at WHEN ${p}::boolean THEN $UPDATED ELSE NULL END`, `completed = ${p}::boolean`)
        } else {
          sets.push(`${field} = ${param(value)}`)
        }
      }
      const updated = param(changes.updated_at)
      sets.push(`updated_at = ${updated}`)
      const user = param(userId)
      const text = `WITH changed AS (UPDATE tasks SET ${sets.join(', ').replaceAll('$UPDATED', updated)} WHERE user_id = ${user} AND id = ${param(id)} RETURNING ${TASK_COLUMNS}),
        bump AS (${BUMP_TASKS_VERSION.replaceAll('$USER', user)})
        SELECT * FROM changed`
      const r = await c.query<TaskRow>({ name: `update_task_${changeMask(changes)}`, text, values })
      return r.rows[0] && taskFromRow(r.rows[0])
    })
  }

  deleteTask(userId: string, id: number): Promise<Task | undefined> {
    return this.write(userId, async (c) => {
      const r = await c.query<TaskRow>({
        name: 'delete_task',
        text: `WITH changed AS (DELETE FROM tasks WHERE user_id = $1 AND id = $2 RETURNING ${TASK_COLUMNS}),
               bump AS (${BUMP_TASKS_VERSION.replaceAll('$USER', '$1')})
               SELECT * FROM changed`,
        values: [userId, id],
      })
      return r.rows[0] && taskFromRow(r.rows[0])
    })
  }

  // Sessions

  createSession(session: NewSession): Promise<void> {
    return this.write(session.user_id, async (c) => {
      await c.query({
        name: 'create_session',
        text: 'INSERT INTO sessions (id, user_id, created_at, last_activity_ms, message_count, timezone) VALUES ($1, $2, $3, $4, 0, $5)',
        values: [session.id, session.user_id, session.created_at, Date.parse(session.created_at), session.timezone ?? null],
      })
    })
  }

  private async liveSession(q: pg.Pool | Client, userId: string, id: string, liveAfter: Date): Promise<SessionRecord | undefined> {
    const r = await q.query<SessionRow & { messages: ChatMessage[] | null }>({
      name: 'get_session',
      text: `SELECT s.*, (SELECT json_agg(m.message ORDER BY m.seq) FROM session_messages m WHERE m.session_id = s.id) AS messages
             FROM sessions s WHERE s.id = $1 AND s.user_id = $2 AND s.last_activity_ms > $3`,
      values: [id, userId, liveAfter.getTime()],
    })
    const row = r.rows[0]
    return row && sessionFromRow(row, row.messages ?? [])
  }

  getSession(userId: string, id: string, liveAfter: Date): Promise<SessionRecord | undefined> {
    return this.read((q) => this.liveSession(q, userId, id, liveAfter))
  }

  appendTurn(userId: string, id: string, turn: Turn): Promise<boolean> {
    return this.write(userId, async (c) => {
      const n = turn.messages.length
      const updated = await c.query<{ message_count: string }>({
        name: 'append_turn',
        text: `UPDATE sessions SET message_count = message_count + $1, last_activity_ms = greatest(last_activity_ms, $2)
               WHERE id = $3 AND user_id = $4 AND last_activity_ms > $5 RETURNING message_count`,
        values: [n, turn.at.getTime(), id, userId, turn.liveAfter.getTime()],
      })
      if (!updated.rows[0]) return false
      const count = Number(updated.rows[0].message_count)
      await c.query({
        name: 'append_messages',
        text: `INSERT INTO session_messages (session_id, seq, message)
               SELECT $1, $2 + ordinality, value FROM jsonb_array_elements($3::jsonb) WITH ORDINALITY`,
        values: [id, count - n, JSON.stringify(turn.messages)],
      })
      await c.query({ name: 'trim_messages', text: 'DELETE FROM session_messages WHERE session_id = $1 AND seq <= $2', values: [id, count - turn.maxHistory] })
      return true
    })
  }

  deleteSession(userId: string, id: string, liveAfter: Date): Promise<boolean> {
    return this.write(userId, async (c) => {
      const r = await c.query({ name: 'delete_session', text: 'DELETE FROM sessions WHERE id = $1 AND user_id = $2 AND last_activity_ms > $3', values: [id, userId, liveAfter.getTime()] })
      return r.rowCount === 1
    })
  }

  deleteExpiredSessions(liveAfter: Date): Promise<number> {
    // Sorted last in a batch (after every user id), so it locks sessions after the users' rows.
    return this.write('\uffff', async (c) => {
      const r = await c.query({ name: 'expire_sessions', text: 'DELETE FROM sessions WHERE last_activity_ms <= $1', values: [liveAfter.getTime()] })
      return r.rowCount ?? 0
    })
  }

  countTasks(): Promise<number> {
    return this.read(async (q) => Number((await q.query<{ n: string }>('SELECT count(*) AS n FROM tasks')).rows[0].n))
  }

  countActiveSessions(liveAfter: Date): Promise<number> {
    return this.read(async (q) => Number((await q.query<{ n: string }>('SELECT count(*) AS n FROM sessions WHERE last_activity_ms > $1', [liveAfter.getTime()])).rows[0].n))
  }

  // Whole-store export and import

  isEmpty(): Promise<boolean> {
    return this.read(async (q) => (await q.query('SELECT 1 FROM users LIMIT 1')).rowCount === 0)
  }

  exportAll(): Promise<StoreDocument> {
    return this.read(async () => {
      const { client: c, release } = await this.checkout()
      let broken = true // until the snapshot's transaction is over
      try {
        // One snapshot for all four tables, even while replicas write.
        await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY')
        const users = (await c.query<UserRow>('SELECT * FROM users ORDER BY id')).rows.map(userFromRow)
        const tasks = (await c.query<TaskRow & { user_id: string }>(`SELECT user_id, ${TASK_COLUMNS} FROM tasks ORDER BY user_id, id`)).rows
        const sessions = (await c.query<SessionRow>('SELECT * FROM sessions ORDER BY id')).rows
        const messages = (await c.query<{ session_id: string; message: ChatMessage }>('SELECT session_id, message FROM session_messages ORDER BY session_id, seq')).rows
        await c.query('COMMIT')
        broken = false
        return assembleDocument(
          users,
          tasks.map((t) => [t.user_id, taskFromRow(t)]),
          sessions,
          messages.map((m) => [m.session_id, m.message]),
        )
      } finally {
        release(broken)
      }
    })
  }

  importAll(doc: StoreDocument): Promise<ImportCounts> {
    // Whole columns per statement (unnest), in chunks: a large store imports in seconds, not row by row.
    return this.write('', async (c) => {
      const counts: ImportCounts = { users: 0, tasks: 0, sessions: 0 }
      for (const users of chunks(Object.values(doc.users))) {
        const r = await c.query(
          `INSERT INTO users (id, email, password_hash, created_at, next_task_id)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[]) ON CONFLICT DO NOTHING`,
          [users.map((u) => u.id), users.map((u) => u.email), users.map((u) => u.password_hash), users.map((u) => u.created_at), users.map((u) => u.next_task_id)],
        )
        counts.users += r.rowCount ?? 0
      }
      const tasks = Object.entries(doc.tasks).flatMap(([userId, list]) => list.map((t) => ({ userId, t })))
      for (const part of chunks(tasks)) {
        const col = <K extends keyof Task>(k: K) => part.map(({ t }) => t[k])
        const r = await c.query(
          `INSERT INTO tasks (user_id, id, title, description, completed, priority, tags, due_date, created_at, updated_at, completed_at)
           SELECT i.user_id, i.id, i.title, i.description, i.completed, i.priority, ARRAY(SELECT jsonb_array_elements_text(i.tags)), i.due_date, i.created_at, i.updated_at, i.completed_at
           FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::boolean[], $6::text[], $7::jsonb[], $8::text[], $9::text[], $10::text[], $11::text[])
             AS i(user_id, id, title, description, completed, priority, tags, due_date, created_at, updated_at, completed_at)
           WHERE EXISTS (SELECT 1 FROM users u WHERE u.id = i.user_id)
           ON CONFLICT DO NOTHING`,
          [
            part.map(({ userId }) => userId),
            col('id'),
            col('title'),
            col('description'),
            col('completed'),
            col('priority'),
            part.map(({ t }) => JSON.stringify(t.tags)),
            col('due_date'),
            col('created_at'),
            col('updated_at'),
            col('completed_at'),
          ],
        )
        counts.tasks += r.rowCount ?? 0
      }
      // Lists cached by any replica for these users are out of date.
      await c.query('UPDATE users SET tasks_version = tasks_version + 1 WHERE id = ANY($1)', [Object.keys(doc.tasks)])
      // Ids are never reused: each user's next id is past every imported one.
      await c.query(
        `UPDATE users u SET next_task_id = greatest(u.next_task_id, m.top + 1)
         FROM (SELECT user_id, max(id) AS top FROM tasks GROUP BY user_id) m WHERE m.user_id = u.id AND u.next_task_id <= m.top`,
      )
      for (const sessions of chunks(Object.values(doc.sessions))) {
        const r = await c.query<{ id: string }>(
          `INSERT INTO sessions (id, user_id, created_at, last_activity_ms, message_count, timezone)
           SELECT i.* FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::text[]) AS i(id, user_id, created_at, last_activity_ms, message_count, timezone)
           WHERE EXISTS (SELECT 1 FROM users u WHERE u.id = i.user_id)
           ON CONFLICT DO NOTHING RETURNING id`,
          [
            sessions.map((s) => s.id),
            sessions.map((s) => s.user_id),
            sessions.map((s) => s.created_at),
            sessions.map((s) => Date.parse(s.last_activity)),
            sessions.map((s) => s.message_count),
            sessions.map((s) => s.timezone ?? null),
          ],
        )
        counts.sessions += r.rowCount ?? 0
        const added = new Set(r.rows.map((row) => row.id))
        for (const s of sessions.filter((x) => added.has(x.id))) {
          await c.query(
            `INSERT INTO session_messages (session_id, seq, message) SELECT $1, $2 + ordinality, value FROM jsonb_array_elements($3::jsonb) WITH ORDINALITY`,
            [s.id, s.message_count - s.messages.length, JSON.stringify(s.messages)],
          )
        }
      }
      return counts
    })
  }
}

const CHUNK = 5_000

function* chunks<T>(items: T[]): Generator<T[]> {
  for (let i = 0; i < items.length; i += CHUNK) yield items.slice(i, i + CHUNK)
}

export function createPostgresStore(opts: PostgresStoreOptions): PostgresStore {
  return new PostgresStore(opts)
}
