// Text every store can keep. PostgreSQL's text and jsonb cannot hold the NUL character (U+0000) or an unpaired
// surrogate (what JSON's "\ud800" decodes to); SQLite would keep them, so without one rule the same input would
// be stored by one backend and refused by the other. Requests and tool calls with such text are refused
// (src/validation.ts); text that is not the client's to correct — a model's reply, an imported document — is
// kept with U+FFFD in their place.

/** What is wrong with `text` for storage, if anything (the end of a validation message). */
function unstorableReason(text: string): string | undefined {
  if (text.includes('\0')) return 'must not contain the NUL character (U+0000)'
  if (!text.isWellFormed()) return 'must be valid Unicode (it holds an unpaired surrogate)'
  return undefined
}

/** The first string (or object key) in `data` no store can keep: where (an Ajv instancePath: '' for the value
 * itself) and why. */
export function unstorableTextIn(data: unknown, path = ''): { at: string; message: string } | undefined {
  if (typeof data === 'string') {
    const message = unstorableReason(data)
    return message === undefined ? undefined : { at: path, message }
  }
  if (typeof data !== 'object' || data === null) return undefined
  for (const [key, value] of Object.entries(data)) {
    const found = unstorableTextIn(key, path) ?? unstorableTextIn(value, `${path}/${key}`)
    if (found !== undefined) return found
  }
  return undefined
}

/** `value` with U+FFFD in place of every NUL character and unpaired surrogate, in strings and object keys; `value`
 * itself, not a copy, when there is none (every chat turn passes through here). */
export function storableText<T>(value: T): T {
  return unstorableTextIn(value) === undefined ? value : repaired(value)
}

function repaired<T>(value: T): T {
  if (typeof value === 'string') return value.replaceAll('\0', '\uFFFD').toWellFormed() as T
  if (Array.isArray(value)) return value.map(repaired) as T
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [repaired(k), repaired(v)])) as T
  }
  return value
}
