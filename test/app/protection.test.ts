import t from 'tap'
import { errorCode, signup, testApp } from './helpers.ts'

t.test('rate limit: per user, 429 with Retry-After and the contract body', async (t) => {
  const { app } = await testApp(t, { RATE_LIMIT_PER_MINUTE: '5' })
  const a = await signup(app, 'a@example.test')
  const b = await signup(app, 'b@example.test')
  for (let i = 0; i < 5; i++) t.equal((await app.inject({ url: '/tasks', headers: a.auth })).statusCode, 200, `A request ${i + 1}`)
  const limited = await app.inject({ url: '/tasks', headers: a.auth })
  t.equal(limited.statusCode, 429)
  t.equal(errorCode(limited), 'RATE_LIMITED')
  t.match(limited.headers['retry-after'], /^\d+$/, 'Retry-After in seconds')
  t.ok(Number(limited.headers['retry-after']) > 0 && Number(limited.headers['retry-after']) <= 60)
  const other = await app.inject({ method: 'POST', url: '/tasks', headers: a.auth, payload: { title: 'x' } })
  t.equal(other.statusCode, 429, "the limit spans all of A's routes")
  t.equal((await app.inject({ url: '/tasks', headers: b.auth })).statusCode, 200, 'user B has a budget of their own')
})

t.test('rate limit: per client IP before login', async (t) => {
  const { app } = await testApp(t, { RATE_LIMIT_PER_MINUTE: '3' })
  const attempt = (ip: string) =>
    app.inject({ method: 'POST', url: '/auth/login', remoteAddress: ip, payload: { email: 'x@example.test', password: 'wrong password' } })
  for (let i = 0; i < 3; i++) t.equal((await attempt('10.0.0.1')).statusCode, 401)
  const limited = await attempt('10.0.0.1')
  t.equal(limited.statusCode, 429)
  t.equal(errorCode(limited), 'RATE_LIMITED')
  t.ok(limited.headers['retry-after'])
  t.equal((await attempt('10.0.0.2')).statusCode, 401, 'another address is not affected')
})

t.test('rate limit behind a proxy: TRUST_PROXY=1 limits each forwarded client, not the ingress pod', async (t) => {
  const viaIngress = (app: Awaited<ReturnType<typeof testApp>>['app'], client: string) =>
    app.inject({
      method: 'POST',
      url: '/auth/login',
      remoteAddress: '10.244.0.7', // the ingress controller pod
      headers: { 'x-forwarded-for': client },
      payload: { email: 'x@example.test', password: 'wrong password' },
    })
  const trusted = (await testApp(t, { RATE_LIMIT_PER_MINUTE: '2', TRUST_PROXY: '1' })).app
  for (let i = 0; i < 2; i++) t.equal((await viaIngress(trusted, '203.0.113.1')).statusCode, 401)
  t.equal((await viaIngress(trusted, '203.0.113.1')).statusCode, 429, 'the forwarded client is limited')
  t.equal((await viaIngress(trusted, '203.0.113.2')).statusCode, 401, 'another client behind the same ingress is not')

  const direct = (await testApp(t, { RATE_LIMIT_PER_MINUTE: '2' })).app
  for (let i = 0; i < 2; i++) t.equal((await viaIngress(direct, `203.0.113.${i + 10}`)).statusCode, 401)
  t.equal((await viaIngress(direct, '203.0.113.99')).statusCode, 429, 'without TRUST_PROXY a forged header changes nothing')
})

/** Waits until under-pressure has taken its first sample (its readings start at 0). */
async function sampled(app: { memoryUsage(): { heapUsed: number } }) {
  while (app.memoryUsage().heapUsed === 0) await new Promise((r) => setTimeout(r, 5))
}

t.test('under pressure (heap): 503 + Retry-After + contract body; probes and /metrics still answer', async (t) => {
  const { app } = await testApp(t, {}, { pressure: { maxHeapUsedBytes: 1, sampleIntervalMs: 10, retryAfterSeconds: 7 } })
  await sampled(app as never)
  for (const url of ['/tasks', '/auth/login', '/sessions']) {
    const res = await app.inject({ url })
    t.equal(res.statusCode, 503, url)
    t.equal(errorCode(res), 'OVERLOADED')
    t.equal(res.headers['retry-after'], '7')
  }
  // Probes are never shed: overload on every replica must not empty the Service's endpoints.
  for (const url of ['/livez', '/readyz', '/health']) t.equal((await app.inject(url)).statusCode, 200, `${url} answers`)
  const metrics = await app.inject('/metrics')
  t.equal(metrics.statusCode, 200, '/metrics answers')
  t.match(metrics.body, /todo_app_errors_total\{type="overloaded"\} 3/)
})

t.test('under pressure (event loop): a blocked loop sheds load, /livez still answers', async (t) => {
  const { app } = await testApp(t, {}, { pressure: { maxEventLoopDelayMs: 200, sampleIntervalMs: 100 } })
  const usage = () => (app as unknown as { memoryUsage(): { eventLoopDelay: number; heapUsed: number } }).memoryUsage()
  // Building the app itself may have blocked the loop: wait for a calm sample first.
  while (usage().heapUsed === 0 || usage().eventLoopDelay > 100) await new Promise((r) => setTimeout(r, 20))
  t.equal((await app.inject('/tasks')).statusCode, 401, 'served (401: no token) while the loop is free')
  // Block the loop for 1 s; the sampler fires right after, before the next requests are served.
  let shed: { statusCode: number; headers: Record<string, unknown> } | undefined
  for (let attempt = 0; attempt < 5 && shed?.statusCode !== 503; attempt++) {
    const until = Date.now() + 1000
    while (Date.now() < until);
    await new Promise((r) => setTimeout(r, 0))
    const [tasks, readyz, livez] = await Promise.all([app.inject('/tasks'), app.inject('/readyz'), app.inject('/livez')])
    shed = tasks
    t.equal(livez.statusCode, 200, '/livez answers')
    t.equal(readyz.statusCode, 200, '/readyz answers')
  }
  t.equal(shed?.statusCode, 503, 'shed with 503')
  t.ok(shed?.headers['retry-after'], 'Retry-After')
})
