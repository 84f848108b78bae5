// The default store: SQLite through Node's built-in node:sqlite (no dependency), one file at STORAGE_PATH.
// Why and how: docs/storage.md.
//
//  - WAL journal with synchronous=FULL: a commit is durable (the WAL is fsynced) before anyone is answered.
//  - Group commit: writes are queued and, once per event-loop turn, run together in ONE transaction, each
//    inside a savepoint (a failing write is undone alone), so a burst of requests costs one fsync.
//  - Several processes on one local file: SQLite's file locks; BEGIN IMMEDIATE waits up to BUSY_TIMEOUT_MS
//    for another process's transaction. Not on NFS: its locks are not reliable there (docs/storage.md).
//  - Reads run at once on the committed state (WAL readers never wait for writers). Task lists are kept as
//    JSON per user until this process writes that user's tasks or another process commits (list-cache.ts).

import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import type { DatabaseSync as DatabaseSyncType, StatementSync } from 'node:sqlite'
import { StorageError } from '../errors.ts'
import { ListCache } from './list-cache.ts'
import { MIGRATIONS, MIGRATIONS_TABLE, SCHEMA_VERSION } from './migrations.ts'
import {
  CHANGEABLE,
  TASK_COLUMNS,
  matchesText,
  sessionFromRow,
  storageUnavailable,
  taskFromRow,
  userFromRow,
  type SessionRow,
  type TaskRow,
  type UserRow,
} from './rows.ts'
import type { StoreLogger } from './logger.ts'
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

/** A JSON array of tasks in id order, in the wire format (completed as a boolean, tags as an array). */
const SQLITE_TASK_LIST = `json_group_array(json_object('id', id, 'title', title, 'description', description,
  'completed', json(CASE WHEN completed THEN 'true' ELSE 'false' END), 'priority', priority, 'tags', json(tags),
  'due_date', due_date, 'created_at', created_at, 'updated_at', updated_at, 'completed_at', completed_at) ORDER BY id)`

/** How long a write waits for another process's transaction before failing with 503. */
export const BUSY_TIMEOUT_MS = 5_000
/** How long a check() result is reused (probes should not hit the disk each time). */
const CHECK_CACHE_MS = 1_000

// node:sqlite still prints an ExperimentalWarning on load (Node 22): a non-JSON line on stderr at every
// start. Only that one warning is dropped, only while the module loads.
async function loadSqlite(): Promise<typeof import('node:sqlite')> {
  const emitWarning = process.emitWarning
  process.emitWarning = function (warning: string | Error, ...rest: unknown[]) {
    const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type
    if (type === 'ExperimentalWarning' && String(warning).includes('SQLite')) return
    return (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest)
  } as typeof process.emitWarning
  try {
    return await import('node:sqlite')
  } finally {
    process.emitWarning = emitWarning
  }
}

interface PendingWrite {
  run: () => unknown
  resolve: (value: unknown) => void
  reject: (err: unknown) => void
}

export interface SqliteStoreOptions {
  /** A file path, or ':memory:' (tests). */
  path: string
  logger: StoreLogger
}

export class SqliteStore implements Store {
  readonly backend = 'sqlite' as const
  readonly path: string
  private readonly logger: StoreLogger
  private db?: DatabaseSyncType
  private readonly statements = new Map<string, StatementSync>()
  private queue: PendingWrite[] = []
  private flushScheduled = false
  private closed = false
  private lastCheck = { at: 0, ok: false }
  /** Task lists as JSON, valid while this process did not write the user's tasks and data_version is unchanged. */
  private readonly listCache = new ListCache()
  private cacheVersion = -1
  /** Transactions committed and writes they carried (the bench reports writes per commit). */
  readonly stats = { commits: 0, writes: 0 }

  constructor(opts: SqliteStoreOptions) {
    this.path = opts.path === ':memory:' ? opts.path : resolve(opts.path)
    this.logger = opts.logger
  }

