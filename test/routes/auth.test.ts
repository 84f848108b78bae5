import { createSigner } from 'fast-jwt'
import t from 'tap'
import { errorCode, signup, TEST_JWT_SECRET, testApp } from '../app/helpers.ts'

const password = 'correct horse battery'

t.test('signup returns a user id and a token that opens the task routes', async (t) => {
  const { app, store } = await testApp(t)
  const res = await app.inject({ method: 'POST', url: '/auth/signup', payload: { email: 'Alice@Example.test', password } })
  t.equal(res.statusCode, 201)
  const body = res.json()
  t.same(Object.keys(body).sort(), ['token', 'user_id'])
  const user = store.doc.users[body.user_id]
  t.equal(user.email, 'alice@example.test', 'email stored lower-cased')
  t.match(user.password_hash, /^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/, 'scrypt hash with its parameters')
  t.notMatch(JSON.stringify(store.doc), password, 'the password itself is stored nowhere')
  const tasks = await app.inject({ url: '/tasks', headers: { authorization: `Bearer ${body.token}` } })
  t.equal(tasks.statusCode, 200)
  t.same(tasks.json(), { tasks: [] })
})

t.test('a second signup with the same email (any case) is a 409', async (t) => {
  const { app } = await testApp(t)
  await signup(app, 'bob@example.test')
  const res = await app.inject({ method: 'POST', url: '/auth/signup', payload: { email: 'BOB@example.test', password } })
  t.equal(res.statusCode, 409)
  t.equal(errorCode(res), 'EMAIL_EXISTS')
})

t.test('login', async (t) => {
  const { app } = await testApp(t)
  const { userId } = await signup(app, 'carol@example.test', password)

  const ok = await app.inject({ method: 'POST', url: '/auth/login', payload: { email: 'CAROL@example.test', password } })
  t.equal(ok.statusCode, 200)
  t.equal(ok.json().user_id, userId)
  const me = await app.inject({ url: '/tasks', headers: { authorization: `Bearer ${ok.json().token}` } })
  t.equal(me.statusCode, 200, 'the login token works')

  const wrong = await app.inject({ method: 'POST', url: '/auth/login', payload: { email: 'carol@example.test', password: 'wrong password' } })
  const unknown = await app.inject({ method: 'POST', url: '/auth/login', payload: { email: 'nobody@example.test', password } })
  t.equal(wrong.statusCode, 401)
  t.equal(unknown.statusCode, 401)
  t.equal(errorCode(wrong), 'INVALID_CREDENTIALS')
  t.equal(wrong.json().error.message, unknown.json().error.message, 'unknown email and wrong password look the same')
})

t.test('bad signup and login input is a 400', async (t) => {
  const { app } = await testApp(t)
  const bodies = [
    {},
    { email: 'a@b.co' },
    { email: 'not-an-email', password },
    { email: 'a@b.co', password: 'short' },
    { email: 'a@b.co', password: 'x'.repeat(257) },
    { email: 'a@b.co', password, admin: true },
    { email: 42, password },
    { email: 'a@b.co', password: ['array', 'of', 'strings'] },
    { email: `${'a'.repeat(250)}@b.co`, password },
  ]
  for (const url of ['/auth/signup', '/auth/login']) {
    for (const payload of bodies) {
      const res = await app.inject({ method: 'POST', url, payload })
      t.equal(res.statusCode, 400, `${url} ${JSON.stringify(payload).slice(0, 60)}`)
      t.equal(errorCode(res), 'VALIDATION_ERROR')
    }
  }
})

t.test('task routes need a valid, unexpired token', async (t) => {
  const { app } = await testApp(t)
  const { userId, token } = await signup(app)
  const now = Date.now()
  const payload = { sub: userId }
  const expired = createSigner({ key: TEST_JWT_SECRET, expiresIn: 60_000, clockTimestamp: now - 120_000 })(payload)
  const otherKey = createSigner({ key: 'another-secret-not-real-0123456789abcdef', expiresIn: 60_000 })(payload)
  const noExpiry = createSigner({ key: TEST_JWT_SECRET })(payload)
  const unsigned = createSigner({ algorithm: 'none', expiresIn: 60_000 })(payload)
  const tampered = token.slice(0, -3) + (token.endsWith('AAA') ? 'BBB' : 'AAA')

  const cases: [string, Record<string, string>][] = [
    ['no header', {}],
    ['not bearer', { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }],
    ['empty bearer', { authorization: 'Bearer ' }],
    ['garbage', { authorization: 'Bearer not.a.jwt' }],
    ['expired', { authorization: `Bearer ${expired}` }],
    ['signed with another key', { authorization: `Bearer ${otherKey}` }],
    ['no expiry', { authorization: `Bearer ${noExpiry}` }],
    ['alg none', { authorization: `Bearer ${unsigned}` }],
    ['tampered signature', { authorization: `Bearer ${tampered}` }],
  ]
  for (const [name, headers] of cases) {
    for (const [method, url] of [['GET', '/tasks'], ['POST', '/tasks'], ['GET', '/tasks/1'], ['POST', '/sessions']] as const) {
      const res = await app.inject({ method, url, headers, payload: method === 'POST' ? { title: 'x' } : undefined })
      t.equal(res.statusCode, 401, `${name}: ${method} ${url}`)
      t.equal(errorCode(res), 'UNAUTHORIZED')
      t.equal(res.headers['www-authenticate'], 'Bearer')
    }
  }
  const ok = await app.inject({ url: '/tasks', headers: { authorization: `bearer ${token}` } })
  t.equal(ok.statusCode, 200, 'the scheme name is case-insensitive')
})
