// Issue 15 (service side): JWT key rotation without logging anyone out. Tokens are signed with JWT_SECRET and
// carry its key id (`kid`, a short hash, never the key); JWT_SECRET_PREVIOUS still verifies the tokens it
// signed until they expire; a token of a retired key (two rotations ago) is refused.

import { randomBytes } from 'node:crypto'
import { createSigner } from 'fast-jwt'
import t from 'tap'
import { createTokens, keyId, TOKEN_TTL_SECONDS } from '../../src/auth/tokens.ts'
import { ConfigError, loadConfig } from '../../src/config.ts'
import { JWT_SECRET_MIN_BYTES } from '../../src/contract.ts'
import { errorCode, signup, testApp } from '../app/helpers.ts'
import { MemoryStore } from '../helpers/memory-store.ts'

/** A fresh key per run (never a real secret). */
const newKey = () => randomBytes(48).toString('base64')
const header = (token: string) => JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()) as Record<string, unknown>

t.test('a rotation keeps signed-in users; a second rotation retires the oldest key', async (t) => {
  const [k1, k2, k3] = [newKey(), newKey(), newKey()]
  const store = new MemoryStore() // the replicas share the store; each "deployment" is one app
  const before = await testApp(t, { JWT_SECRET: k1 }, { store })
  const user = await signup(before.app, 'rotating@example.test')
  t.equal(header(user.token).kid, keyId(k1), 'the token names its key')
  t.not(header(user.token).kid, k1)
  t.notOk(user.token.includes(k1.slice(0, 12)), 'the key itself is nowhere in the token')

  const rotated = await testApp(t, { JWT_SECRET: k2, JWT_SECRET_PREVIOUS: k1 }, { store })
  t.equal((await rotated.app.inject({ url: '/tasks', headers: user.auth })).statusCode, 200, 'a token from before the rotation still works')
  const login = await rotated.app.inject({ method: 'POST', url: '/auth/login', payload: { email: 'rotating@example.test', password: 'correct horse battery' } })
  const fresh = login.json().token as string
  t.equal(header(fresh).kid, keyId(k2), 'new tokens are signed with the new key')
  t.equal((await before.app.inject({ url: '/tasks', headers: { authorization: `Bearer ${fresh}` } })).statusCode, 401, 'an old replica cannot verify them (roll out before relying on the new key)')

  const retiredOnce = await testApp(t, { JWT_SECRET: k3, JWT_SECRET_PREVIOUS: k2 }, { store })
  const old = await retiredOnce.app.inject({ url: '/tasks', headers: user.auth })
  t.equal(old.statusCode, 401, 'a token of the retired key is refused')
  t.equal(errorCode(old), 'UNAUTHORIZED')
  t.equal((await retiredOnce.app.inject({ url: '/tasks', headers: { authorization: `Bearer ${fresh}` } })).statusCode, 200, 'the previous key\'s tokens work')
})

t.test('a token of the previous key works until it expires, and not after', async (t) => {
  const [previous, current] = [newKey(), newKey()]
  const tokens = createTokens({ current, previous })
  const now = Date.now()
  const signedBy = (key: string, at: number, kid: string | undefined = keyId(key)) =>
    createSigner({ key, algorithm: 'HS256', expiresIn: TOKEN_TTL_SECONDS * 1000, clockTimestamp: at, ...(kid ? { kid } : {}) })({ sub: 'user-1' })
  t.equal(tokens.verify(signedBy(previous, now - 60_000)), 'user-1', 'signed a minute ago with the previous key: accepted')
  t.equal(tokens.verify(signedBy(previous, now - (TOKEN_TTL_SECONDS + 1) * 1000)), null, 'past its expiry: refused')
  t.equal(tokens.verify(signedBy(current, now - 60_000)), 'user-1', 'the current key: accepted')
  t.equal(tokens.verify(signedBy(previous, now - 60_000, undefined)), 'user-1', 'a token from before key ids (no kid) is tried with both keys')
})

