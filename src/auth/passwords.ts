// Password hashing with Node's scrypt. The stored form carries its parameters and salt, so they can be
// raised later without breaking existing hashes: "scrypt$<N>$<r>$<p>$<salt b64>$<hash b64>".

import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto'

const PARAMS = { N: 16384, r: 8, p: 1 } // 16 MiB per hash, tens of ms: the usual interactive-login choice
const KEY_LENGTH = 64
const SALT_BYTES = 16

function derive(password: string, salt: Buffer, params: ScryptOptions, keyLength: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keyLength, { ...params, maxmem: 64 * 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    )
  })
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES)
  const key = await derive(password, salt, PARAMS, KEY_LENGTH)
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64'), key.toString('base64')].join('$')
}

/** Constant-time comparison; a malformed stored hash simply does not match. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, saltB64, hashB64] = stored.split('$')
  if (scheme !== 'scrypt' || !hashB64) return false
  const expected = Buffer.from(hashB64, 'base64')
  const params = { N: Number(n), r: Number(r), p: Number(p) }
  if (expected.length === 0 || !Object.values(params).every(Number.isSafeInteger)) return false
  const actual = await derive(password, Buffer.from(saltB64, 'base64'), params, expected.length)
  return timingSafeEqual(actual, expected)
}

/** A real hash of a random password: login for an unknown email verifies against it, so it costs the same time. */
let decoy: Promise<string> | undefined
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(16).toString('hex'))
  return decoy
}
