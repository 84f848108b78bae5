// The on-disk form of the store document: parse + validate on load, serialize with a fresh revision.
//
// File format: one JSON object, `{"revision":"<16 hex>","version":1,"users":{…},…}`. The revision is new on
// every write and sits at the very start of the file, so "did the file change?" can be answered by stat plus
// a 64-byte read, without parsing (see file-store.ts).

import { randomBytes } from 'node:crypto'
import { freeze } from 'immer'
import { emptyDocument, type StoreDocument } from './types.ts'

/** How many leading bytes identify a written version of the file (the revision lives in them). */
export const HEAD_BYTES = 64

/** Why a file is not a usable document; the store turns it into a StorageError naming the path. */
export class DocumentError extends Error {}

const TOP_LEVEL_OBJECTS = ['users', 'user_ids_by_email', 'tasks', 'sessions'] as const

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Parse file text into a document. An empty (or blank) file is an empty document. */
export function parseDocument(text: string): StoreDocument {
  if (text.trim() === '') return emptyDocument()
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    throw new DocumentError(`not valid JSON (${(err as Error).message})`)
  }
  if (!isPlainObject(value)) throw new DocumentError('the top level is not a JSON object')
  if (value.version !== 1) {
    throw new DocumentError(`"version" is ${JSON.stringify(value.version) ?? 'missing'}, expected 1`)
  }
  for (const key of TOP_LEVEL_OBJECTS) {
    if (!isPlainObject(value[key])) throw new DocumentError(`"${key}" is missing or not an object`)
  }
  for (const [userId, tasks] of Object.entries(value.tasks as Record<string, unknown>)) {
    if (!Array.isArray(tasks)) throw new DocumentError(`"tasks.${userId}" is not an array`)
  }
  // The revision is file metadata, not part of the document the service sees.
  delete value.revision
  // Committed documents are never changed in place (updates copy on write), and serializeDocument relies
  // on it: freezing makes a stray mutation throw instead of silently skipping the next write.
  return freeze(value as unknown as StoreDocument, true)
}

// The JSON of each user, task list and session, by object identity. Committed documents are frozen and
// copy-on-write keeps every untouched object identical from one version to the next, so a write serializes
// only what its batch changed (the rest comes from here), and an entry dies with its object.
const jsonOf = new WeakMap<object, string>()

function cachedJson(value: object): string {
  let json = jsonOf.get(value)
  if (json === undefined) {
    json = JSON.stringify(value)
    jsonOf.set(value, json)
  }
  return json
}

function recordJson(record: Record<string, object>): string {
  const parts: string[] = []
  for (const key in record) parts.push(`${JSON.stringify(key)}:${cachedJson(record[key])}`)
  return `{${parts.join(',')}}`
}

/** Serialize a document with a new random revision first (the file's text; parseDocument reads it back). */
export function serializeDocument(doc: StoreDocument): string {
  const revision = randomBytes(8).toString('hex')
  return (
    `{"revision":"${revision}","version":${doc.version},"users":${recordJson(doc.users)},` +
    `"user_ids_by_email":${JSON.stringify(doc.user_ids_by_email)},"tasks":${recordJson(doc.tasks)},` +
    `"sessions":${recordJson(doc.sessions)}}\n`
  )
}
