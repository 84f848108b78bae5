// The "Tasks" list: one listitem per task with a checkbox (checked = completed, toggled through
// PATCH /tasks/:id), its title, due date, priority and tags, and a pending / completed / all filter.
// Items are updated in place by task id, so a refresh never steals keyboard focus from a checkbox.

import type { AuthedApi, StatusFilter, Task } from './api.ts'
import { h } from './dom.ts'
import { formatDue, isOverdue, priorityLabel } from './format.ts'

const FILTERS: [StatusFilter, string][] = [
  ['all', 'All'],
  ['pending', 'Pending'],
  ['completed', 'Completed'],
]

const EMPTY: Record<StatusFilter, string> = {
  all: 'No tasks yet. Ask the assistant, for example “add buy milk tomorrow”.',
  pending: 'Nothing pending.',
  completed: 'Nothing completed yet.',
}

export interface TaskListView {
  element: HTMLElement
  /** Loads the tasks of the current filter. */
  refresh(): Promise<void>
}

interface Item {
  li: HTMLLIElement
  checkbox: HTMLInputElement
  title: HTMLLabelElement
  meta: HTMLElement
}

function details(task: Task): HTMLElement {
  const meta = h('p', { class: 'meta' })
  if (task.due_date) {
    const overdue = !task.completed && isOverdue(task.due_date)
    meta.append(
      h('span', { class: overdue ? 'due overdue' : 'due' }, 'Due ', h('time', { datetime: task.due_date }, formatDue(task.due_date)), overdue ? ' (overdue)' : ''),
    )
  }
  meta.append(h('span', { class: `priority priority-${task.priority}` }, priorityLabel[task.priority]))
  for (const tag of task.tags) meta.append(h('span', { class: 'tag' }, `#${tag}`))
  return meta
}

export function taskList(api: AuthedApi, onError: (error: unknown) => void, onSuccess: () => void): TaskListView {
  let filter: StatusFilter = 'all'
  let loading = 0 // only the newest load renders
  const items = new Map<number, Item>()
  // Toggles still on their way: a load waits for them, or it could show a task under the wrong filter.
  const toggles = new Set<Promise<void>>()

  const heading = h('h2', { id: 'tasks-title', tabindex: -1 }, 'Tasks')
  const list = h('ul', { role: 'list', 'aria-label': 'Tasks', class: 'tasks' })
  const empty = h('p', { class: 'empty', hidden: true })

  function update(item: Item, task: Task): void {
    item.checkbox.checked = task.completed
    item.title.textContent = task.title
    const meta = details(task)
    item.meta.replaceWith(meta)
    item.meta = meta
    item.li.classList.toggle('done', task.completed)
  }

  function create(task: Task): Item {
    const id = `task-${task.id}`
    const checkbox = h('input', { type: 'checkbox', id })
    const title = h('label', { for: id, class: 'title' })
    const meta = h('p', { class: 'meta' })
    const li = h('li', { class: 'task' }, checkbox, h('div', { class: 'body' }, title, meta))
    const item = { li, checkbox, title, meta }
    checkbox.addEventListener('change', () => {
      const completed = checkbox.checked
      li.setAttribute('aria-busy', 'true')
      const toggle = api.setCompleted(task.id, completed).then(
        (updated) => {
          update(item, updated)
          onSuccess()
        },
        (error: unknown) => {
          checkbox.checked = !completed
          onError(error)
        },
      )
      toggles.add(toggle)
      void toggle.finally(() => {
        toggles.delete(toggle)
        li.removeAttribute('aria-busy')
      })
    })
    update(item, task)
    return item
  }

  function render(tasks: Task[]): void {
    const wanted = new Set(tasks.map((t) => t.id))
    let focusLost = false
    for (const [id, item] of items) {
      if (wanted.has(id)) continue
      focusLost ||= item.li.contains(document.activeElement)
      item.li.remove()
      items.delete(id)
    }
    tasks.forEach((task, index) => {
      let item = items.get(task.id)
      if (item) update(item, task)
      else items.set(task.id, (item = create(task)))
      if (list.children[index] !== item.li) list.insertBefore(item.li, list.children[index] ?? null)
    })
    empty.textContent = EMPTY[filter]
    empty.hidden = tasks.length > 0
    if (focusLost) heading.focus()
  }

  async function refresh(): Promise<void> {
    const mine = ++loading
    list.setAttribute('aria-busy', 'true')
    try {
      await Promise.all(toggles) // each settles without rejecting
      const tasks = await api.listTasks(filter)
      if (mine === loading) render(tasks)
    } catch (error) {
      if (mine === loading) onError(error)
    } finally {
      if (mine === loading) list.removeAttribute('aria-busy')
    }
  }

  const radios = FILTERS.map(([value, label]) =>
    h(
      'label',
      { class: 'filter' },
      h('input', { type: 'radio', name: 'status', value, checked: value === filter, onchange: () => ((filter = value), void refresh()) }),
      label,
    ),
  )

  const element = h(
    'section',
    { class: 'panel', 'aria-labelledby': 'tasks-title' },
    heading,
    h('fieldset', { class: 'filters' }, h('legend', {}, 'Show'), ...radios),
    list,
    empty,
  )
  return { element, refresh }
}
