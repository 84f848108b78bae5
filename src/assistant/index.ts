// createAssistant: the backend AI_BACKEND chooses, behind one interface. All backends change tasks only
// through the tool layer (tools.ts).

import { createRulesBackend } from './rules.ts'
import { createToolExecutor } from './tools.ts'
import type { Assistant, AssistantDeps, AssistantStatus } from './types.ts'
import { AssistantTurnError } from './errors.ts'

export type { Assistant, AssistantStatus, Intent, TurnInput, TurnResult, ToolCallRecord } from './types.ts'
export { AssistantTurnError } from './errors.ts'

/** The rules backend: offline, always "connected". Each turn counts as one call of backend "rules". */
function createRulesAssistant(deps: AssistantDeps): Assistant {
  const { metrics, clock, store } = deps
  const rules = createRulesBackend({ executor: createToolExecutor({ store, clock }), clock })
  const status: AssistantStatus = { ai: 'connected', openai: 'not_configured' }
  return {
    backend: 'rules',
    async reply(input) {
      const end = metrics.aiRequestDuration.startTimer({ backend: 'rules' })
      let outcome = 'error'
      try {
        const result = await rules.reply(input)
        outcome = 'success'
        return result
      } finally {
        end({ outcome })
        metrics.aiRequestsTotal.inc({ backend: 'rules', outcome })
      }
    },
    status: () => ({ ...status }),
    start() {},
    async stop() {},
  }
}

export function createAssistant(deps: AssistantDeps): Assistant {
  switch (deps.config.aiBackend) {
    case 'rules':
      return createRulesAssistant(deps)
    default:
      throw new Error(`AI_BACKEND=${deps.config.aiBackend} is not available yet`)
  }
}

export const isAssistantTurnError = (err: unknown): err is AssistantTurnError => err instanceof AssistantTurnError
