// An in-memory Store for unit tests of code above the storage layer (tasks, assistant, routes).
// Storage behaviour itself (locking, durability, several processes) is tested on the real file store.

import { emptyDocument, type Store, type StoreDocument } from '../../src/store/types.ts'

export class MemoryStore implements Store {
  doc: StoreDocument = emptyDocument()
  healthy = true
  async open(): Promise<void> {}
  async read<T>(fn: (doc: Readonly<StoreDocument>) => T): Promise<T> {
    return fn(this.doc)
  }
  async update<T>(fn: (doc: StoreDocument) => T): Promise<T> {
    const value = fn(this.doc)
    return value === undefined ? value : structuredClone(value) // detached, as the file store's results are
  }
  async check(): Promise<boolean> {
    return this.healthy
  }
  async close(): Promise<void> {}
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
