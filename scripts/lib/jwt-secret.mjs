// The service's rule for its JWT signing secret, checked before a value is sealed or put in a cluster,
// so a short secret fails here with a clear message instead of as a crash-looping pod.

/** Mirrors src/config.ts (JWT_SECRET_MIN_BYTES): the service refuses to start with a shorter JWT_SECRET. */
export const JWT_SECRET_MIN_BYTES = 32

/** What is wrong with a JWT secret from `source`, or undefined when it is long enough. Never shows the value. */
export function jwtSecretProblem(value, source) {
  const bytes = Buffer.byteLength(value, 'utf8')
  if (bytes >= JWT_SECRET_MIN_BYTES) return undefined
  return `${source}: the JWT secret (JWT_SECRET, key jwt-secret) is ${bytes} bytes; it must be at least ${JWT_SECRET_MIN_BYTES} bytes ` +
    '(e.g. openssl rand -base64 48)'
}
