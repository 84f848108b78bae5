// The signed-in state kept across reloads. localStorage (not sessionStorage): a new tab or a browser
// restart stays signed in until the token expires (24 h), as people expect of a task list. Either storage
// is equally readable by a script running on this origin, so the defence against token theft is the
// Content-Security-Policy (only this origin's bundled scripts run), not the choice of storage. Log out and
// any 401 clear it. When storage is unavailable (private modes, disabled), the state lives in memory.

export interface SignedIn {
  token: string
  email: string
  /** The chat session, reused after a reload so the conversation continues. */
  sessionId?: string
}

const KEY = 'todo-chat.signed-in'
let memory: SignedIn | null = null

function isSignedIn(value: unknown): value is SignedIn {
  const v = value as Partial<SignedIn> | null
  return typeof v?.token === 'string' && typeof v.email === 'string' && (v.sessionId === undefined || typeof v.sessionId === 'string')
}

export function loadSignedIn(): SignedIn | null {
  try {
    const raw = localStorage.getItem(KEY)
    if (raw === null) return memory
    const value: unknown = JSON.parse(raw)
    return isSignedIn(value) ? value : null
  } catch {
    return memory
  }
}

export function saveSignedIn(state: SignedIn): void {
  memory = state
  try {
    localStorage.setItem(KEY, JSON.stringify(state))
  } catch {
    // memory only
  }
}

export function clearSignedIn(): void {
  memory = null
  try {
    localStorage.removeItem(KEY)
  } catch {
    // nothing stored
  }
}
