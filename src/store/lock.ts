// The cross-process write lock: a directory next to the document, made by proper-lockfile.
// mkdir is atomic on local disks and on NFS (the server decides), unlike O_EXCL files on old NFS or
// flock/fcntl locks that depend on the NFS lock daemon. The holder refreshes the directory's mtime;
// a lock whose mtime is older than STALE_MS belongs to a dead process and is taken over.

import { setTimeout as sleep } from 'node:timers/promises'
import { lock } from 'proper-lockfile'
import { StorageError } from '../errors.ts'

/** A lock not refreshed for this long is stale (its holder died). Generous: NFS clients' clocks differ. */
export const STALE_MS = 10_000
/** How often the holder refreshes the lock's mtime (well inside STALE_MS). */
const UPDATE_MS = 2_000
/** Give up waiting after this long: long enough to outwait a stale lock of a killed process. */
const MAX_WAIT_MS = 15_000

export interface HeldLock {
  /** Set if the lock was lost while held (mtime refresh failed or another process took it over). */
  compromised: Error | null
  release(): Promise<void>
}

/** Longest pause between two attempts: a flush holds the lock for about a millisecond. */
const MAX_POLL_MS = 8

export async function acquireLock(documentPath: string, lockPath: string): Promise<HeldLock> {
  const held: HeldLock = { compromised: null, release: async () => {} }
  const deadline = Date.now() + MAX_WAIT_MS
  let pause = 1
  try {
    // Our own poll loop rather than proper-lockfile's `retries`: that builds and sorts a table of every
    // retry delay on each call (~1 ms for the thousands of short polls we want).
    for (;;) {
      try {
        const release = await lock(documentPath, {
          lockfilePath: lockPath,
          realpath: false, // the document may not exist yet
          stale: STALE_MS,
          update: UPDATE_MS,
          // The default throws from a timer and kills the process; the flush checks this flag instead.
          onCompromised: (err) => {
            held.compromised = err
          },
        })
        held.release = async () => {
          if (held.compromised) return // proper-lockfile already dropped it
          await release()
        }
        return held
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ELOCKED' || Date.now() >= deadline) throw err
        await sleep(pause * (1 + Math.random())) // jitter: waiters do not poll in step
        pause = Math.min(pause * 1.5, MAX_POLL_MS / 2)
      }
    }
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    if (e.code === 'ELOCKED') {
      throw new StorageError(`timed out after ${MAX_WAIT_MS / 1000} s waiting for the storage lock ${lockPath}`)
    }
    throw new StorageError(`cannot take the storage lock ${lockPath}: ${e.code ?? ''} ${e.message}`.trim())
  }
}
