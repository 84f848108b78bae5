// Issue 13, finding 6: a 5xx body never reveals storage paths, errno or parser text, whichever store raised
// it: clients get a code and a fixed message, the details go to the log. Finding 5: shed requests give one
// throttled WARN line without a stack, not an ERROR with a stack trace per request.

import t from 'tap'
import { StorageError } from '../../src/errors.ts'
import { errorCode, signup, testApp } from '../app/helpers.ts'
import { FailingStore } from '../helpers/memory-store.ts'

const LEAKY_DETAIL = "the storage file /srv/todo/data/tasks.json is corrupt: not valid JSON (Expected ':' after property name in JSON at position 560)"

const leaks = [/\/srv\//, /tasks\.json/, /position \d+/, /EACCES|ENOSPC|errno/i, /Expected ':'/, /    at /]

t.test('a StorageError with a path and parser text → 503 STORAGE_UNAVAILABLE with a fixed message; details logged', async (t) => {
  const store = new FailingStore()
  const { app, logLines } = await testApp(t, { LOG_LEVEL: 'INFO' }, { store })
  const user = await signup(app)
  store.failWith = new StorageError(LEAKY_DETAIL)
  for (const req of [
    { method: 'GET' as const, url: '/tasks', headers: user.auth },
    { method: 'POST' as const, url: '/tasks', headers: user.auth, payload: { title: 'x' } },
    { method: 'POST' as const, url: '/auth/signup', payload: { email: 'b@example.test', password: 'another good passphrase' } },
    { method: 'POST' as const, url: '/sessions', headers: user.auth },
  ]) {
    const res = await app.inject(req)
    t.equal(res.statusCode, 503, `${req.method} ${req.url}`)
    t.equal(errorCode(res), 'STORAGE_UNAVAILABLE')
    for (const leak of leaks) t.notMatch(res.body, leak, `no ${leak} in the body`)
  }
  const logged = logLines().filter((l) => l.error_code === 'STORAGE_UNAVAILABLE')
  t.equal(logged.length, 4, 'each failure is logged')
  t.equal(logged[0].reason, LEAKY_DETAIL, 'with the full detail, for the operator')
  t.equal(logged[0].level, 'ERROR')
})

t.test('any other store failure (errno text, no StorageError) → 500 INTERNAL_ERROR, generic', async (t) => {
  const store = new FailingStore()
  const { app, logText } = await testApp(t, {}, { store })
  const user = await signup(app)
  store.failWith = Object.assign(new Error("EACCES: permission denied, open '/srv/todo/data/tasks.json'"), { code: 'EACCES', errno: -13 })
  const res = await app.inject({ url: '/tasks', headers: user.auth })
  t.equal(res.statusCode, 500)
  t.equal(errorCode(res), 'INTERNAL_ERROR')
  for (const leak of leaks) t.notMatch(res.body, leak, `no ${leak} in the body`)
  t.match(logText(), /EACCES: permission denied/, 'the log has the details')
})

t.test('shedding: one WARN line per interval without a stack, shed access lines at DEBUG, nothing at ERROR', async (t) => {
  const { app, logLines } = await testApp(t, { LOG_LEVEL: 'INFO' }, { pressure: { maxHeapUsedBytes: 1, maxEventLoopDelayMs: 0, sampleIntervalMs: 10 } })
  while ((app as unknown as { memoryUsage(): { heapUsed: number } }).memoryUsage().heapUsed === 0) await new Promise((r) => setTimeout(r, 5))
  const responses = await Promise.all(Array.from({ length: 200 }, () => app.inject('/tasks')))
  t.ok(responses.every((r) => r.statusCode === 503 && errorCode(r) === 'OVERLOADED'), '200 requests shed')
  const lines = logLines()
  const shedLines = lines.filter((l) => /^shedding load/.test(String(l.message)))
  t.equal(shedLines.length, 1, 'one line for the burst')
  t.equal(shedLines[0].level, 'WARNING')
  t.equal(shedLines[0].pressure, 'heapUsedBytes', 'names what is under pressure')
  t.notOk(lines.some((l) => l.level === 'ERROR'), 'no ERROR line')
  t.notOk(JSON.stringify(lines).includes('    at '), 'no stack trace anywhere')
  t.notOk(lines.some((l) => l.message === 'request completed' && l.status === 503), 'shed requests have no INFO access line')
  const metrics = await app.inject('/metrics')
  t.match(metrics.body, /todo_app_errors_total\{type="overloaded"\} 200/, 'every shed request is counted')
})
