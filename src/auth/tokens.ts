// Bearer tokens: HS256 JWTs (fast-jwt) whose `sub` is the user id, with an expiry. No clock tolerance.
// Key rotation without logging anyone out: tokens are signed with the current key (JWT_SECRET) and carry its
// key id (`kid` header, a short hash of the key, never the key); they are verified with the key their `kid`
// names, the current or the previous one (JWT_SECRET_PREVIOUS). A token of any other key is refused.

import { createHash, randomBytes } from 'node:crypto'
import { createDecoder, createSigner, createVerifier } from 'fast-jwt'

export const TOKEN_TTL_SECONDS = 24 * 60 * 60

export interface Tokens {
  sign(userId: string): string
  /** The user id of a valid, unexpired token; null for anything else (never throws). */
  verify(token: string): string | null
  /** True when the secret was generated for this process only (JWT_SECRET unset). */
  ephemeral: boolean
  /** The key id of the signing key. */
  currentKeyId: string
}

/** A key's id: 12 hex digits of a domain-separated SHA-256. Names the key without revealing anything usable. */
export function keyId(key: string): string {
  return createHash('sha256').update(`todo-app jwt key id\0${key}`).digest('hex').slice(0, 12)
}

export interface TokenKeys {
  /** Signs and verifies; undefined = a random key for this process. */
  current: string | undefined
  /** Verifies only: the key before the last rotation. */
  previous?: string
}

type Verify = (token: string) => unknown

/** Tokens remembered after a successful verification (one per active client is the common case). */
const VERIFIED_MAX = 1000

function verifierFor(key: string): Verify {
  return createVerifier({
    key,
    algorithms: ['HS256'],
    clockTolerance: 0,
    requiredClaims: ['sub', 'exp'],
  })
}

export function createTokens(keys: TokenKeys | string | undefined, ttlSeconds = TOKEN_TTL_SECONDS): Tokens {
  const { current, previous } = typeof keys === 'object' ? keys : { current: keys, previous: undefined }
  const key = current ?? randomBytes(48).toString('base64')
  const kid = keyId(key)
  const signer = createSigner({ key, algorithm: 'HS256', expiresIn: ttlSeconds * 1000, kid })
  const verifiers = new Map<string, Verify>([[kid, verifierFor(key)]])
  if (previous) verifiers.set(keyId(previous), verifierFor(previous))
  const decodeHeader = createDecoder({ complete: true })

  /** The verifiers to try: the one the token's `kid` names; for a token from before key ids, every known key. */
  function verifiersOf(token: string): Verify[] {
    const { header } = decodeHeader(token) as { header?: { kid?: unknown } }
    const tokenKid = header?.kid
    if (tokenKid === undefined) return [...verifiers.values()]
    const named = typeof tokenKid === 'string' ? verifiers.get(tokenKid) : undefined
    return named ? [named] : []
  }

  // A client sends the same token with every request: once verified, the exact token string maps to its user
  // until it expires (no header decode, hash or HMAC again). Bounded: the oldest entry goes first. Keys are
  // only ever compared as whole strings (a Map, no object indexed by them).
  const verified = new Map<string, { sub: string; expiresAtMs: number }>()

  return {
    ephemeral: current === undefined,
    currentKeyId: kid,
    sign: (userId) => signer({ sub: userId }),
    verify(token) {
      const known = verified.get(token)
      if (known) {
        if (Date.now() < known.expiresAtMs) return known.sub // never later than fast-jwt's own expiry check
        verified.delete(token)
        return null
      }
      let candidates: Verify[]
      try {
        candidates = verifiersOf(token)
      } catch {
        return null // not a JWT at all
      }
      for (const verify of candidates) {
        try {
          const { sub, exp } = verify(token) as { sub?: unknown; exp?: unknown }
          if (typeof sub !== 'string' || sub.length === 0) return null
          if (typeof exp === 'number') {
            if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value as string)
            verified.set(token, { sub, expiresAtMs: exp * 1000 })
          }
          return sub
        } catch {
          // wrong key, expired, malformed: try the next candidate, if any
        }
      }
      return null
    },
  }
}
