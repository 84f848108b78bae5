// npm run storage -- export FILE | import FILE
// Moves everything (users, tasks, sessions) between stores as one JSON document in the former file store's
// version-1 format, e.g. SQLite -> PostgreSQL: export with STORAGE_BACKEND=sqlite, import with
// STORAGE_BACKEND=postgres DATABASE_URL=…. The store is chosen by the same variables as the service.
// Import adds what is not there yet (existing ids are skipped), so running it twice is harmless.
// Output: one JSON line with the counts on stdout; errors: one line on stderr, exit 1 (usage: exit 2).

import { randomBytes } from 'node:crypto'
import { rename, writeFile } from 'node:fs/promises'
import { ConfigError, loadConfig } from '../config.ts'
import { StorageError } from '../errors.ts'
import { serializeDocument } from '../store/document.ts'
import { openStore } from '../store/index.ts'
import { stderrLogger } from '../store/logger.ts'
import { readDocumentFile } from '../store/upgrade.ts'

const USAGE = 'usage: npm run storage -- export FILE | import FILE'

function fail(message: string, code = 1): never {
  process.stderr.write(`${JSON.stringify({ timestamp: new Date().toISOString(), level: 'ERROR', message })}\n`)
  process.exit(code)
}

const [command, file, ...extra] = process.argv.slice(2)
if ((command !== 'export' && command !== 'import') || !file || extra.length) fail(USAGE, 2)

try {
  // The CLI never imports on its own: STORAGE_IMPORT_JSON is the service's upgrade path.
  const config = { ...loadConfig(), storageImportJson: undefined }
  const store = await openStore(config, stderrLogger)
  try {
    if (command === 'export') {
      const doc = await store.exportAll()
      // Written whole or not at all, readable by its owner only (it holds password hashes).
      const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`
      await writeFile(temp, serializeDocument(doc), { mode: 0o600, flush: true })
      await rename(temp, file)
      const counts = { users: Object.keys(doc.users).length, tasks: Object.values(doc.tasks).reduce((n, list) => n + list.length, 0), sessions: Object.keys(doc.sessions).length }
      process.stdout.write(`${JSON.stringify({ exported: file, backend: store.backend, ...counts })}\n`)
    } else {
      const doc = await readDocumentFile(file)
      const counts = await store.importAll(doc)
      process.stdout.write(`${JSON.stringify({ imported: file, backend: store.backend, ...counts })}\n`)
    }
  } finally {
    await store.close()
  }
} catch (err) {
  if (err instanceof ConfigError || err instanceof StorageError) fail(err.message)
  fail(`${command} failed: ${(err as Error).message}`)
}
