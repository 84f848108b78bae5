// The chat page (docs/chat-page.md): signed out it shows the sign-in form; signed in, the conversation with
// the assistant next to the task list. Any 401 on a signed-in call (token expired or revoked) returns to
// the form with a message.

import { ApiError, authedApi } from './api.ts'
import { authForm, focusAuthForm } from './auth-form.ts'
import { chat } from './chat.ts'
import { h, showAlert } from './dom.ts'
import { clearSignedIn, loadSignedIn, saveSignedIn, type SignedIn } from './storage.ts'
import { taskList } from './task-list.ts'

const EXPIRED = 'Your session has expired. Log in again.'

const root = document.getElementById('app') as HTMLElement
/** Bumped whenever the view changes: answers that arrive for a view that is gone are dropped. */
let generation = 0

function showSignedOut(notice = ''): void {
  generation++
  root.replaceChildren(
    authForm({
      notice,
      onSignedIn: (token, email) => {
        const state = { token, email }
        saveSignedIn(state)
        void showSignedIn(state)
      },
    }),
  )
  focusAuthForm(root)
}

async function showSignedIn(state: SignedIn): Promise<void> {
  const mine = ++generation
  const api = authedApi(state.token)
  const alert = h('p', { role: 'alert', class: 'alert', hidden: true })

  const onError = (error: unknown) => {
    if (mine !== generation) return
    if (error instanceof ApiError && error.status === 401) {
      clearSignedIn()
      showSignedOut(EXPIRED)
    } else {
      showAlert(alert, error instanceof Error ? error.message : 'Something went wrong. Try again.')
    }
  }
  const onSuccess = () => showAlert(alert, '')
  const tasks = taskList(api, onError, onSuccess)
  const conversation = chat({
    api,
    sessionId: state.sessionId,
    onSession: (sessionId) => mine === generation && saveSignedIn({ ...state, sessionId }),
    onTasksChanged: () => void tasks.refresh(),
    onError,
    onSuccess,
  })
  const logOut = h('button', { type: 'button', class: 'secondary' }, 'Log out')
  logOut.addEventListener('click', () => {
    clearSignedIn()
    showSignedOut()
  })

  root.replaceChildren(
    h('div', { class: 'account' }, h('p', {}, 'Signed in as ', h('strong', {}, state.email)), logOut),
    alert,
    h('div', { class: 'columns' }, conversation.element, tasks.element),
  )
  conversation.focus()
  await Promise.all([conversation.start(), tasks.refresh()])
}

async function boot(): Promise<void> {
  const state = loadSignedIn()
  if (state) await showSignedIn(state)
  else showSignedOut()
  // The moment the page is usable: what `npm run bench:web` reports.
  performance.mark('app-ready')
}

void boot()
