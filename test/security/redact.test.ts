// Issue 13, finding 4 (defence in depth): credentials are scrubbed from free text, and every log line is
// scrubbed of the configured secret values, whatever code path logged them.

import { randomBytes } from 'node:crypto'
import t from 'tap'
import { createRedactor, truncate } from '../../src/redact.ts'
import { TEST_JWT_SECRET, errorCode, signup, testApp } from '../app/helpers.ts'
import { FailingStore } from '../helpers/memory-store.ts'

t.test('credential shapes and known values are replaced', async (t) => {
  const known = `known-${randomBytes(12).toString('hex')}`
  const apiKey = `sk-${randomBytes(16).toString('hex')}`
  const jwt = `eyJ${randomBytes(9).toString('base64url')}.${randomBytes(12).toString('base64url')}.${randomBytes(12).toString('base64url')}`
  const redact = createRedactor([known, 'short'])
  const out = redact(`Incorrect API key provided: Bearer ${apiKey}; auth=Basic ${randomBytes(8).toString('base64')}; ${known}; ${JSON.stringify({ api_key: 'abcdef12' })}; token=${jwt}; ${jwt}; password: hunter22`)
  for (const secret of [known, apiKey, jwt, 'abcdef12', 'hunter22']) t.notOk(out.includes(secret), `${secret.slice(0, 6)}… is gone`)
  t.match(out, /Bearer \[REDACTED\]/)
  t.match(out, /"api_key":"\[REDACTED\]"/)
  t.equal(redact('a short value stays: short'), 'a short value stays: short', 'values under 8 characters are not searched')
  t.equal(redact('GET /tasks?status=pending 200'), 'GET /tasks?status=pending 200', 'ordinary text is untouched')
  t.equal(truncate('x'.repeat(10), 4), 'xxxx… (6 more characters)')
})

t.test('an exception that quotes a configured secret is logged without it', async (t) => {
  const store = new FailingStore()
  const { app, logText } = await testApp(t, {}, { store })
  const user = await signup(app)
  store.failWith = new Error(`could not connect to postgres://todo:${TEST_JWT_SECRET}@db:5432/todo (Authorization: Bearer ${user.token})`)
  const res = await app.inject({ url: '/tasks', headers: user.auth })
  t.equal(res.statusCode, 500)
  t.equal(errorCode(res), 'INTERNAL_ERROR')
  t.match(logText(), /could not connect to postgres:\/\/todo:\[REDACTED\]@db/, 'the error is logged')
  t.notOk(logText().includes(TEST_JWT_SECRET), 'without the secret')
  t.notOk(logText().includes(user.token), 'without the token')
})
