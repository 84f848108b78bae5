// Bearer tokens: HS256 JWTs (fast-jwt) whose `sub` is the user id, with an expiry. No clock tolerance.

import { randomBytes } from 'node:crypto'
import { createSigner, createVerifier } from 'fast-jwt'

export const TOKEN_TTL_SECONDS = 24 * 60 * 60

export interface Tokens {
  sign(userId: string): string
  /** The user id of a valid, unexpired token; null for anything else (never throws). */
  verify(token: string): string | null
  /** True when the secret was generated for this process only (JWT_SECRET unset). */
  ephemeral: boolean
}

export function createTokens(secret: string | undefined, ttlSeconds = TOKEN_TTL_SECONDS): Tokens {
  const key = secret ?? randomBytes(48).toString('base64')
  const signer = createSigner({ key, algorithm: 'HS256', expiresIn: ttlSeconds * 1000 })
  const verifier = createVerifier({
    key,
    algorithms: ['HS256'],
    clockTolerance: 0,
    requiredClaims: ['sub', 'exp'],
    cache: 1000, // repeated requests with one token skip the HMAC; expiry is still checked
  })
  return {
    ephemeral: secret === undefined,
    sign: (userId) => signer({ sub: userId }),
    verify(token) {
      try {
        const { sub } = verifier(token) as { sub?: unknown }
        return typeof sub === 'string' && sub.length > 0 ? sub : null
      } catch {
        return null
      }
    },
  }
}
