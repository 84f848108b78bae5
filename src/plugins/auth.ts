// Bearer-token authentication for the task and session routes. app.ts adds `authenticate` as an onRequest
// hook of one encapsulated scope; every route inside it can rely on `request.userId`.

import type { FastifyRequest, onRequestHookHandler } from 'fastify'
import { AppError } from '../errors.ts'
import type { Tokens } from '../auth/tokens.ts'
import type { UserExists } from '../auth/known-users.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated user (set by `authenticate`; '' outside the authenticated scope). */
    userId: string
  }
}

const unauthorized = (message: string) =>
  new AppError(401, 'UNAUTHORIZED', message, { 'WWW-Authenticate': 'Bearer' })

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization
  if (typeof header !== 'string') return undefined
  const match = /^Bearer +([A-Za-z0-9._~+/=-]+) *$/i.exec(header)
  return match?.[1]
}

export function authenticate(tokens: Tokens, userExists: UserExists): onRequestHookHandler {
  return async function authenticateRequest(request) {
    const token = bearerToken(request)
    if (!token) throw unauthorized('Missing bearer token: send "Authorization: Bearer <token>"')
    const userId = tokens.verify(token)
    if (!userId) throw unauthorized('Invalid or expired token')
    // A valid signature for a user the store does not know is no identity (the same 401, nothing revealed).
    if (!(await userExists(userId))) throw unauthorized('Invalid or expired token')
    request.userId = userId
  }
}
