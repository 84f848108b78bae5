// Verified tokens are remembered per process so that a client's repeated requests skip the signature check
// (src/auth/tokens.ts). Remembering must never widen what is accepted: expiry is checked on every request,
// and a token that failed once is checked again (never remembered as valid).

import { randomBytes } from 'node:crypto'
import t from 'tap'
import { createTokens } from '../../src/auth/tokens.ts'

const newKey = () => randomBytes(48).toString('base64')

t.test('a remembered token still expires at its exp', async (t) => {
  const realNow = Date.now
  t.teardown(() => (Date.now = realNow))
  const start = realNow()
  Date.now = () => start
  const tokens = createTokens(newKey(), 60)
  const token = tokens.sign('user-1')
  t.equal(tokens.verify(token), 'user-1', 'checked and remembered')
  t.equal(tokens.verify(token), 'user-1', 'answered from memory')
  const exp = (JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { exp: number }).exp
  Date.now = () => exp * 1000
  t.equal(tokens.verify(token), 'user-1', 'valid up to exp itself, as the signature check says')
  Date.now = () => exp * 1000 + 1
  t.equal(tokens.verify(token), null, 'expired: refused although it was remembered')
})

t.test('a token that failed is not remembered, and a tampered copy of a remembered one is refused', async (t) => {
  const tokens = createTokens(newKey())
  const other = createTokens(newKey())
  const foreign = other.sign('user-1')
  t.equal(tokens.verify(foreign), null)
  t.equal(tokens.verify(foreign), null, 'still refused the second time')
  const token = tokens.sign('user-2')
  t.equal(tokens.verify(token), 'user-2')
  const [head, , signature] = token.split('.')
  const forgedPayload = Buffer.from(JSON.stringify({ sub: 'user-3', exp: Math.floor(Date.now() / 1000) + 60 })).toString('base64url')
  t.equal(tokens.verify(`${head}.${forgedPayload}.${signature}`), null, 'another payload with the remembered signature')
})

t.test('more tokens than are remembered: each still verifies', async (t) => {
  const tokens = createTokens(newKey())
  const all = Array.from({ length: 1500 }, (_, i) => tokens.sign(`user-${i}`))
  const answers = all.map((token) => tokens.verify(token))
  t.same(answers, all.map((_, i) => `user-${i}`))
  t.equal(tokens.verify(all[0]), 'user-0', 'a token pushed out of memory is verified again, not refused')
})
