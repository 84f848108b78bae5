// Signed out: one form, two actions. "Log in" comes first, so Enter in a field logs in; "Sign up" creates
// the account. Every error (wrong password, email taken, rate limited, unreachable) lands in the one
// role="alert" element, which screen readers announce.

import { ApiError, logIn, signUp, type Credentials } from './api.ts'
import { h, showAlert } from './dom.ts'

const PASSWORD_MIN = 8 // the service's minimum (src/routes/auth.ts); checked here only to answer sooner

const friendly: Record<string, string> = {
  INVALID_CREDENTIALS: 'Wrong email or password.',
  EMAIL_EXISTS: 'An account with this email already exists. Log in instead.',
  RATE_LIMITED: 'Too many attempts. Wait a minute, then try again.',
}

function problem(c: Credentials): string {
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(c.email)) return 'Enter an email address such as name@example.com.'
  if (c.password.length < PASSWORD_MIN) return `The password needs at least ${PASSWORD_MIN} characters.`
  return ''
}

export interface AuthFormProps {
  /** Shown at once, e.g. "Your session expired". */
  notice?: string
  onSignedIn(token: string, email: string): void
}

export function authForm({ notice = '', onSignedIn }: AuthFormProps): HTMLElement {
  const email = h('input', { id: 'email', name: 'email', type: 'email', autocomplete: 'username', required: true })
  const password = h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true })
  const alert = h('p', { role: 'alert', class: 'alert' })
  showAlert(alert, notice)
  const login = h('button', { type: 'submit', value: 'login' }, 'Log in')
  const signup = h('button', { type: 'submit', value: 'signup', class: 'secondary' }, 'Sign up')

  const form = h(
    'form',
    { class: 'auth', novalidate: true, 'aria-labelledby': 'auth-title' },
    h('h2', { id: 'auth-title' }, 'Sign in to your tasks'),
    h('div', { class: 'field' }, h('label', { for: 'email' }, 'Email'), email),
    h('div', { class: 'field' }, h('label', { for: 'password' }, 'Password'), password),
    alert,
    h('div', { class: 'actions' }, login, signup),
  )

  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    const action = (event as SubmitEvent).submitter === signup ? 'signup' : 'login'
    const credentials = { email: email.value.trim(), password: password.value }
    const invalid = problem(credentials)
    email.setAttribute('aria-invalid', String(invalid.startsWith('Enter an email')))
    password.setAttribute('aria-invalid', String(invalid.startsWith('The password')))
    if (invalid) return showAlert(alert, invalid)
    login.disabled = signup.disabled = true
    try {
      const { token } = await (action === 'signup' ? signUp(credentials) : logIn(credentials))
      onSignedIn(token, credentials.email)
    } catch (error) {
      const e = error instanceof ApiError ? error : new ApiError(0, 'UNKNOWN', 'Something went wrong. Try again.')
      showAlert(alert, friendly[e.code] ?? e.message)
      login.disabled = signup.disabled = false
      ;(e.code === 'INVALID_CREDENTIALS' ? password : email).focus()
    }
  })
  return form
}

/** Where keyboard focus goes when the form appears. */
export function focusAuthForm(root: HTMLElement): void {
  root.querySelector<HTMLInputElement>('#email')?.focus()
}
