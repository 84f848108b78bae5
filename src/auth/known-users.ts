// "Does this user exist?" for every authenticated request: a token signed for a user the store does not know
// (deleted data, another environment's token, a forged-but-signed `sub`) is refused with 401 everywhere.
// Users are never deleted, so a user once found stays valid: positive answers are remembered (bounded),
// and a request costs a lookup only the first time a user is seen by this process.

import type { Store } from '../store/types.ts'

/** Users remembered per process; beyond it the oldest entry is forgotten (and looked up again if needed). */
export const KNOWN_USERS_MAX = 10_000

export type UserExists = (userId: string) => Promise<boolean>

export function knownUsers(store: Pick<Store, 'findUserById'>, max = KNOWN_USERS_MAX): UserExists {
  const known = new Set<string>()
  return async (userId) => {
    if (known.has(userId)) return true
    if (!(await store.findUserById(userId))) return false
    if (known.size >= max) known.delete(known.values().next().value as string)
    known.add(userId)
    return true
  }
}
