// What the benchmark sends and what the baseline returns: 100 tasks shaped like the service's.

import type { Task } from '../../src/store/types.ts'

export const TASK_COUNT = 100

export function taskInput(i: number) {
  return { title: `Benchmark task ${i}`, description: `Description of task ${i}`, priority: 'normal', tags: ['bench', `t${i % 10}`] }
}

export function memoryTasks(): Task[] {
  const now = new Date().toISOString()
  return Array.from({ length: TASK_COUNT }, (_, k) => ({
    id: k + 1,
    ...taskInput(k + 1),
    priority: 'normal' as const,
    completed: false,
    due_date: null,
    created_at: now,
    updated_at: now,
    completed_at: null,
  }))
}