t.test('forged and foreign tokens are refused', async (t) => {
  const [previous, current, attacker] = [newKey(), newKey(), newKey()]
  const tokens = createTokens({ current, previous })
  const sign = (key: string, kid?: string, algorithm: 'HS256' | 'HS512' = 'HS256') =>
    createSigner({ key, algorithm, expiresIn: 60_000, ...(kid ? { kid } : {}) })({ sub: 'user-1' })
  t.equal(tokens.verify(sign(attacker, keyId(current))), null, 'a known kid does not make a foreign key valid')
  t.equal(tokens.verify(sign(attacker)), null, 'no kid, foreign key')
  t.equal(tokens.verify(sign(attacker, 'unknown-kid')), null, 'unknown kid')
  t.equal(tokens.verify(sign(current, keyId(current), 'HS512')), null, 'another algorithm')
  const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT', kid: keyId(current) })).toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'user-1', exp: 9e9 })).toString('base64url')}.`
  t.equal(tokens.verify(unsigned), null, 'alg none')
  t.equal(tokens.verify('not.a.jwt'), null, 'garbage')
})

t.test('JWT_SECRET_PREVIOUS is checked like JWT_SECRET, never echoed', async (t) => {
  const current = newKey()
  const short = 'p'.repeat(JWT_SECRET_MIN_BYTES - 1)
  t.throws(() => loadConfig({ JWT_SECRET: current, JWT_SECRET_PREVIOUS: short }), new ConfigError(`Invalid JWT_SECRET_PREVIOUS (value hidden, ${JWT_SECRET_MIN_BYTES - 1} bytes): must be at least ${JWT_SECRET_MIN_BYTES} bytes`))
  t.throws(() => loadConfig({ JWT_SECRET_PREVIOUS: current }), /JWT_SECRET_PREVIOUS .*needs JWT_SECRET/)
  t.throws(() => loadConfig({ JWT_SECRET: current, JWT_SECRET_PREVIOUS: current }), /JWT_SECRET_PREVIOUS .*must differ from JWT_SECRET/)
  for (const env of [{ JWT_SECRET: current, JWT_SECRET_PREVIOUS: short }, { JWT_SECRET_PREVIOUS: current }]) {
    try {
      loadConfig(env)
    } catch (err) {
      t.notOk((err as Error).message.includes(current) || (err as Error).message.includes(short), 'the value is not in the message')
    }
  }
  t.equal(loadConfig({ JWT_SECRET: current, JWT_SECRET_PREVIOUS: newKey() }).jwtSecret, current)
})

t.test('the start-up log names the key id and whether a previous key is set, never the keys', async (t) => {
  const [k1, k2] = [newKey(), newKey()]
  const { logLines, logText } = await testApp(t, { JWT_SECRET: k2, JWT_SECRET_PREVIOUS: k1 })
  const loaded = logLines().find((l) => l.message === 'configuration loaded') as { jwt_key_id?: string; config?: Record<string, unknown> }
  t.equal(loaded.jwt_key_id, keyId(k2))
  t.equal(loaded.config?.jwt_secret_previous_set, true)
  t.notOk(logText().includes(k1) || logText().includes(k2), 'no key in the log')
})

t.test('a token verified before stays refused once it expires (verified tokens are remembered, with their expiry)', async (t) => {
  const tokens = createTokens(newKey(), 2) // exp is whole seconds: 1–2 s from now
  const token = tokens.sign('user-1')
  t.equal(tokens.verify(token), 'user-1', 'valid: accepted')
  t.equal(tokens.verify(token), 'user-1', 'again (remembered): accepted')
  t.equal(tokens.verify(`${token.slice(0, -2)}xx`), null, 'another signature for the same claims: refused')
  await new Promise((resolve) => setTimeout(resolve, 2100))
  t.equal(tokens.verify(token), null, 'past its expiry: refused')
})
