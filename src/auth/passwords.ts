// Password hashing with Node's scrypt. The stored form carries its parameters and salt, so they can be
// raised later without breaking existing hashes: "scrypt$<N>$<r>$<p>$<salt b64>$<hash b64>".
//
// scrypt runs on libuv's thread pool (4 threads), which file I/O and DNS share, and costs a core for tens of
// ms. Unbounded, a burst of logins took every thread and core and everyone's writes waited seconds behind
// it. So at most HASH_CONCURRENCY hashes run at once, at most HASH_QUEUE_MAX wait, and beyond that a sign-in
// is refused at once with 503 OVERLOADED + Retry-After: the burst waits, normal traffic does not.

import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto'
import PQueue from 'p-queue'
import { AppError } from '../errors.ts'

/** Hashes running at once: half the thread pool, and a core left for the event loop on a 2-CPU pod. */
export const HASH_CONCURRENCY = 2
/** Hashes waiting at most; with tens of ms per hash the last one waits a few hundred ms. */
export const HASH_QUEUE_MAX = 8
export const HASH_RETRY_AFTER_SECONDS = 1

const queue = new PQueue({ concurrency: HASH_CONCURRENCY })

/** Running and waiting hashes (for tests and the benchmark). */
export function hashingLoad(): { running: number; waiting: number } {
  return { running: queue.pending, waiting: queue.size }
}

function limited<T>(task: () => Promise<T>): Promise<T> {
  if (queue.size >= HASH_QUEUE_MAX) {
    return Promise.reject(
      new AppError(503, 'OVERLOADED', 'Too many sign-ins in progress', { 'Retry-After': String(HASH_RETRY_AFTER_SECONDS) }, { pressure: 'passwordHashing', waiting: queue.size }),
    )
  }
  return queue.add(task)
}

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

export function hashPassword(password: string): Promise<string> {
  return limited(() => hashNow(password))
}

async function hashNow(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES)
  const key = await derive(password, salt, PARAMS, KEY_LENGTH)
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64'), key.toString('base64')].join('$')
}

/** Constant-time comparison; a malformed stored hash simply does not match. */
export function verifyPassword(password: string, stored: string): Promise<boolean> {
  return limited(() => verifyNow(password, stored))
}

async function verifyNow(password: string, stored: string): Promise<boolean> {
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
  decoy ??= hashNow(randomBytes(16).toString('hex')) // once per process, outside the queue (never refused)
  return decoy
}
