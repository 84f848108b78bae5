// An in-memory Store for unit tests of code above the storage layer (tasks, assistant, routes). It passes the
// same contract suite as the real stores (test/store/contract.test.ts), and exposes its data as `doc` (the
// version-1 document shape) so tests can look at and arrange what is stored. Every record map has a null
// prototype: ids from tokens or requests ("__proto__", "constructor") are plain keys here too.

import type {
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
} from '../../src/store/types.ts'
import { matchesFilter } from '../../src/tasks/tasks.ts'

const record = <T>() => Object.create(null) as Record<string, T>
const own = <T>(map: Record<string, T>, key: string): T | undefined => (Object.hasOwn(map, key) ? map[key] : undefined)
const copy = <T>(value: T): T => structuredClone(value)

export class MemoryStore implements Store {
  readonly backend = 'memory' as const
  doc: StoreDocument = { version: 1, users: record(), user_ids_by_email: record(), tasks: record(), sessions: record() }
  healthy = true

  async open(): Promise<void> {}
  async check(): Promise<boolean> {
    return this.healthy
  }
  async close(): Promise<void> {}

  async createUser(user: NewUser): Promise<boolean> {
    if (own(this.doc.user_ids_by_email, user.email) !== undefined || own(this.doc.users, user.id)) return false
    this.doc.users[user.id] = { ...user, next_task_id: 1 }
    this.doc.user_ids_by_email[user.email] = user.id
    this.doc.tasks[user.id] = []
    return true
  }
  async findUserByEmail(email: string): Promise<UserRecord | undefined> {
    const id = own(this.doc.user_ids_by_email, email)
    return id === undefined ? undefined : this.findUserById(id)
  }
  async findUserById(id: string): Promise<UserRecord | undefined> {
    const user = own(this.doc.users, id)
    return user && copy(user)
  }

  private tasksOf(userId: string): Task[] {
    return own(this.doc.tasks, userId) ?? []
  }
  async listTasks(userId: string, filter: TaskFilter): Promise<Task[]> {
    return copy(this.tasksOf(userId).filter((t) => matchesFilter(t, filter)))
  }
  async listTasksJson(userId: string, filter: Omit<TaskFilter, 'q'>): Promise<string> {
    return JSON.stringify(await this.listTasks(userId, filter))
  }
  async getTask(userId: string, id: number): Promise<Task | undefined> {
    const task = this.tasksOf(userId).find((t) => t.id === id)
    return task && copy(task)
  }
  async insertTask(userId: string, row: NewTaskRow): Promise<Task | undefined> {
    const user = own(this.doc.users, userId)
    if (!user) return undefined
    const task: Task = { id: user.next_task_id, ...copy(row), completed: false, completed_at: null }
    user.next_task_id += 1
    this.doc.tasks[userId] = [...this.tasksOf(userId), task]
    return copy(task)
  }
  async updateTask(userId: string, id: number, changes: TaskChanges): Promise<Task | undefined> {
    const task = this.tasksOf(userId).find((t) => t.id === id)
    if (!task) return undefined
    const { completed, updated_at, ...fields } = changes
    for (const [key, value] of Object.entries(fields)) if (value !== undefined) Object.assign(task, { [key]: copy(value) })
    if (completed !== undefined && completed !== task.completed) {
      task.completed = completed
      task.completed_at = completed ? updated_at : null
    }
    task.updated_at = updated_at
    return copy(task)
  }
  async deleteTask(userId: string, id: number): Promise<Task | undefined> {
    const task = this.tasksOf(userId).find((t) => t.id === id)
    if (!task) return undefined
    this.doc.tasks[userId] = this.tasksOf(userId).filter((t) => t !== task)
    return task
  }

