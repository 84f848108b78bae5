// How task fields read on the page.

import type { Priority } from './api.ts'

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/

/** A due date as a Date: a calendar date (`2026-11-28`) is that day in the viewer's time zone. */
function dueAsDate(due: string): Date {
  const m = DATE_ONLY.exec(due)
  return m ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : new Date(due)
}

export function formatDue(due: string, now = new Date()): string {
  const date = dueAsDate(due)
  if (Number.isNaN(date.getTime())) return due
  const options: Intl.DateTimeFormatOptions = { weekday: 'short', day: 'numeric', month: 'short' }
  if (date.getFullYear() !== now.getFullYear()) options.year = 'numeric'
  if (!DATE_ONLY.test(due)) Object.assign(options, { hour: '2-digit', minute: '2-digit' })
  return date.toLocaleString(undefined, options)
}

/** Past due: a calendar date is overdue from the next day on, a date-time from that instant on. */
export function isOverdue(due: string, now = new Date()): boolean {
  const date = dueAsDate(due)
  if (DATE_ONLY.test(due)) date.setDate(date.getDate() + 1)
  return date.getTime() <= now.getTime()
}

export const priorityLabel: Record<Priority, string> = {
  low: 'Low priority',
  normal: 'Normal priority',
  high: 'High priority',
  critical: 'Critical priority',
}
