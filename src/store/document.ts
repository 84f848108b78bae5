// The JSON document format of the former file store (version 1), kept as the way data comes in and out:
// upgrade import (STORAGE_IMPORT_JSON), `npm run storage -- export|import`. Parsing validates every
// record, so a file with a `null` task or a missing field is refused with the JSON path of the problem
// instead of being half imported.

import { Ajv } from 'ajv'
import { taskSchema } from '../tasks/schemas.ts'
import type { StoreDocument } from './types.ts'
import { storableText } from '../text.ts'

/** Why a text is not a usable document (the caller names the file). */
export class DocumentError extends Error {}

const isoText = { type: 'string', minLength: 1, maxLength: 64 } as const

const userSchema = {
  type: 'object',
  required: ['id', 'email', 'password_hash', 'created_at', 'next_task_id'],
  properties: {
    id: { type: 'string', minLength: 1, maxLength: 200 },
    email: { type: 'string', minLength: 3, maxLength: 254 },
    password_hash: { type: 'string', minLength: 1, maxLength: 1000 },
    created_at: isoText,
    next_task_id: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
  },
} as const

const messageSchema = {
  type: 'object',
  required: ['role', 'content', 'timestamp'],
  properties: {
    role: { enum: ['user', 'assistant'] },
    content: { type: 'string' },
    timestamp: isoText,
    tool_calls: { type: 'array', items: { type: 'object', required: ['tool'], properties: { tool: { type: 'string' } } } },
  },
} as const

const sessionSchema = {
  type: 'object',
  required: ['id', 'user_id', 'created_at', 'last_activity', 'messages', 'message_count'],
  properties: {
    id: { type: 'string', minLength: 1, maxLength: 100 },
    user_id: { type: 'string', minLength: 1 },
    created_at: isoText,
    last_activity: { ...isoText, format: 'date-time-ish' },
    messages: { type: 'array', items: messageSchema },
    message_count: { type: 'integer', minimum: 0 },
    timezone: { type: 'string', maxLength: 100 },
  },
} as const

const documentSchema = {
  type: 'object',
  required: ['version', 'users', 'user_ids_by_email', 'tasks', 'sessions'],
  properties: {
    version: { const: 1 },
    revision: { type: 'string' },
    users: { type: 'object', additionalProperties: userSchema },
    user_ids_by_email: { type: 'object', additionalProperties: { type: 'string' } },
    tasks: { type: 'object', additionalProperties: { type: 'array', items: taskSchema } },
    sessions: { type: 'object', additionalProperties: sessionSchema },
  },
} as const

const ajv = new Ajv({ allErrors: false, strict: false })
ajv.addFormat('date-time-ish', (value: string) => !Number.isNaN(Date.parse(value)))
const validate = ajv.compile(documentSchema)

/** Parse and validate a version-1 document. A blank text is an empty document. */
export function parseDocument(text: string): StoreDocument {
  if (text.trim() === '') return emptyDocument()
  let value: unknown
  try {
    // Text written before every store refused U+0000 and unpaired surrogates is imported with U+FFFD in their
    // place (src/text.ts): PostgreSQL would refuse the whole import.
    value = storableText(JSON.parse(text))
  } catch (err) {
    throw new DocumentError(`not valid JSON (${(err as Error).message})`)
  }
  if (!validate(value)) {
    const e = validate.errors?.[0]
    throw new DocumentError(`not a version-1 store document: ${e?.instancePath || '(top level)'} ${e?.message ?? 'is invalid'}`)
  }
  const doc = value as unknown as StoreDocument & { revision?: string }
  for (const [key, user] of Object.entries(doc.users)) {
    if (user.id !== key) throw new DocumentError(`not a consistent document: /users/${key} has id ${JSON.stringify(user.id)}`)
  }
  for (const [key, session] of Object.entries(doc.sessions)) {
    if (session.id !== key) throw new DocumentError(`not a consistent document: /sessions/${key} has id ${JSON.stringify(session.id)}`)
  }
  delete doc.revision
  return doc
}

function emptyDocument(): StoreDocument {
  return { version: 1, users: {}, user_ids_by_email: {}, tasks: {}, sessions: {} }
}

/** The text of a document (what `storage export` writes). */
export function serializeDocument(doc: StoreDocument): string {
  return `${JSON.stringify(doc)}\n`
}
