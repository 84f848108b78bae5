// POST /auth/signup and POST /auth/login: email + password -> {user_id, token}. The account rules are
// src/users/users.ts; this file maps them to HTTP.

import type { FastifyPluginAsyncJsonSchemaToTs } from '@fastify/type-provider-json-schema-to-ts'
import type { Tokens } from '../auth/tokens.ts'
import { errorResponses } from '../plugins/errors.ts'
import type { Store } from '../store/types.ts'
import { credentialsSchema, signedInSchema } from '../users/schemas.ts'
import { createUsers } from '../users/users.ts'

interface AuthRoutesOptions {
  store: Store
  tokens: Tokens
  clock: () => Date
}

const authRoutes: FastifyPluginAsyncJsonSchemaToTs<{ Options: AuthRoutesOptions }> = async (app, opts) => {
  const { tokens } = opts
  const users = createUsers(opts)
  // Load the common-passwords list once the app is ready, in the background: not on the start-up path, and
  // usually not on the first signup's either.
  app.addHook('onReady', async () => {
    setImmediate(() => void users.prepare())
  })

  app.post(
    '/auth/signup',
    { schema: { body: credentialsSchema, response: { 201: signedInSchema, ...errorResponses(400, 409, 413, 415, 429) } } },
    async (request, reply) => {
      const userId = await users.signUp(request.body)
      request.log.info({ user_id: userId }, 'user signed up')
      return reply.code(201).send({ user_id: userId, token: tokens.sign(userId) })
    },
  )

  app.post(
    '/auth/login',
    { schema: { body: credentialsSchema, response: { 200: signedInSchema, ...errorResponses(400, 401, 413, 415, 429) } } },
    async (request) => {
      const userId = await users.logIn(request.body)
      request.log.info({ user_id: userId }, 'user logged in')
      return { user_id: userId, token: tokens.sign(userId) }
    },
  )
}

export default authRoutes
