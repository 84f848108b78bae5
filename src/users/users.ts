// Accounts: signing up and logging in, apart from HTTP (routes/auth.ts only maps them to requests).
// The password rules are src/auth/password-policy.ts, hashing and its bounded queue src/auth/passwords.ts.
// Login answers the same 401 for an unknown email and a wrong password, and spends the same scrypt time.

import { randomUUID } from 'node:crypto'
import { commonPasswords, passwordProblem } from '../auth/password-policy.ts'
import { decoyHash, hashPassword, verifyPassword } from '../auth/passwords.ts'
import { AppError, validationError } from '../errors.ts'
import type { Store } from '../store/types.ts'
import type { Credentials } from './schemas.ts'

export interface Users {
  /** Creates the account; its id. 400 for a refused password, 409 for a taken email. */
  signUp(credentials: Credentials): Promise<string>
  /** The account's id; 401 for an unknown email or a wrong password alike. */
  logIn(credentials: Credentials): Promise<string>
  /** Loads the common-passwords list ahead of the first signup. */
  prepare(): Promise<void>
}

/** Emails are compared without case: one account per mailbox. */
const normalizeEmail = (email: string) => email.toLowerCase()

export function createUsers(deps: { store: Store; clock: () => Date }): Users {
  const { store, clock } = deps
  return {
    async signUp({ email, password }) {
      const address = normalizeEmail(email)
      // Checked before any hashing: a refused password costs no scrypt time.
      const problem = await passwordProblem(password, address)
      if (problem) throw validationError(`body.password ${problem}`)
      const userId = randomUUID()
      const created = await store.createUser({ id: userId, email: address, password_hash: await hashPassword(password), created_at: clock().toISOString() })
      if (!created) throw new AppError(409, 'EMAIL_EXISTS', 'An account with this email already exists')
      return userId
    },

    async logIn({ email, password }) {
      const user = await store.findUserByEmail(normalizeEmail(email))
      const ok = await verifyPassword(password, user?.password_hash ?? (await decoyHash()))
      if (!user || !ok) throw new AppError(401, 'INVALID_CREDENTIALS', 'Email or password is wrong')
      return user.id
    },

    async prepare() {
      await commonPasswords()
    },
  }
}