  async createSession(session: NewSession): Promise<void> {
    const record: SessionRecord = { ...session, last_activity: session.created_at, messages: [], message_count: 0 }
    if (session.timezone === undefined) delete record.timezone
    this.doc.sessions[session.id] = record
  }
  private live(userId: string, id: string, liveAfter: Date): SessionRecord | undefined {
    const s = own(this.doc.sessions, id)
    return s && s.user_id === userId && Date.parse(s.last_activity) > liveAfter.getTime() ? s : undefined
  }
  async getSession(userId: string, id: string, liveAfter: Date): Promise<SessionRecord | undefined> {
    const s = this.live(userId, id, liveAfter)
    return s && copy(s)
  }
  async appendTurn(userId: string, id: string, turn: Turn): Promise<boolean> {
    const s = this.live(userId, id, turn.liveAfter)
    if (!s) return false
    s.messages = [...s.messages, ...copy(turn.messages)].slice(-turn.maxHistory)
    s.message_count += turn.messages.length
    if (Date.parse(s.last_activity) < turn.at.getTime()) s.last_activity = turn.at.toISOString()
    return true
  }
  async deleteSession(userId: string, id: string, liveAfter: Date): Promise<boolean> {
    if (!this.live(userId, id, liveAfter)) return false
    delete this.doc.sessions[id]
    return true
  }
  async deleteExpiredSessions(liveAfter: Date): Promise<number> {
    let n = 0
    for (const [id, s] of Object.entries(this.doc.sessions)) {
      if (Date.parse(s.last_activity) <= liveAfter.getTime()) {
        delete this.doc.sessions[id]
        n += 1
      }
    }
    return n
  }

  async countTasks(): Promise<number> {
    return Object.values(this.doc.tasks).reduce((n, tasks) => n + tasks.length, 0)
  }
  async countActiveSessions(liveAfter: Date): Promise<number> {
    return Object.values(this.doc.sessions).filter((s) => Date.parse(s.last_activity) > liveAfter.getTime()).length
  }

  async isEmpty(): Promise<boolean> {
    return Object.keys(this.doc.users).length === 0
  }
  async exportAll(): Promise<StoreDocument> {
    return copy(this.doc)
  }
  async importAll(doc: StoreDocument): Promise<ImportCounts> {
    const counts: ImportCounts = { users: 0, tasks: 0, sessions: 0 }
    for (const u of Object.values(doc.users)) {
      if (own(this.doc.users, u.id) || own(this.doc.user_ids_by_email, u.email) !== undefined) continue
      this.doc.users[u.id] = copy(u)
      this.doc.user_ids_by_email[u.email] = u.id
      counts.users += 1
    }
    for (const [userId, tasks] of Object.entries(doc.tasks)) {
      const user = own(this.doc.users, userId)
      if (!user) continue
      const mine = this.tasksOf(userId)
      const fresh = tasks.filter((t) => !mine.some((m) => m.id === t.id))
      this.doc.tasks[userId] = [...mine, ...copy(fresh)].sort((a, b) => a.id - b.id)
      counts.tasks += fresh.length
      user.next_task_id = Math.max(user.next_task_id, ...tasks.map((t) => t.id + 1))
    }
    for (const s of Object.values(doc.sessions)) {
      if (own(this.doc.sessions, s.id) || !own(this.doc.users, s.user_id)) continue
      this.doc.sessions[s.id] = copy(s)
      counts.sessions += 1
    }
    return counts
  }
}

/** A store with one user, for tests that need an owner for tasks and sessions. */
export function storeWithUser(userId = 'user-1'): MemoryStore {
  const store = new MemoryStore()
  store.doc.users[userId] = {
    id: userId,
    email: `${userId}@example.test`,
    password_hash: 'not-a-real-hash',
    created_at: new Date(0).toISOString(),
    next_task_id: 1,
  }
  store.doc.user_ids_by_email[`${userId}@example.test`] = userId
  return store
}

/** Operations a failing store keeps answering: its lifecycle, so tests can open and close it. */
const lifecycle = new Set<PropertyKey>(['open', 'close', 'check'])

/**
 * A MemoryStore that works until `failWith` is set, then rejects every data operation with that error, as a
 * store whose database broke would (for the error-body and log-redaction tests).
 */
export class FailingStore extends MemoryStore {
  failWith: Error | undefined
  constructor() {
    super()
    return new Proxy(this, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver)
        if (typeof value !== 'function' || lifecycle.has(key) || !target.failWith) return value
        const error = target.failWith
        return async () => {
          throw error
        }
      },
    })
  }
}
