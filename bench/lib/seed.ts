// Seeding a store for the benchmark: other users' data (N users × 20 tasks) plus the users the load runs act
// as, written straight through the store's importAll (signing up 10,000 users over HTTP would take minutes of
// scrypt). The bench signs their tokens itself with the service's JWT secret.

import type { Store, StoreDocument, Task } from '../../src/store/types.ts'
import { TASK_COUNT, taskInput } from './fixtures.ts'

export const TASKS_PER_OTHER_USER = 20
export const READER = 'bench-reader'
export const WRITER_TASKS = 3
export const writerId = (i: number) => `bench-writer-${i}`

function task(id: number, now: string): Task {
  return { id, ...taskInput(id), priority: 'normal', completed: id % 3 === 0, due_date: null, created_at: now, updated_at: now, completed_at: id % 3 === 0 ? now : null }
}

/** The reader with TASK_COUNT tasks, `writers` users with WRITER_TASKS each, and `others` users with 20 tasks each. */
export function benchDocument(others: number, writers: number): StoreDocument {
  const now = new Date().toISOString()
  const doc: StoreDocument = { version: 1, users: {}, user_ids_by_email: {}, tasks: {}, sessions: {} }
  const add = (id: string, tasks: number) => {
    const email = `${id}@bench.test`
    doc.users[id] = { id, email, password_hash: 'not-a-real-hash', created_at: now, next_task_id: tasks + 1 }
    doc.user_ids_by_email[email] = id
    doc.tasks[id] = Array.from({ length: tasks }, (_, k) => task(k + 1, now))
  }
  add(READER, TASK_COUNT)
  for (let i = 0; i < writers; i++) add(writerId(i), WRITER_TASKS)
  for (let i = 0; i < others; i++) add(`other-${String(i).padStart(6, '0')}`, TASKS_PER_OTHER_USER)
  return doc
}

export async function seed(store: Store, others: number, writers: number): Promise<void> {
  await store.importAll(benchDocument(others, writers))
}
