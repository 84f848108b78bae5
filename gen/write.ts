// Writes a rendered tree: only files whose content changed, and removes generated files (those starting
// with the header) that are no longer rendered. Never looks outside the owned directories, never touches a
// file without the header (hand-written), so sealed-secrets/ and everything else is left alone.
import { mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import { dirname, join, relative, sep } from 'node:path'
import { header } from './yaml.ts'

export interface WriteResult {
  written: string[]
  removed: string[]
  unchanged: number
}

function walk(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name)
    return e.isDirectory() ? walk(p) : e.isFile() ? [p] : []
  })
}

function removeEmptyDirs(dir: string, keep: string): void {
  if (!existsSync(dir)) return
  for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) removeEmptyDirs(join(dir, e.name), keep)
  if (dir !== keep && readdirSync(dir).length === 0) rmdirSync(dir)
}

/** Files under the owned directories that carry the generated-file header. */
export function generatedFiles(root: string, owned: readonly string[]): string[] {
  return owned
    .flatMap((d) => walk(join(root, d)))
    .filter((p) => readFileSync(p, 'utf8').startsWith(header))
    .map((p) => relative(root, p).split(sep).join('/'))
    .sort()
}

export function writeTree(root: string, files: Record<string, string>, owned: readonly string[]): WriteResult {
  const result: WriteResult = { written: [], removed: [], unchanged: 0 }
  for (const path of Object.keys(files)) {
    if (!owned.some((d) => path.startsWith(`${d}/`))) throw new Error(`refusing to write ${path}: outside ${owned.join(', ')}`)
  }
  for (const path of generatedFiles(root, owned)) {
    if (!(path in files)) {
      rmSync(join(root, path))
      result.removed.push(path)
    }
  }
  for (const [path, content] of Object.entries(files)) {
    const abs = join(root, path)
    if (existsSync(abs) && readFileSync(abs, 'utf8') === content) {
      result.unchanged++
      continue
    }
    if (existsSync(abs) && !readFileSync(abs, 'utf8').startsWith(header)) {
      throw new Error(`refusing to overwrite ${path}: it has no generated-file header (hand-written?)`)
    }
    mkdirSync(dirname(abs), { recursive: true })
    writeFileSync(abs, content)
    result.written.push(path)
  }
  for (const d of owned) removeEmptyDirs(join(root, d), root)
  return result
}
