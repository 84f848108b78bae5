// The tool layer: the one place where chat reads or changes tasks. Every backend (rules, ollama, openai)
// calls tools through `createToolExecutor`; arguments are checked with the same JSON schemas as REST
// requests (src/tasks/schemas.ts) and the work is done by src/tasks/tasks.ts.

import { AppError } from '../errors.ts'
import { priorities, type Priority, type Store, type Task } from '../store/types.ts'
import { newTaskSchema, taskFilterSchema, taskId, taskPatchSchema, type NewTask, type TaskFilter, type TaskPatch } from '../tasks/schemas.ts'
import { createTask, deleteTask, listTasks, updateTask, type Clock } from '../tasks/tasks.ts'
import { compileChecked, createAjv, validationMessage, type CheckedValidator } from '../validation.ts'
import type { Intent, ToolCallRecord, ToolName } from './types.ts'

export interface ToolDefinition {
  name: ToolName
  description: string
  /** JSON schema of the arguments: shown to the model and used to validate its calls. */
  parameters: Record<string, unknown>
}

const describe = <S extends object>(schema: S, description: string) => ({ ...schema, description })

const taskFields = {
  title: describe(newTaskSchema.properties.title, 'Short title of the task, e.g. "Buy milk"'),
  description: describe(newTaskSchema.properties.description, 'Optional longer notes'),
  priority: describe(newTaskSchema.properties.priority, 'low, normal (default), high or critical'),
  due_date: describe(newTaskSchema.properties.due_date, 'Due date as YYYY-MM-DD (or null for none)'),
  tags: describe(newTaskSchema.properties.tags, 'Lowercase tags such as "home" or "work"'),
}
const taskIdArg = { task_id: describe(taskId, 'The id of the task (a number from list_tasks)') }
const calendarDate = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } as const

export const toolDefinitions: readonly ToolDefinition[] = [
  {
    name: 'add_task',
    description: 'Create a new task for the user.',
    parameters: { ...newTaskSchema, properties: taskFields },
  },
  {
    name: 'list_tasks',
    description: "List the user's tasks, optionally filtered by status, priority, tag or due date range. With a due range, only tasks with a due date in it are listed, soonest first.",
    parameters: {
      type: 'object',
      additionalProperties: false,
      properties: {
        status: describe(taskFilterSchema.properties.status, 'all (default), pending or completed'),
        priority: describe(taskFilterSchema.properties.priority, 'Only tasks with this priority'),
        tag: describe(taskFilterSchema.properties.tag, 'Only tasks with this tag'),
        min_priority: describe(taskFilterSchema.properties.priority, 'Only tasks of this priority or higher (e.g. high = high and critical)'),
        due_from: describe(calendarDate, 'Only tasks due on or after this date (YYYY-MM-DD)'),
        due_to: describe(calendarDate, 'Only tasks due on or before this date (YYYY-MM-DD); overdue = yesterday with status pending'),
      },
    },
  },
  {
    name: 'complete_task',
    description: 'Mark a task as done.',
    parameters: { type: 'object', additionalProperties: false, required: ['task_id'], properties: taskIdArg },
  },
  {
    name: 'delete_task',
    description: 'Delete a task for good.',
    parameters: { type: 'object', additionalProperties: false, required: ['task_id'], properties: taskIdArg },
  },
  {
    name: 'update_task',
    description: 'Change fields of a task: title, description, priority, due_date, tags, or completed (false reopens it).',
    parameters: {
      type: 'object',
      additionalProperties: false,
      required: ['task_id'],
      minProperties: 2, // task_id and at least one change
      properties: { ...taskIdArg, ...taskFields, completed: describe(taskPatchSchema.properties.completed, 'true = done, false = pending') },
    },
  },
]

/** Intent of a turn whose first tool call was `tool`. */
export function intentOfTool(tool: string | undefined): Intent {
  switch (tool) {
    case 'add_task': return 'AddTask'
    case 'list_tasks': return 'ListTasks'
    case 'complete_task': return 'CompleteTask'
    case 'delete_task': return 'DeleteTask'
    case 'update_task': return 'UpdateTask'
    default: return 'Unknown'
  }
}

