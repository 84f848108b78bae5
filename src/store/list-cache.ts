// Recently built task lists (JSON text) per user and filter, so a user re-reading an unchanged list costs a
// map lookup instead of a query. Correctness does not depend on timing: the store drops a user's entries when
// it writes that user's tasks, and everything when another process may have written (SQLite's data_version
// changed). Bounded by total size: the oldest entries go first.

/** Characters of JSON kept at most (~2 bytes each in memory). */
export const LIST_CACHE_MAX_CHARS = 4_000_000

export class ListCache {
  private readonly byUser = new Map<string, Map<string, string>>()
  private chars = 0
  private readonly maxChars: number

  constructor(maxChars = LIST_CACHE_MAX_CHARS) {
    this.maxChars = maxChars
  }

  get(userId: string, key: string): string | undefined {
    return this.byUser.get(userId)?.get(key)
  }

  set(userId: string, key: string, json: string): void {
    if (json.length > this.maxChars / 10) return // one huge list would push everyone else out
    let lists = this.byUser.get(userId)
    if (!lists) this.byUser.set(userId, (lists = new Map()))
    this.chars += json.length - (lists.get(key)?.length ?? 0)
    lists.set(key, json)
    for (const [oldest] of this.byUser) {
      if (this.chars <= this.maxChars) break
      this.forget(oldest)
    }
  }

  forget(userId: string): void {
    const lists = this.byUser.get(userId)
    if (!lists) return
    for (const json of lists.values()) this.chars -= json.length
    this.byUser.delete(userId)
  }

  clear(): void {
    this.byUser.clear()
    this.chars = 0
  }
}
