// Issue 13, finding 5: the shed-load log line is rate limited, and the requests it did not log are counted.

import t from 'tap'
import { throttled } from '../../src/throttle.ts'

t.test('at most one line per interval; the suppressed count comes with the next line or a closing one', async (t) => {
  const lines: [number, string][] = []
  const log = throttled(100, (suppressed: number, what: string) => void lines.push([suppressed, what]))
  for (let i = 0; i < 1000; i++) log(`call ${i}`)
  t.same(lines, [[0, 'call 0']], 'a burst of 1000 calls: one line at once')
  await new Promise((r) => setTimeout(r, 150))
  t.same(lines, [[0, 'call 0'], [999, 'call 999']], 'the flood stopped: a closing line counts the 999 others')
  log('later')
  t.equal(lines.length, 2, 'a call inside the interval after the closing line waits')
  await new Promise((r) => setTimeout(r, 150))
  t.same(lines.at(-1), [1, 'later'], 'and is reported by the next closing line')
})