interface DueRange {
  due_from?: string
  due_to?: string
}

/** Tasks whose due date (its calendar day, as written) lies in the range, soonest first. */
function dueWithin(tasks: readonly Task[], range: DueRange): Task[] {
  return tasks
    .filter((t) => {
      const day = t.due_date?.slice(0, 10)
      return day !== undefined && (!range.due_from || day >= range.due_from) && (!range.due_to || day <= range.due_to)
    })
    .sort((a, b) => (a.due_date! < b.due_date! ? -1 : a.due_date! > b.due_date! ? 1 : a.id - b.id))
}

interface ToolError {
  code: string
  message: string
}
export type ToolOutcome = { ok: true; result: unknown } | { ok: false; error: ToolError }

export interface ToolExecutor {
  /** Run one tool call for `userId`. Never throws: a refused or failed call is `{ok: false, error}`. */
  execute(userId: string, tool: string, args: unknown): Promise<ToolOutcome>
}

/** The call as it goes into a reply and the session history. */
export function toolCallRecord(tool: string, args: unknown, outcome: ToolOutcome): ToolCallRecord {
  return { tool, arguments: args, result: outcome.ok ? outcome.result : { error: outcome.error } }
}

// The REST routes' Ajv configuration and error message (src/validation.ts): no coercion, unknown fields refused.
// Compiled on the first tool call, not at start-up (Ajv compiles its meta-schema first: tens of ms that
// start -> ready should not pay).
let validators: Map<string, CheckedValidator> | undefined
function validatorFor(tool: string): CheckedValidator | undefined {
  if (!validators) {
    const ajv = createAjv()
    validators = new Map(toolDefinitions.map((d) => [d.name, compileChecked(ajv, d.parameters)]))
  }
  return validators.get(tool)
}

export function createToolExecutor(deps: { store: Store; clock: Clock }): ToolExecutor {
  const { store, clock } = deps

  async function run(userId: string, tool: ToolName, args: Record<string, unknown>): Promise<unknown> {
    switch (tool) {
      case 'add_task':
        return createTask(store, userId, args as unknown as NewTask, clock)
      case 'list_tasks': {
        const { due_from, due_to, min_priority, ...filter } = args as TaskFilter & DueRange & { min_priority?: Priority }
        const tasks = await listTasks(store, userId, filter)
        const ranked = min_priority ? tasks.filter((t) => priorities.indexOf(t.priority) >= priorities.indexOf(min_priority)) : tasks
        const listed = due_from || due_to ? dueWithin(ranked, { due_from, due_to }) : ranked
        return { count: listed.length, tasks: listed }
      }
      case 'complete_task':
        return updateTask(store, userId, args.task_id as number, { completed: true }, clock)
      case 'delete_task':
        return deleteTask(store, userId, args.task_id as number)
      case 'update_task': {
        const { task_id, ...patch } = args
        return updateTask(store, userId, task_id as number, patch as TaskPatch, clock)
      }
    }
  }

  return {
    async execute(userId, tool, args) {
      const validate = validatorFor(tool)
      if (!validate) {
        return { ok: false, error: { code: 'UNKNOWN_TOOL', message: `There is no tool "${tool}". Tools: ${toolDefinitions.map((d) => d.name).join(', ')}` } }
      }
      if (!validate(args)) return { ok: false, error: { code: 'VALIDATION_ERROR', message: validationMessage('arguments', validate.errors) } }
      try {
        // A copy: results go into session history and must not alias tasks in the document.
        return { ok: true, result: structuredClone(await run(userId, tool as ToolName, args as Record<string, unknown>)) }
      } catch (err) {
        if (err instanceof AppError) return { ok: false, error: { code: err.code, message: err.message } }
        return { ok: false, error: { code: 'INTERNAL_ERROR', message: 'The tool failed unexpectedly' } }
      }
    },
  }
}
