// JSON schemas of the task model: the single definition used by the REST routes (Fastify/Ajv) and by
// the assistant's tool layer, so a model's tool call is validated exactly like a request. The input types
// are derived from them (json-schema-to-ts), so a schema and its type cannot disagree.

import type { FromSchema } from 'json-schema-to-ts'
import { priorities } from '../store/types.ts'

const TITLE_MAX = 500
const DESCRIPTION_MAX = 5000
const TAGS_MAX = 10

const title = { type: 'string', minLength: 1, maxLength: TITLE_MAX, pattern: '\\S' } as const
const description = { type: 'string', maxLength: DESCRIPTION_MAX } as const
const priority = { type: 'string', enum: priorities } as const
// A calendar date or an RFC 3339 date-time; the domain layer also checks that it is a real date.
const dueDate = {
  anyOf: [
    { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2}))?$' },
    { type: 'null' },
  ],
} as const
const tag = { type: 'string', pattern: '^[a-z0-9_-]{1,20}$' } as const
const tags = { type: 'array', items: tag, maxItems: TAGS_MAX, uniqueItems: true } as const
export const taskId = { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER } as const

export const newTaskSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['title'],
  properties: { title, description, priority, due_date: dueDate, tags },
} as const

export const taskPatchSchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: { title, description, priority, due_date: dueDate, tags, completed: { type: 'boolean' } },
} as const

export const taskFilterSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    status: { type: 'string', enum: ['all', 'pending', 'completed'] },
    priority,
    tag,
    q: { type: 'string', maxLength: TITLE_MAX },
  },
} as const

/** Response schema: what a Task looks like on the wire. */
export const taskSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'title', 'description', 'completed', 'priority', 'tags', 'due_date', 'created_at', 'updated_at', 'completed_at'],
  properties: {
    id: taskId,
    title: { type: 'string' },
    description: { type: 'string' },
    completed: { type: 'boolean' },
    priority,
    tags: { type: 'array', items: { type: 'string' } },
    due_date: { type: ['string', 'null'] },
    created_at: { type: 'string' },
    updated_at: { type: 'string' },
    completed_at: { type: ['string', 'null'] },
  },
} as const

/** A new task as POST /tasks and the add_task tool accept it. */
export type NewTask = FromSchema<typeof newTaskSchema>
/** The fields PATCH /tasks/:id and the update_task tool may change. */
export type TaskPatch = FromSchema<typeof taskPatchSchema>
/** GET /tasks' query and the list_tasks tool's filter. */
export type TaskFilter = FromSchema<typeof taskFilterSchema>