  async open(): Promise<void> {
    const { DatabaseSync } = await loadSqlite()
    const where = `the SQLite database ${this.path}`
    if (this.path !== ':memory:') {
      try {
        mkdirSync(dirname(this.path), { recursive: true })
      } catch (err) {
        throw new StorageError(`Cannot create the directory of ${where}: ${(err as Error).message}`)
      }
    }
    try {
      this.db = new DatabaseSync(this.path, { enableForeignKeyConstraints: true })
    } catch (err) {
      throw new StorageError(`Cannot open ${where}: ${(err as Error).message}`)
    }
    try {
      this.db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`)
      // The first statement that reads the file: a file that is not a database fails here, before anything
      // could be written to it.
      this.db.exec('PRAGMA journal_mode = WAL')
      this.db.exec('PRAGMA synchronous = FULL')
      this.migrate()
    } catch (err) {
      this.db.close()
      this.db = undefined
      const message = (err as Error).message
      const hint = /not a database|malformed|corrupt/i.test(message) ? '; it is left as it is' : ''
      throw err instanceof StorageError ? err : new StorageError(`Cannot use ${where}: ${message}${hint}`)
    }
  }

  private migrate(): void {
    const db = this.database()
    db.exec('BEGIN IMMEDIATE')
    try {
      db.exec(`CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`)
      const applied = new Set((db.prepare(`SELECT id FROM ${MIGRATIONS_TABLE}`).all() as { id: number }[]).map((r) => r.id))
      const newest = Math.max(0, ...applied)
      if (newest > SCHEMA_VERSION) {
        throw new StorageError(`The SQLite database ${this.path} has schema version ${newest}, newer than this release knows (${SCHEMA_VERSION}); run a newer release`)
      }
      for (const m of MIGRATIONS) {
        if (applied.has(m.id)) continue
        db.exec(m.sqlite)
        db.prepare(`INSERT INTO ${MIGRATIONS_TABLE} (id, name, applied_at) VALUES (?, ?, ?)`).run(m.id, m.name, new Date().toISOString())
        this.logger.info({ migration: m.id, name: m.name }, 'database migration applied')
      }
      db.exec('COMMIT')
    } catch (err) {
      if (db.isTransaction) db.exec('ROLLBACK')
      throw err
    }
  }

  private database(): DatabaseSyncType {
    if (!this.db || this.closed) throw new StorageError('The store is closed')
    return this.db
  }

  /** A prepared statement, prepared once per SQL text. */
  private stmt(sql: string): StatementSync {
    let statement = this.statements.get(sql)
    if (!statement) {
      statement = this.database().prepare(sql)
      this.statements.set(sql, statement)
    }
    return statement
  }

  /** Run a read now; a database failure becomes a 503. */
  private read<T>(fn: () => T): Promise<T> {
    try {
      return Promise.resolve(fn())
    } catch (err) {
      return Promise.reject(this.failure(err, 'read'))
    }
  }

  private failure(err: unknown, what: string): unknown {
    if (err instanceof StorageError) return err
    this.logger.error({ err: { message: (err as Error).message, code: (err as { errcode?: number }).errcode }, path: this.path }, `SQLite ${what} failed`)
    return storageUnavailable()
  }

  /** Queue a write for the next group commit. */
  private write<T>(run: () => T): Promise<T> {
    if (this.closed) return Promise.reject(new StorageError('The store is closed'))
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run, resolve: resolve as (v: unknown) => void, reject })
      if (!this.flushScheduled) {
        this.flushScheduled = true
        // After this turn's I/O callbacks: every request that arrived in this turn joins the commit.
        setImmediate(() => this.flush())
      }
    })
  }

  /** One transaction for everything queued: each write in a savepoint, one COMMIT (one fsync) for all. */
  private flush(): void {
    this.flushScheduled = false
    const batch = this.queue
    this.queue = []
    if (batch.length === 0) return
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = []
    let db: DatabaseSyncType
    try {
      db = this.database()
      db.exec('BEGIN IMMEDIATE')
    } catch (err) {
      const error = this.failure(err, 'write (begin)')
      for (const w of batch) w.reject(error)
      return
    }
    try {
      for (const w of batch) {
        db.exec('SAVEPOINT w')
        try {
          outcomes.push({ ok: true, value: w.run() })
          db.exec('RELEASE w')
        } catch (err) {
          db.exec('ROLLBACK TO w')
          db.exec('RELEASE w')
          outcomes.push({ ok: false, error: this.failure(err, 'write') })
        }
      }
      db.exec('COMMIT')
    } catch (err) {
      if (db.isTransaction) {
        try {
          db.exec('ROLLBACK')
        } catch {
          /* the connection reports the original error below */
        }
      }
      const error = this.failure(err, 'commit')
      for (const w of batch) w.reject(error)
      return
    }
    this.stats.commits += 1
    this.stats.writes += batch.length
    batch.forEach((w, i) => {
      const outcome = outcomes[i]
      if (outcome.ok) w.resolve(outcome.value)
      else w.reject(outcome.error)
    })
  }

  async check(): Promise<boolean> {
    const now = Date.now()
    if (now - this.lastCheck.at < CHECK_CACHE_MS) return this.lastCheck.ok
    let ok: boolean
    try {
      this.stmt(`SELECT count(*) AS n FROM ${MIGRATIONS_TABLE}`).get()
      ok = true
    } catch {
      ok = false
    }
    this.lastCheck = { at: now, ok }
    return ok
  }

  async close(): Promise<void> {
    if (this.closed) return
    if (this.queue.length) this.flush()
    this.closed = true
    this.statements.clear()
    this.db?.close()
  }

  // Users

  createUser(user: NewUser): Promise<boolean> {
    return this.write(() => {
      const result = this.stmt('INSERT INTO users (id, email, password_hash, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING').run(
        user.id,
        user.email,
        user.password_hash,
        user.created_at,
      )
      return result.changes === 1
    })
  }

  findUserByEmail(email: string): Promise<UserRecord | undefined> {
    return this.read(() => {
      const row = this.stmt('SELECT * FROM users WHERE email = ?').get(email) as UserRow | undefined
      return row && userFromRow(row)
    })
  }

  findUserById(id: string): Promise<UserRecord | undefined> {
    return this.read(() => {
      const row = this.stmt('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined
      return row && userFromRow(row)
    })
  }

  // Tasks

  listTasksJson(userId: string, filter: Omit<TaskFilter, 'q'>): Promise<string> {
    return this.read(() => {
      // Another connection (process) committed since the cache was filled: nothing in it can be trusted.
      const { data_version: version } = this.stmt('PRAGMA data_version').get() as { data_version: number }
      if (version !== this.cacheVersion) {
        this.listCache.clear()
        this.cacheVersion = version
      }
      const key = `${filter.status ?? 'all'}|${filter.priority ?? ''}|${filter.tag ?? ''}`
      const cached = this.listCache.get(userId, key)
      if (cached !== undefined) return cached
      let where = 'user_id = ?'
      const params: (string | number)[] = [userId]
      if (filter.status === 'pending') where += ' AND completed = 0'
      if (filter.status === 'completed') where += ' AND completed = 1'
      if (filter.priority) {
        where += ' AND priority = ?'
        params.push(filter.priority)
      }
      if (filter.tag) {
        where += ' AND EXISTS (SELECT 1 FROM json_each(tasks.tags) WHERE value = ?)'
        params.push(filter.tag)
      }
      const { list } = this.stmt(`SELECT ${SQLITE_TASK_LIST} AS list FROM tasks WHERE ${where}`).get(...params) as { list: string }
      this.listCache.set(userId, key, list)
      return list
    })
  }

  async listTasks(userId: string, filter: TaskFilter): Promise<Task[]> {
    const { q, ...rest } = filter
    const tasks = JSON.parse(await this.listTasksJson(userId, rest)) as Task[]
    return q ? tasks.filter((t) => matchesText(t, q)) : tasks
  }

  getTask(userId: string, id: number): Promise<Task | undefined> {
    return this.read(() => {
      const row = this.stmt(`SELECT ${TASK_COLUMNS} FROM tasks WHERE user_id = ? AND id = ?`).get(userId, id) as TaskRow | undefined
      return row && taskFromRow(row)
    })
  }

  insertTask(userId: string, row: NewTaskRow): Promise<Task | undefined> {
    return this.write(() => {
      this.listCache.forget(userId)
      const allocated = this.stmt('UPDATE users SET next_task_id = next_task_id + 1 WHERE id = ? RETURNING next_task_id - 1 AS id').get(userId) as
        | { id: number }
        | undefined
      if (!allocated) return undefined
      const inserted = this.stmt(
        `INSERT INTO tasks (user_id, id, title, description, completed, priority, tags, due_date, created_at, updated_at, completed_at)
         VALUES (?, ?, ?, ?, 0, ?, ?, ?, ?, ?, NULL) RETURNING ${TASK_COLUMNS}`,
      ).get(userId, allocated.id, row.title, row.description, row.priority, JSON.stringify(row.tags), row.due_date, row.created_at, row.updated_at) as unknown as TaskRow
      return taskFromRow(inserted)
    })
  }

  updateTask(userId: string, id: number, changes: TaskChanges): Promise<Task | undefined> {
    return this.write(() => {
      this.listCache.forget(userId)
      const sets: string[] = []
      const params: (string | number | null)[] = []
      for (const field of CHANGEABLE) {
        const value = changes[field]
        if (value === undefined) continue
        if (field === 'completed') {
          // Column references on the right are the old values: completed_at changes only with the state.
          sets.push('completed_at = CASE WHEN completed = ? THEN completed_at WHEN ? = 1 THEN ? ELSE NULL END', 'completed = ?')
          const c = value ? 1 : 0
          params.push(c, c, changes.updated_at, c)
        } else {
          sets.push(`${field} = ?`)
          params.push(field === 'tags' ? JSON.stringify(value) : (value as string | null))
        }
      }
      sets.push('updated_at = ?')
      params.push(changes.updated_at)
      const sql = `UPDATE tasks SET ${sets.join(', ')} WHERE user_id = ? AND id = ? RETURNING ${TASK_COLUMNS}`
      const row = this.stmt(sql).get(...params, userId, id) as TaskRow | undefined
      return row && taskFromRow(row)
    })
  }

  deleteTask(userId: string, id: number): Promise<Task | undefined> {
    return this.write(() => {
      this.listCache.forget(userId)
      const row = this.stmt(`DELETE FROM tasks WHERE user_id = ? AND id = ? RETURNING ${TASK_COLUMNS}`).get(userId, id) as TaskRow | undefined
      return row && taskFromRow(row)
    })
  }

  // Sessions

  createSession(session: NewSession): Promise<void> {
    return this.write(() => {
      this.stmt('INSERT INTO sessions (id, user_id, created_at, last_activity_ms, message_count, timezone) VALUES (?, ?, ?, ?, 0, ?)').run(
        session.id,
        session.user_id,
        session.created_at,
        Date.parse(session.created_at),
        session.timezone ?? null,
      )
    })
  }

  private liveSession(userId: string, id: string, liveAfter: Date): SessionRecord | undefined {
    const row = this.stmt('SELECT * FROM sessions WHERE id = ? AND user_id = ? AND last_activity_ms > ?').get(id, userId, liveAfter.getTime()) as
      | SessionRow
      | undefined
    if (!row) return undefined
    const messages = (this.stmt('SELECT message FROM session_messages WHERE session_id = ? ORDER BY seq').all(id) as { message: string }[]).map(
      (m) => JSON.parse(m.message) as ChatMessage,
    )
    return sessionFromRow(row, messages)
  }

  getSession(userId: string, id: string, liveAfter: Date): Promise<SessionRecord | undefined> {
    return this.read(() => this.liveSession(userId, id, liveAfter))
  }

  appendTurn(userId: string, id: string, turn: Turn): Promise<boolean> {
    return this.write(() => {
      const n = turn.messages.length
      const updated = this.stmt(
        `UPDATE sessions SET message_count = message_count + ?, last_activity_ms = max(last_activity_ms, ?)
         WHERE id = ? AND user_id = ? AND last_activity_ms > ? RETURNING message_count`,
      ).get(n, turn.at.getTime(), id, userId, turn.liveAfter.getTime()) as { message_count: number } | undefined
      if (!updated) return false
      const first = updated.message_count - n + 1
      const insert = this.stmt('INSERT INTO session_messages (session_id, seq, message) VALUES (?, ?, ?)')
      turn.messages.forEach((m, i) => insert.run(id, first + i, JSON.stringify(m)))
      this.stmt('DELETE FROM session_messages WHERE session_id = ? AND seq <= ?').run(id, updated.message_count - turn.maxHistory)
      return true
    })
  }

  deleteSession(userId: string, id: string, liveAfter: Date): Promise<boolean> {
    return this.write(() => {
      const result = this.stmt('DELETE FROM sessions WHERE id = ? AND user_id = ? AND last_activity_ms > ?').run(id, userId, liveAfter.getTime())
      return result.changes === 1
    })
  }

  deleteExpiredSessions(liveAfter: Date): Promise<number> {
    return this.write(() => Number(this.stmt('DELETE FROM sessions WHERE last_activity_ms <= ?').run(liveAfter.getTime()).changes))
  }

  countTasks(): Promise<number> {
    return this.read(() => (this.stmt('SELECT count(*) AS n FROM tasks').get() as { n: number }).n)
  }

  countActiveSessions(liveAfter: Date): Promise<number> {
    return this.read(() => (this.stmt('SELECT count(*) AS n FROM sessions WHERE last_activity_ms > ?').get(liveAfter.getTime()) as { n: number }).n)
  }

  // Whole-store export and import

  isEmpty(): Promise<boolean> {
    return this.read(() => this.stmt('SELECT 1 AS x FROM users LIMIT 1').get() === undefined)
  }

  exportAll(): Promise<StoreDocument> {
    return this.read(() => {
      const db = this.database()
      // One read transaction: a consistent snapshot even while other processes write.
      db.exec('BEGIN')
      try {
        const users = (this.stmt('SELECT * FROM users ORDER BY id').all() as unknown as UserRow[]).map(userFromRow)
        const tasks = this.stmt(`SELECT user_id, ${TASK_COLUMNS} FROM tasks ORDER BY user_id, id`).all() as unknown as (TaskRow & { user_id: string })[]
        const sessions = this.stmt('SELECT * FROM sessions ORDER BY id').all() as unknown as SessionRow[]
        const messages = this.stmt('SELECT session_id, message FROM session_messages ORDER BY session_id, seq').all() as { session_id: string; message: string }[]
        return assembleDocument(
          users,
          tasks.map((t) => [t.user_id, taskFromRow(t)]),
          sessions,
          messages.map((m) => [m.session_id, JSON.parse(m.message) as ChatMessage]),
        )
      } finally {
        db.exec('COMMIT')
      }
    })
  }

  importAll(doc: StoreDocument): Promise<ImportCounts> {
    return this.write(() => {
      this.listCache.clear()
      const counts: ImportCounts = { users: 0, tasks: 0, sessions: 0 }
      const insertUser = this.stmt('INSERT INTO users (id, email, password_hash, created_at, next_task_id) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING')
      const insertTask = this.stmt(
        `INSERT INTO tasks (user_id, id, title, description, completed, priority, tags, due_date, created_at, updated_at, completed_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      )
      const insertSession = this.stmt(
        'INSERT INTO sessions (id, user_id, created_at, last_activity_ms, message_count, timezone) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
      )
      const insertMessage = this.stmt('INSERT INTO session_messages (session_id, seq, message) VALUES (?, ?, ?)')
      const userExists = this.stmt('SELECT 1 AS x FROM users WHERE id = ?')
      const raiseNextId = this.stmt('UPDATE users SET next_task_id = max(next_task_id, ?) WHERE id = ?')
      for (const u of Object.values(doc.users)) {
        counts.users += Number(insertUser.run(u.id, u.email, u.password_hash, u.created_at, u.next_task_id).changes)
      }
      for (const [userId, tasks] of Object.entries(doc.tasks)) {
        if (!userExists.get(userId)) continue
        for (const t of tasks) {
          const changes = insertTask.run(userId, t.id, t.title, t.description, t.completed ? 1 : 0, t.priority, JSON.stringify(t.tags), t.due_date, t.created_at, t.updated_at, t.completed_at).changes
          counts.tasks += Number(changes)
        }
        // Ids are never reused: the next id is past every imported one.
        raiseNextId.run(Math.max(0, ...tasks.map((t) => t.id)) + 1, userId)
      }
      for (const s of Object.values(doc.sessions)) {
        if (!userExists.get(s.user_id)) continue
        const added = insertSession.run(s.id, s.user_id, s.created_at, Date.parse(s.last_activity), s.message_count, s.timezone ?? null).changes
        if (!added) continue
        counts.sessions += 1
        const first = s.message_count - s.messages.length + 1
        s.messages.forEach((m, i) => insertMessage.run(s.id, first + i, JSON.stringify(m)))
      }
      return counts
    })
  }
}

