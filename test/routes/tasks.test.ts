import t from 'tap'
import { errorCode, signup, testApp } from '../app/helpers.ts'

const fixedClock = () => new Date('2026-03-01T12:00:00.000Z')

t.test('create, read, update, delete', async (t) => {
  const { app } = await testApp(t, {}, { clock: fixedClock })
  const { auth } = await signup(app)

  const created = await app.inject({
    method: 'POST',
    url: '/tasks',
    headers: auth,
    payload: { title: '  Buy milk  ', description: 'two litres', priority: 'high', due_date: '2026-03-02', tags: ['home', 'shop'] },
  })
  t.equal(created.statusCode, 201)
  t.same(created.json(), {
    id: 1,
    title: 'Buy milk',
    description: 'two litres',
    completed: false,
    priority: 'high',
    tags: ['home', 'shop'],
    due_date: '2026-03-02',
    created_at: '2026-03-01T12:00:00.000Z',
    updated_at: '2026-03-01T12:00:00.000Z',
    completed_at: null,
  })

  const got = await app.inject({ url: '/tasks/1', headers: auth })
  t.equal(got.statusCode, 200)
  t.equal(got.json().title, 'Buy milk')

  const patched = await app.inject({ method: 'PATCH', url: '/tasks/1', headers: auth, payload: { completed: true, tags: [] } })
  t.equal(patched.statusCode, 200)
  t.match(patched.json(), { id: 1, completed: true, completed_at: '2026-03-01T12:00:00.000Z', tags: [] })

  const deleted = await app.inject({ method: 'DELETE', url: '/tasks/1', headers: auth })
  t.equal(deleted.statusCode, 204)
  t.equal(deleted.body, '')
  const gone = await app.inject({ url: '/tasks/1', headers: auth })
  t.equal(gone.statusCode, 404)
  t.equal(errorCode(gone), 'TASK_NOT_FOUND')

  const next = await app.inject({ method: 'POST', url: '/tasks', headers: auth, payload: { title: 'next' } })
  t.equal(next.json().id, 2, 'ids are never reused')
  t.match(next.json(), { priority: 'normal', description: '', tags: [], due_date: null })
})

t.test('list filters: status, priority, tag, q', async (t) => {
  const { app } = await testApp(t)
  const { auth } = await signup(app)
  const add = (payload: object) => app.inject({ method: 'POST', url: '/tasks', headers: auth, payload })
  await add({ title: 'Buy milk', tags: ['home'], priority: 'high' })
  await add({ title: 'Write report', description: 'quarterly MILK numbers', tags: ['work'] })
  await add({ title: 'Call mom', tags: ['home', 'family'], priority: 'low' })
  await app.inject({ method: 'PATCH', url: '/tasks/3', headers: auth, payload: { completed: true } })

  const ids = async (query: string) => {
    const res = await app.inject({ url: `/tasks${query}`, headers: auth })
    t.equal(res.statusCode, 200, query)
    return (res.json().tasks as { id: number }[]).map((task) => task.id)
  }
  t.same(await ids(''), [1, 2, 3])
  t.same(await ids('?status=all'), [1, 2, 3])
  t.same(await ids('?status=pending'), [1, 2])
  t.same(await ids('?status=completed'), [3])
  t.same(await ids('?priority=high'), [1])
  t.same(await ids('?priority=normal'), [2])
  t.same(await ids('?tag=home'), [1, 3])
  t.same(await ids('?tag=home&status=pending'), [1])
  t.same(await ids('?q=milk'), [1, 2], 'q searches title and description, case-insensitively')
  t.same(await ids('?q=nothing-matches'), [])

  for (const query of ['?status=done', '?priority=urgent', '?tag=Home', '?tag=a%20b', '?color=red', '?status=pending&status=completed', `?q=${'x'.repeat(501)}`]) {
    const res = await app.inject({ url: `/tasks${query}`, headers: auth })
    t.equal(res.statusCode, 400, query)
    t.equal(errorCode(res), 'VALIDATION_ERROR')
  }
})

t.test("user A can never read, change or learn of user B's tasks", async (t) => {
  const { app } = await testApp(t)
  const a = await signup(app, 'a@example.test')
  const b = await signup(app, 'b@example.test')
  const bTask = (await app.inject({ method: 'POST', url: '/tasks', headers: b.auth, payload: { title: 'B secret' } })).json()
  t.equal(bTask.id, 1)

  const list = await app.inject({ url: '/tasks', headers: a.auth })
  t.same(list.json(), { tasks: [] }, "A's list has none of B's tasks")
  for (const [method, payload] of [['GET'], ['PATCH', { title: 'hacked' }], ['DELETE']] as const) {
    const res = await app.inject({ method, url: '/tasks/1', headers: a.auth, payload })
    t.equal(res.statusCode, 404, `${method} of B's task is a 404, not a 403`)
    t.same(res.json().error, { code: 'TASK_NOT_FOUND', message: 'Task 1 not found' }, 'same answer as a task that never existed')
  }
  const own = (await app.inject({ method: 'POST', url: '/tasks', headers: a.auth, payload: { title: 'A task' } })).json()
  t.equal(own.id, 1, "A's ids are A's own sequence")
  const still = await app.inject({ url: '/tasks/1', headers: b.auth })
  t.equal(still.json().title, 'B secret', "B's task is unchanged")
})

