// The service's rule for its JWT signing secret, checked before a value is sealed or put in a cluster,
// so a short secret fails here with a clear message instead of as a crash-looping pod.

import { JWT_SECRET_MIN_BYTES, SECRET_KEYS } from '../../src/contract.ts'

/** What is wrong with a JWT secret from `source`, or undefined when it is long enough. Never shows the value. */
export function jwtSecretProblem(value: string, source: string): string | undefined {
  const bytes = Buffer.byteLength(value, 'utf8')
  if (bytes >= JWT_SECRET_MIN_BYTES) return undefined
  return `${source}: the JWT secret (JWT_SECRET, key ${SECRET_KEYS.jwtSecret}) is ${bytes} bytes; it must be at least ${JWT_SECRET_MIN_BYTES} bytes ` +
    '(e.g. openssl rand -base64 48)'
}
