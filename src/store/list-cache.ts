// Recently built task lists (JSON text) per user and filter. Correctness does not depend on timing:
//  - SQLite: a user re-reading an unchanged list costs a map lookup; the store drops a user's entries when it
//    writes that user's tasks, and everything when another process may have written (data_version changed);
//  - PostgreSQL: an entry carries the user's tasks_version it was built at, and is served only when the
//    database says the version has not moved (the list itself is then neither built nor sent).
// Bounded by total size: the oldest users' entries go first.

/** Characters of JSON kept at most (~2 bytes each in memory). */
export const LIST_CACHE_MAX_CHARS = 4_000_000

export class ListCache<V = string> {
  private readonly byUser = new Map<string, Map<string, V>>()
  private chars = 0
  private readonly size: (value: V) => number
  private readonly maxChars: number

  constructor(size: (value: V) => number = (v) => String(v).length, maxChars = LIST_CACHE_MAX_CHARS) {
    this.size = size
    this.maxChars = maxChars
  }

  get(userId: string, key: string): V | undefined {
    return this.byUser.get(userId)?.get(key)
  }

  set(userId: string, key: string, value: V): void {
    const chars = this.size(value)
    if (chars > this.maxChars / 10) return // one huge list would push everyone else out
    let lists = this.byUser.get(userId)
    if (!lists) this.byUser.set(userId, (lists = new Map()))
    const old = lists.get(key)
    this.chars += chars - (old === undefined ? 0 : this.size(old))
    lists.set(key, value)
    for (const [oldest] of this.byUser) {
      if (this.chars <= this.maxChars) break
      this.forget(oldest)
    }
  }

  forget(userId: string): void {
    const lists = this.byUser.get(userId)
    if (!lists) return
    for (const value of lists.values()) this.chars -= this.size(value)
    this.byUser.delete(userId)
  }

  clear(): void {
    this.byUser.clear()
    this.chars = 0
  }
}
