// A tiny element builder. Text always goes in as text nodes (never innerHTML), so nothing a user or the
// assistant writes can become markup.

type Child = Node | string | null | undefined | false
type Attrs = Record<string, string | number | boolean | undefined | EventListener>

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag)
  for (const [name, value] of Object.entries(attrs)) {
    if (typeof value === 'function') el.addEventListener(name.replace(/^on/, ''), value)
    else if (value === true) el.setAttribute(name, '')
    else if (value !== false && value !== undefined) el.setAttribute(name, String(value))
  }
  el.append(...children.filter((c): c is Node | string => c !== null && c !== undefined && c !== false))
  return el
}

/** Shows `message` in an alert element (role="alert"), or hides it when message is empty. */
export function showAlert(alert: HTMLElement, message: string): void {
  alert.textContent = message
  alert.hidden = message === ''
}
