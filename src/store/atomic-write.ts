// Replace a file atomically and durably: write a temp file in the same directory, fsync it, rename it over
// the target, fsync the directory. rename() is atomic, so readers see the old or the new bytes, never a mix;
// the fsyncs make both the bytes and the rename survive a crash before we report success.

import { randomBytes } from 'node:crypto'
import type { Stats } from 'node:fs'
import { open, readdir, rename, unlink, type FileHandle } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

const TEMP_SUFFIX = '.tmp'

function tempPrefix(target: string): string {
  return `.${basename(target)}.`
}

/**
 * Write `bytes` to `target` atomically. `dir` is an open handle on the target's directory (fsynced after
 * the rename). `beforeRename` may throw to abandon the write (the temp file is removed). Returns the stat
 * of the written file (taken before the rename; rename keeps inode, size and mtime).
 */
export async function writeFileAtomic(
  target: string,
  bytes: Buffer,
  dir: FileHandle,
  beforeRename: () => void = () => {},
): Promise<Stats> {
  // Random name: pods on one volume may share a pid (each is pid 1 in its container).
  const temp = join(dirname(target), `${tempPrefix(target)}${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`)
  let renamed = false
  try {
    const file = await open(temp, 'wx', 0o600) // the document holds password hashes
    let stat: Stats
    try {
      await file.writeFile(bytes)
      await file.sync()
      stat = await file.stat()
    } finally {
      await file.close()
    }
    beforeRename()
    await rename(temp, target)
    renamed = true
    await dir.sync()
    return stat
  } finally {
    if (!renamed) await unlink(temp).catch(() => {})
  }
}

/** Remove temp files a crashed writer left behind. Call only while holding the write lock. */
export async function removeStaleTemps(target: string): Promise<number> {
  const prefix = tempPrefix(target)
  const names = await readdir(dirname(target))
  const stale = names.filter((name) => name.startsWith(prefix) && name.endsWith(TEMP_SUFFIX))
  await Promise.all(stale.map((name) => unlink(join(dirname(target), name)).catch(() => {})))
  return stale.length
}
