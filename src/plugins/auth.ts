// Bearer-token authentication (fastify-plugin, on the root instance): declares `request.userId` and provides
// `app.authenticate`, the onRequest hook that app.ts adds to the one scope holding the task and session routes;
// every route inside it can rely on `request.userId`.

import type { FastifyInstance, FastifyRequest, onRequestHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import { AppError } from '../errors.ts'
import type { Tokens } from '../auth/tokens.ts'
import type { UserExists } from '../auth/known-users.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated user (set by `authenticate`; '' outside the authenticated scope). */
    userId: string
  }
  interface FastifyInstance {
    /** onRequest hook: a valid bearer token of a known user, else 401. */
    authenticate: onRequestHookHandler
  }
}

interface AuthOptions {
  tokens: Tokens
  userExists: UserExists
}

const unauthorized = (message: string) =>
  new AppError(401, 'UNAUTHORIZED', message, { 'WWW-Authenticate': 'Bearer' })

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization
  if (typeof header !== 'string') return undefined
  const match = /^Bearer +([A-Za-z0-9._~+/=-]+) *$/i.exec(header)
  return match?.[1]
}

async function auth(app: FastifyInstance, opts: AuthOptions): Promise<void> {
  const { tokens, userExists } = opts
  app.decorateRequest('userId', '')
  app.decorate('authenticate', async function authenticate(request: FastifyRequest) {
    const token = bearerToken(request)
    if (!token) throw unauthorized('Missing bearer token: send "Authorization: Bearer <token>"')
    const userId = tokens.verify(token)
    if (!userId) throw unauthorized('Invalid or expired token')
    // A valid signature for a user the store does not know is no identity (the same 401, nothing revealed).
    if (!(await userExists(userId))) throw unauthorized('Invalid or expired token')
    request.userId = userId
  })
}

// Its 401s are AppErrors that the errors plugin renders.
export default fp(auth, { name: 'auth', fastify: '5.x', dependencies: ['errors'] })
