// POST /auth/signup and POST /auth/login: email + password -> {user_id, token}.
// Login answers the same 401 for an unknown email and a wrong password, and spends the same scrypt time.

import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { PASSWORD_MAX, PASSWORD_MIN, commonPasswords, passwordProblem } from '../auth/password-policy.ts'
import { decoyHash, hashPassword, verifyPassword } from '../auth/passwords.ts'
import type { Tokens } from '../auth/tokens.ts'
import { AppError, validationError } from '../errors.ts'
import type { Store } from '../store/types.ts'
import { errorResponses } from '../plugins/errors.ts'

export { PASSWORD_MAX, PASSWORD_MIN } from '../auth/password-policy.ts'

const credentials = {
  type: 'object',
  additionalProperties: false,
  required: ['email', 'password'],
  properties: {
    // Deliberately loose (something@something.tld): the mailbox is never contacted.
    email: { type: 'string', maxLength: 254, pattern: '^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$' },
    password: { type: 'string', minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX },
  },
} as const

const session = {
  type: 'object',
  additionalProperties: false,
  required: ['user_id', 'token'],
  properties: { user_id: { type: 'string' }, token: { type: 'string' } },
} as const

interface Credentials {
  email: string
  password: string
}

export default async function authRoutes(app: FastifyInstance, opts: { store: Store; tokens: Tokens; clock: () => Date }) {
  const { store, tokens, clock } = opts
  // Load the common-passwords list once the app is ready, in the background: not on the start-up path, and
  // usually not on the first signup's either.
  app.addHook('onReady', async () => {
    setImmediate(() => void commonPasswords())
  })

  app.post<{ Body: Credentials }>(
    '/auth/signup',
    { schema: { body: credentials, response: { 201: session, ...errorResponses(400, 409, 413, 415, 429) } } },
    async (request, reply) => {
      const email = request.body.email.toLowerCase()
      // Checked before any hashing: a refused password costs no scrypt time.
      const problem = await passwordProblem(request.body.password, email)
      if (problem) throw validationError(`body.password ${problem}`)
      const passwordHash = await hashPassword(request.body.password)
      const userId = randomUUID()
      const created = await store.createUser({ id: userId, email, password_hash: passwordHash, created_at: clock().toISOString() })
      if (!created) throw new AppError(409, 'EMAIL_EXISTS', 'An account with this email already exists')
      request.log.info({ user_id: userId }, 'user signed up')
      return reply.code(201).send({ user_id: userId, token: tokens.sign(userId) })
    },
  )

  app.post<{ Body: Credentials }>(
    '/auth/login',
    { schema: { body: credentials, response: { 200: session, ...errorResponses(400, 401, 413, 415, 429) } } },
    async (request) => {
      const email = request.body.email.toLowerCase()
      const user = await store.findUserByEmail(email)
      const ok = await verifyPassword(request.body.password, user?.password_hash ?? (await decoyHash()))
      if (!user || !ok) throw new AppError(401, 'INVALID_CREDENTIALS', 'Email or password is wrong')
      request.log.info({ user_id: user.id }, 'user logged in')
      return { user_id: user.id, token: tokens.sign(user.id) }
    },
  )
}
