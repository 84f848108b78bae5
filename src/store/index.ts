// The configured store: SQLite (default) or PostgreSQL (STORAGE_BACKEND=postgres), opened, its schema up to
// date, and on first start the former JSON file imported (upgrade.ts).

import type { Config } from '../config.ts'
import type { StoreLogger } from './logger.ts'
import { createSqliteStore } from './sqlite-store.ts'
import type { Store } from './types.ts'
import { importOnFirstStart } from './upgrade.ts'

type StoreConfig = Pick<Config, 'storageBackend' | 'storagePath' | 'databaseUrl' | 'databasePoolSize' | 'storageImportJson'>

/** The store for `config`, not yet opened. The PostgreSQL driver is loaded only when selected. */
export async function createStore(config: StoreConfig, logger: StoreLogger): Promise<Store> {
  if (config.storageBackend === 'postgres') {
    const { createPostgresStore } = await import('./postgres-store.ts')
    return createPostgresStore({ url: config.databaseUrl!, poolSize: config.databasePoolSize, logger })
  }
  return createSqliteStore({ path: config.storagePath, logger })
}

/** createStore + open + the upgrade import. Throws a StorageError that says what is wrong. */
export async function openStore(config: StoreConfig, logger: StoreLogger): Promise<Store> {
  const store = await createStore(config, logger)
  await store.open()
  try {
    await importOnFirstStart(store, config.storageImportJson, logger)
  } catch (err) {
    await store.close()
    throw err
  }
  return store
}