/** Rows of all tables -> one version-1 document (shared with the PostgreSQL store). */
export function assembleDocument(
  users: UserRecord[],
  tasks: [string, Task][],
  sessions: SessionRow[],
  messages: [string, ChatMessage][],
): StoreDocument {
  // Keys come from the database, but a user id such as "__proto__" must still be an own property: null-prototype
  // records, copied into plain JSON by the caller (JSON.stringify writes own properties only).
  const doc: StoreDocument = {
    version: 1,
    users: Object.create(null) as StoreDocument['users'],
    user_ids_by_email: Object.create(null) as StoreDocument['user_ids_by_email'],
    tasks: Object.create(null) as StoreDocument['tasks'],
    sessions: Object.create(null) as StoreDocument['sessions'],
  }
  for (const u of users) {
    doc.users[u.id] = u
    doc.user_ids_by_email[u.email] = u.id
    doc.tasks[u.id] = []
  }
  for (const [userId, task] of tasks) doc.tasks[userId].push(task)
  const bySession = new Map<string, ChatMessage[]>()
  for (const [sessionId, message] of messages) {
    const list = bySession.get(sessionId) ?? []
    list.push(message)
    bySession.set(sessionId, list)
  }
  for (const row of sessions) doc.sessions[row.id] = sessionFromRow(row, bySession.get(row.id) ?? [])
  return doc
}

export function createSqliteStore(opts: SqliteStoreOptions): SqliteStore {
  return new SqliteStore(opts)
}
