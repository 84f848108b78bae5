// The JSON schemas of POST /auth/signup and /auth/login; the request type is derived from them.

import type { FromSchema } from 'json-schema-to-ts'
import { EMAIL_MAX, EMAIL_PATTERN, PASSWORD_MAX, PASSWORD_MIN } from '../auth/credential-rules.ts'

export const credentialsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['email', 'password'],
  properties: {
    email: { type: 'string', maxLength: EMAIL_MAX, pattern: EMAIL_PATTERN },
    password: { type: 'string', minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX },
  },
} as const

/** What signup and login answer: the user and a bearer token for them. */
export const signedInSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['user_id', 'token'],
  properties: { user_id: { type: 'string' }, token: { type: 'string' } },
} as const

export type Credentials = FromSchema<typeof credentialsSchema>