t.test('bad input never gives a 500: every case gets the contract error body and the right 4xx', async (t) => {
  const { app, logText } = await testApp(t, { BODY_LIMIT_BYTES: '4096' })
  const { auth } = await signup(app)
  await app.inject({ method: 'POST', url: '/tasks', headers: auth, payload: { title: 'exists' } })
  const json = { ...auth, 'content-type': 'application/json' }

  const cases: { name: string; method: 'GET' | 'POST' | 'PATCH' | 'DELETE'; url: string; headers?: Record<string, string>; body?: string; status: number; code: string }[] = [
    { name: 'malformed JSON', method: 'POST', url: '/tasks', body: '{"title": "x",', status: 400, code: 'INVALID_JSON' },
    { name: 'empty JSON body', method: 'POST', url: '/tasks', body: '', status: 400, code: 'INVALID_JSON' },
    { name: 'JSON null', method: 'POST', url: '/tasks', body: 'null', status: 400, code: 'VALIDATION_ERROR' },
    { name: 'JSON array', method: 'POST', url: '/tasks', body: '[{"title":"x"}]', status: 400, code: 'VALIDATION_ERROR' },
    { name: 'prototype pollution key', method: 'POST', url: '/tasks', body: '{"title":"x","__proto__":{"admin":true}}', status: 400, code: 'INVALID_JSON' },
    { name: 'missing title', method: 'POST', url: '/tasks', body: '{}', status: 400, code: 'VALIDATION_ERROR' },
    { name: 'title wrong type', method: 'POST', url: '/tasks', body: '{"title": 42}', status: 400, code: 'VALIDATION_ERROR' },
    { name: 'title null', method: 'POST', url: '/tasks', body: '{"title": null}', status: 400, code: 'VALIDATION_ERROR' },
    { name: 'blank title', method: 'POST', url: '/tasks', body: '{"title": "   "}', status: 400, code: 'VALIDATION_ERROR' },
    { name: 'huge title', method: 'POST', url: '/tasks', body: JSON.stringify({ title: 'x'.repeat(501) }), status: 400, code: 'VALIDATION_ERROR' },
    { name: 'unknown field', method: 'POST', url: '/tasks', body: '{"title": "x", "owner": "someone"}', status: 400, code: 'VALIDATION_ERROR' },
    { name: 'bad priority', method: 'POST', url: '/tasks', body: '{"title": "x", "priority": "urgent"}', status: 400, code: 'VALIDATION_ERROR' },
    { name: 'duplicate tags', method: 'POST', url: '/tasks', body: '{"title": "x", "tags": ["a", "a"]}', status: 400, code: 'VALIDATION_ERROR' },
    { name: 'upper-case tag', method: 'POST', url: '/tasks', body: '{"title": "x", "tags": ["Home"]}', status: 400, code: 'VALIDATION_ERROR' },
    { name: 'eleven tags', method: 'POST', url: '/tasks', body: JSON.stringify({ title: 'x', tags: 'abcdefghijk'.split('') }), status: 400, code: 'VALIDATION_ERROR' },
    { name: 'tags not an array', method: 'POST', url: '/tasks', body: '{"title": "x", "tags": "home"}', status: 400, code: 'VALIDATION_ERROR' },
    { name: 'impossible date', method: 'POST', url: '/tasks', body: '{"title": "x", "due_date": "2026-02-31"}', status: 400, code: 'VALIDATION_ERROR' },
    { name: 'date in words', method: 'POST', url: '/tasks', body: '{"title": "x", "due_date": "tomorrow"}', status: 400, code: 'VALIDATION_ERROR' },
    { name: 'completed as a string', method: 'PATCH', url: '/tasks/1', body: '{"completed": "true"}', status: 400, code: 'VALIDATION_ERROR' },
    { name: 'empty patch', method: 'PATCH', url: '/tasks/1', body: '{}', status: 400, code: 'VALIDATION_ERROR' },
    { name: 'patching the id', method: 'PATCH', url: '/tasks/1', body: '{"id": 7}', status: 400, code: 'VALIDATION_ERROR' },
    { name: 'body over the limit', method: 'POST', url: '/tasks', body: JSON.stringify({ title: 'x', description: 'y'.repeat(5000) }), status: 413, code: 'PAYLOAD_TOO_LARGE' },
    { name: 'not JSON', method: 'POST', url: '/tasks', headers: { ...auth, 'content-type': 'text/plain' }, body: 'title=x', status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
    { name: 'form encoded', method: 'POST', url: '/tasks', headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' }, body: 'title=x', status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
    { name: 'non-numeric id', method: 'GET', url: '/tasks/abc', status: 400, code: 'VALIDATION_ERROR' },
    { name: 'zero id', method: 'GET', url: '/tasks/0', status: 400, code: 'VALIDATION_ERROR' },
    { name: 'negative id', method: 'GET', url: '/tasks/-1', status: 400, code: 'VALIDATION_ERROR' },
    { name: 'fractional id', method: 'GET', url: '/tasks/1.5', status: 400, code: 'VALIDATION_ERROR' },
    { name: 'leading zero', method: 'GET', url: '/tasks/01', status: 400, code: 'VALIDATION_ERROR' },
    { name: 'exponent id', method: 'GET', url: '/tasks/1e3', status: 400, code: 'VALIDATION_ERROR' },
    { name: 'huge id', method: 'GET', url: '/tasks/99999999999999999999', status: 400, code: 'VALIDATION_ERROR' },
    { name: 'id beyond 2^53', method: 'DELETE', url: '/tasks/9999999999999999', status: 400, code: 'VALIDATION_ERROR' },
    { name: 'id with spaces', method: 'PATCH', url: '/tasks/%201', body: '{"title":"x"}', status: 400, code: 'VALIDATION_ERROR' },
    { name: 'bad percent-encoding', method: 'GET', url: '/tasks/%E0%A4%A', status: 400, code: 'BAD_REQUEST' },
    { name: 'unknown task', method: 'GET', url: '/tasks/424242', status: 404, code: 'TASK_NOT_FOUND' },
    { name: 'unknown route', method: 'GET', url: '/tasks/1/subtasks', status: 404, code: 'NOT_FOUND' },
    { name: 'overlong path parameter', method: 'GET', url: `/tasks/${'1'.repeat(200)}`, status: 414, code: 'URI_TOO_LONG' },
    { name: 'wrong method', method: 'DELETE', url: '/tasks', status: 404, code: 'NOT_FOUND' },
  ]
  for (const c of cases) {
    const headers = c.headers ?? (c.body === undefined ? auth : json)
    const res = await app.inject({ method: c.method, url: c.url, headers, payload: c.body })
    t.equal(res.statusCode, c.status, `${c.name}: status`)
    t.equal(errorCode(res), c.code, `${c.name}: code`)
  }
  t.notMatch(logText(), /"level":"ERROR"/, 'nothing was logged as a server error')
})

t.test('validation messages name the field', async (t) => {
  const { app } = await testApp(t)
  const { auth } = await signup(app)
  const message = async (payload: object) =>
    (await app.inject({ method: 'POST', url: '/tasks', headers: auth, payload })).json().error.message as string
  t.match(await message({ title: 'x', owner: 'me' }), /body has an unknown field "owner"/)
  t.match(await message({}), /body\.title is required/)
  t.match(await message({ title: 'x', tags: ['ok', 'NO'] }), /body\.tags\.1/)
  t.match(await message({ title: 'x', priority: 'urgent' }), /body\.priority must be one of: low, normal, high, critical/)
  t.match(await message({ title: 'x', tags: ['a', 'a'] }), /body\.tags must not contain duplicates/)
  const id = await app.inject({ url: '/tasks/abc', headers: auth })
  t.match(id.json().error.message, /params\.id must be a positive whole number/)
})

t.test('odd unicode is stored and returned intact', async (t) => {
  const { app } = await testApp(t)
  const { auth } = await signup(app)
  const titles = ['Ünïcödé ✓', '買い物 🥛', 'e\u0301 combining', '\u202Eright-to-left', 'zero\u200Bwidth', 'tab\tand\nnewline']
  for (const title of titles) {
    const res = await app.inject({ method: 'POST', url: '/tasks', headers: auth, payload: { title } })
    t.equal(res.statusCode, 201, JSON.stringify(title))
    const back = await app.inject({ url: `/tasks/${res.json().id}`, headers: auth })
    t.equal(back.json().title, title.trim())
  }
  // A lone surrogate is valid JSON text but not valid Unicode: answered, never a crash.
  const lone = await app.inject({ method: 'POST', url: '/tasks', headers: { ...auth, 'content-type': 'application/json' }, payload: '{"title":"half \\ud83e"}' })
  t.ok(lone.statusCode === 201 || lone.statusCode === 400, `lone surrogate: ${lone.statusCode}`)
  const q = await app.inject({ url: `/tasks?q=${encodeURIComponent('🥛')}`, headers: auth })
  t.equal(q.json().tasks.length, 1, 'q matches emoji')
})
