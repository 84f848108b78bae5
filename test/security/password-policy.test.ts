// Issue 13, finding 12: "        " (8 spaces) and "12345678" were accepted at signup. NIST SP 800-63B: at least
// 8 characters, not whitespace only, not on a list of commonly used passwords; the error names the rule.

import t from 'tap'
import { PASSWORD_MIN, passwordProblem } from '../../src/auth/password-policy.ts'
import { errorCode, testApp } from '../app/helpers.ts'

t.test('signup refuses each weak password with a 400 naming the rule, and stores nothing', async (t) => {
  const { app, store } = await testApp(t)
  const cases: [string, RegExp][] = [
    ['1234567', /at least 8 characters|fewer than 8 characters/],
    [' '.repeat(8), /whitespace only/],
    ['\t \u00a0\u2003    ', /whitespace only/],
    ['12345678', /commonly used/],
    ['password', /commonly used/],
    ['PassWord', /commonly used/],
    ['qwertyuiop', /commonly used/],
    ['iloveyou', /commonly used/],
    ['mallory@example.test', /email/],
  ]
  for (const [password, rule] of cases) {
    const res = await app.inject({ method: 'POST', url: '/auth/signup', payload: { email: 'mallory@example.test', password } })
    t.equal(res.statusCode, 400, JSON.stringify(password))
    t.equal(errorCode(res), 'VALIDATION_ERROR')
    t.match(res.json().error.message, /^body\.password /, 'names the field')
    t.match(res.json().error.message, rule, `says which rule: ${res.json().error.message}`)
  }
  t.same(store.doc.users, {}, 'no account was created')
})

t.test('long, spaced, Unicode passphrases are accepted (no composition rules)', async (t) => {
  const { app } = await testApp(t)
  for (const [i, password] of ['correct horse battery staple', '  leading and trailing  ', 'pâté à la crème brûlée', '日本語のパスワードです'].entries()) {
    const res = await app.inject({ method: 'POST', url: '/auth/signup', payload: { email: `ok${i}@example.test`, password } })
    t.equal(res.statusCode, 201, JSON.stringify(password))
  }
})

t.test('the policy counts characters, not bytes or UTF-16 units', async (t) => {
  t.equal(PASSWORD_MIN, 8)
  t.match(await passwordProblem('😀'.repeat(7), 'a@b.co'), /at least 8/, '7 emoji are 7 characters (14 UTF-16 units)')
  t.equal(await passwordProblem('😀'.repeat(8), 'a@b.co'), undefined)
})

t.test('login is not subject to the list (existing accounts keep working); a wrong password is still 401', async (t) => {
  const { app } = await testApp(t)
  const res = await app.inject({ method: 'POST', url: '/auth/login', payload: { email: 'nobody@example.test', password: '12345678' } })
  t.equal(res.statusCode, 401)
  t.equal(errorCode(res), 'INVALID_CREDENTIALS')
})
