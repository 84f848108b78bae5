// The write lock: one holder at a time, also when many waiters find a stale lock left by a dead process.

import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import t, { type Test } from 'tap'
import { acquireLock, STALE_MS } from '../../src/store/lock.ts'

function tempDir(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'store-lock-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** Run `n` contenders that each take the lock, hold it briefly and release it; report the most holders at once. */
async function contend(doc: string, lockPath: string, n: number): Promise<{ maxHolders: number; warnings: number }> {
  let holders = 0
  let maxHolders = 0
  let warnings = 0
  await Promise.all(
    Array.from({ length: n }, async () => {
      const held = await acquireLock(doc, lockPath, () => warnings++)
      holders += 1
      maxHolders = Math.max(maxHolders, holders)
      await sleep(5)
      holders -= 1
      await held.release()
    }),
  )
  return { maxHolders, warnings }
}

t.test('waiters take turns on a live lock', async (t) => {
  const dir = tempDir(t)
  const { maxHolders } = await contend(join(dir, 'doc.json'), join(dir, 'doc.json.lock'), 10)
  t.equal(maxHolders, 1)
  t.notOk(existsSync(join(dir, 'doc.json.lock')), 'released at the end')
})

t.test('a stale lock left by a dead process is broken once, and never yields two holders', async (t) => {
  const dir = tempDir(t)
  const lockPath = join(dir, 'doc.json.lock')
  mkdirSync(lockPath) // as a killed holder leaves it
  const old = new Date(Date.now() - 2 * STALE_MS)
  utimesSync(lockPath, old, old)
  const { maxHolders, warnings } = await contend(join(dir, 'doc.json'), lockPath, 10)
  t.equal(maxHolders, 1, 'one holder at a time, even while the stale lock was broken')
  t.equal(warnings, 1, 'the stale lock was broken exactly once, with a warning')
  t.notOk(existsSync(`${lockPath}.takeover`), 'no takeover directory left behind')
})
