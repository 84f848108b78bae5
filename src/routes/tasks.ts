// Tasks REST (README "API"): the signed-in user's tasks only. Another user's task id answers 404,
// exactly like an id that never existed. All changes go through src/tasks/tasks.ts.

import type { FastifyInstance } from 'fastify'
import type { Config } from '../config.ts'
import { validationError } from '../errors.ts'
import type { Store } from '../store/types.ts'
import { newTaskSchema, taskFilterSchema, taskPatchSchema, taskSchema } from '../tasks/schemas.ts'
import { createTask, deleteTask, getTask, listTasksBody, updateTask, type NewTask, type TaskFilter, type TaskPatch } from '../tasks/tasks.ts'
import { errorResponses } from '../plugins/errors.ts'

// Path parameters arrive as strings and Ajv does not coerce them (coerceTypes: false), so the id is checked
// as a decimal string (no sign, no leading zero, no fraction) and converted here.
const idParams = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id: { type: 'string', pattern: '^[1-9][0-9]{0,15}$' } },
} as const

function taskId(raw: string): number {
  const id = Number(raw)
  if (!Number.isSafeInteger(id)) throw validationError(`params.id must be an integer from 1 to ${Number.MAX_SAFE_INTEGER}`)
  return id
}

const taskList = {
  type: 'object',
  additionalProperties: false,
  required: ['tasks'],
  properties: { tasks: { type: 'array', items: taskSchema } },
} as const

// Every route here sits behind the auth hook (401) and the rate limit (429).
const common = [400, 401, 429] as const

export default async function taskRoutes(app: FastifyInstance, opts: { store: Store; clock: () => Date; config?: Config }) {
  const { store, clock } = opts

  app.get<{ Querystring: TaskFilter }>(
    '/tasks',
    { schema: { querystring: taskFilterSchema, response: { 200: taskList, ...errorResponses(...common) } } },
    // The body comes as JSON text from the store (built by the database from the task columns: exactly the
    // schema's fields); Fastify sends a string as it is.
    async (request, reply) => reply.type('application/json; charset=utf-8').send(await listTasksBody(store, request.userId, request.query)),
  )

  app.post<{ Body: NewTask }>(
    '/tasks',
    { schema: { body: newTaskSchema, response: { 201: taskSchema, ...errorResponses(...common, 413, 415) } } },
    async (request, reply) => {
      const task = await createTask(store, request.userId, request.body, clock)
      request.log.info({ task_id: task.id }, 'task created')
      return reply.code(201).send(task)
    },
  )

  app.get<{ Params: { id: string } }>(
    '/tasks/:id',
    { schema: { params: idParams, response: { 200: taskSchema, ...errorResponses(...common, 404) } } },
    async (request) => getTask(store, request.userId, taskId(request.params.id)),
  )

  app.patch<{ Params: { id: string }; Body: TaskPatch }>(
    '/tasks/:id',
    { schema: { params: idParams, body: taskPatchSchema, response: { 200: taskSchema, ...errorResponses(...common, 404, 413, 415) } } },
    async (request) => {
      const task = await updateTask(store, request.userId, taskId(request.params.id), request.body, clock)
      request.log.info({ task_id: task.id }, 'task updated')
      return task
    },
  )

  app.delete<{ Params: { id: string } }>(
    '/tasks/:id',
    { schema: { params: idParams, response: { 204: { type: 'null' }, ...errorResponses(...common, 404) } } },
    async (request, reply) => {
      const task = await deleteTask(store, request.userId, taskId(request.params.id))
      request.log.info({ task_id: task.id }, 'task deleted')
      return reply.code(204).send()
    },
  )
}
