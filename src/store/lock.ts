// The cross-process write lock: a directory next to the document, made by proper-lockfile.
// mkdir is atomic on local disks and on NFS (the server decides), unlike O_EXCL files on old NFS clients
// or flock/fcntl locks that depend on the NFS lock daemon. The holder refreshes the directory's mtime every
// UPDATE_MS; a lock not refreshed for STALE_MS belongs to a dead (or frozen) process and is broken.
//
// Breaking a stale lock is ours, not proper-lockfile's: its takeover (stat, rmdir, mkdir) lets a second
// waiter remove the lock the first one just re-created, and then both hold it
// (moxystudio/node-proper-lockfile#121). Here a second directory, `<lock>.takeover`, admits one breaker
// at a time, and the breaker re-checks staleness before removing anything.

import { mkdir, rmdir, stat } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { lock } from 'proper-lockfile'
import { StorageError } from '../errors.ts'

/** A lock not refreshed for this long is stale. Generous: NFS clients' clocks differ a little. */
export const STALE_MS = 10_000
/** How often the holder refreshes the lock's mtime (well inside STALE_MS). */
const UPDATE_MS = 2_000
/** Give up waiting after this long: long enough to outwait the stale lock of a killed process. */
const MAX_WAIT_MS = 15_000
/** Longest pause between two attempts: a flush holds the lock for milliseconds. */
const MAX_POLL_MS = 8
/** Only look for staleness after waiting this long (one extra stat per poll after that). */
const STALE_CHECK_AFTER_MS = 1_000
/** Passed to proper-lockfile so it never breaks a lock itself (see above). */
const NEVER_STALE_MS = Number.MAX_SAFE_INTEGER

export interface HeldLock {
  /** Set if the lock was lost while held (its directory vanished or another process re-made it). */
  compromised: Error | null
  release(): Promise<void>
}

type Warn = (obj: object, msg: string) => void

export async function acquireLock(documentPath: string, lockPath: string, warn: Warn = () => {}): Promise<HeldLock> {
  const held: HeldLock = { compromised: null, release: async () => {} }
  const started = Date.now()
  let pause = 1
  try {
    // Our own poll loop rather than proper-lockfile's `retries`: that builds and sorts a table of every
    // retry delay on each call (~1 ms for the thousands of short polls we allow).
    for (;;) {
      try {
        const release = await lock(documentPath, {
          lockfilePath: lockPath,
          realpath: false, // the document may not exist yet
          stale: NEVER_STALE_MS,
          update: UPDATE_MS,
          // The default throws from a timer and kills the process; the flush checks this flag instead.
          onCompromised: (err) => {
            held.compromised = err
          },
        })
        held.release = async () => {
          if (held.compromised) return // proper-lockfile already let go of it
          await release()
        }
        return held
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') throw err
        const waited = Date.now() - started
        if (waited >= MAX_WAIT_MS) throw err
        if (waited >= STALE_CHECK_AFTER_MS) await breakIfStale(lockPath, warn)
        await sleep(pause * (1 + Math.random())) // jitter: waiters do not poll in step
        pause = Math.min(pause * 1.5, MAX_POLL_MS / 2)
      }
    }
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    if (e.code === 'ELOCKED') {
      throw new StorageError(`timed out after ${MAX_WAIT_MS / 1000} s waiting for the storage lock ${lockPath}`)
    }
    throw new StorageError(`cannot take the storage lock ${lockPath}: ${e.message}`)
  }
}

async function isStale(path: string): Promise<boolean> {
  try {
    return (await stat(path)).mtimeMs < Date.now() - STALE_MS
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw err
  }
}

/** Remove the lock if its holder stopped refreshing it; one breaker at a time. */
async function breakIfStale(lockPath: string, warn: Warn): Promise<void> {
  if (!(await isStale(lockPath))) return
  const takeover = `${lockPath}.takeover`
  try {
    await mkdir(takeover)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    // Someone else is breaking it right now. If that breaker died in its few-syscall window, its
    // takeover directory goes stale too and is cleared here.
    if (await isStale(takeover)) await rmdir(takeover).catch(() => {})
    return
  }
  try {
    // Re-check under the takeover lock: another breaker may already have replaced the stale lock by a live one.
    if (await isStale(lockPath)) {
      await rmdir(lockPath).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err
      })
      warn({ lock: lockPath }, 'broke a stale storage lock (its holder stopped refreshing it)')
    }
  } finally {
    await rmdir(takeover).catch(() => {})
  }
}
