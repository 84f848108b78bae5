// Upgrade from the JSON file store: on a start with an empty database, the former tasks.json (at
// STORAGE_IMPORT_JSON) is imported in one transaction and the counts logged. The file is left in place
// (it is the rollback path). Idempotent: a database that holds any user is never imported into again, and
// replicas racing on an empty database skip what another one already inserted.

import { access, readFile } from 'node:fs/promises'
import { StorageError } from '../errors.ts'
import type { StoreLogger } from './logger.ts'
import type { ImportCounts, Store } from './types.ts'

/** Read and validate a document file; a StorageError names the file and the problem. */
export async function readDocumentFile(path: string) {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    throw new StorageError(`Cannot read ${path}: ${(err as Error).message}`)
  }
  // Loaded only when there is a file to read: its Ajv schema need not be compiled on every start.
  const { DocumentError, parseDocument } = await import('./document.ts')
  try {
    return parseDocument(text)
  } catch (err) {
    if (err instanceof DocumentError) throw new StorageError(`${path} is ${err.message}; nothing was imported`)
    throw err
  }
}

export async function importOnFirstStart(store: Store, path: string | undefined, logger: StoreLogger): Promise<ImportCounts | undefined> {
  if (!path || !(await store.isEmpty())) return undefined
  try {
    await access(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined // nothing to upgrade from
  }
  const doc = await readDocumentFile(path)
  const counts = await store.importAll(doc)
  logger.info({ file: path, ...counts }, 'imported the former JSON store (the file is left in place)')
  return counts
}
