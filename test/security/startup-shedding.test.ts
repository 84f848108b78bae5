// Issue 13, finding 9: the start-up pause (module loading, schema compilation, opening the store) blocks the
// event loop; under-pressure's first samples measured it and the first requests after /readyz went 200 were
// shed with 503 OVERLOADED. The pause must not count as load; real load after start-up still sheds.

import t from 'tap'
import { buildApp } from '../../src/app.ts'
import { MemoryStore } from '../helpers/memory-store.ts'
import { testConfig } from '../app/helpers.ts'

const block = (ms: number) => {
  const until = Date.now() + ms
  while (Date.now() < until);
}

t.test('requests right after a blocking start-up are served, and a later blocked loop still sheds', async (t) => {
  const sampleIntervalMs = 250
  const app = await buildApp(testConfig(), {
    store: new MemoryStore(),
    logStream: { write: () => {} },
    pressure: { maxEventLoopDelayMs: 200, maxHeapUsedBytes: 0, sampleIntervalMs },
  })
  t.teardown(() => app.close())
  block(1000) // a slow start-up, after the sampler was registered
  await app.ready()
  const readyAt = Date.now()

  // The requests of the first moments after ready (within the warm-up of two sample intervals; later ones may
  // meet real load on a busy machine, which is not what this test is about).
  const statuses = new Set<number>()
  const until = readyAt + 1.5 * sampleIntervalMs
  while (Date.now() < until) {
    statuses.add((await app.inject('/tasks')).statusCode)
    await new Promise((r) => setTimeout(r, 10))
  }
  t.same([...statuses], [401], 'every request right after start-up is served (401: no token), none shed')

  // Past the warm-up, a blocked loop is load again.
  await new Promise((r) => setTimeout(r, Math.max(0, readyAt + 2 * sampleIntervalMs - Date.now())))
  let shed = 0
  for (let attempt = 0; attempt < 5 && shed === 0; attempt++) {
    block(1000)
    await new Promise((r) => setTimeout(r, 0))
    if ((await app.inject('/tasks')).statusCode === 503) shed += 1
  }
  t.equal(shed, 1, 'a blocked loop after the warm-up sheds with 503')
})
