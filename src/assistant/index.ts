// createAssistant: the backend AI_BACKEND chooses, behind one interface. All backends change tasks only
// through the tool layer (tools.ts).

import { createHealthMonitor } from './health.ts'
import { createToolExecutor } from './tools.ts'
import { runModelTurn, type ModelAdapter } from './turn.ts'
import type { Assistant, AssistantDeps, AssistantStatus } from './types.ts'


export interface AssistantOptions {
  /** Background reachability probe period (default 30 s). */
  probeIntervalMs?: number
  /** Ollama: NDJSON streaming (default) or one JSON response per call. */
  ollamaStream?: boolean
}

const PROBE_INTERVAL_MS = 30_000
const PROBE_TIMEOUT_MS = 5_000

/**
 * The rules backend: offline, always "connected". Each turn counts as one call of backend "rules". Its
 * parser (with chrono-node) loads in the background from start(), not before the service is ready; a turn
 * that comes first waits for it.
 */
function createRulesAssistant(deps: AssistantDeps): Assistant {
  const { metrics, clock, store } = deps
  const executor = createToolExecutor({ store, clock })
  let rules: ReturnType<typeof loadRules> | undefined
  const loadRules = () => import('./rules.ts').then(({ createRulesBackend }) => createRulesBackend({ executor, clock }))
  const backend = () => (rules ??= loadRules())
  return {
    backend: 'rules',
    async reply(input) {
      const end = metrics.aiRequestDuration.startTimer({ backend: 'rules' })
      let outcome = 'error'
      try {
        const result = await (await backend()).reply(input)
        outcome = 'success'
        return result
      } finally {
        end({ outcome })
        metrics.aiRequestsTotal.inc({ backend: 'rules', outcome })
      }
    },
    status: () => ({ ai: 'connected', openai: 'not_configured' }),
    start() {
      void backend()
    },
    async stop() {},
  }
}

/** A model backend: turns run through runModelTurn; reachability is probed in the background. */
function createModelAssistant<M>(
  adapter: ModelAdapter<M> & { probe(signal: AbortSignal): Promise<void> },
  deps: AssistantDeps,
  options: AssistantOptions,
): Assistant {
  const { config, store, metrics, clock, logger } = deps
  const executor = createToolExecutor({ store, clock })
  const monitor = createHealthMonitor({
    name: adapter.backend,
    probe: (signal) => adapter.probe(signal),
    intervalMs: options.probeIntervalMs ?? PROBE_INTERVAL_MS,
    timeoutMs: Math.min(PROBE_TIMEOUT_MS, config.aiTimeoutSeconds * 1000),
    logger,
  })
  adapter.observed = monitor.observe
  const turnDeps = { executor, metrics, clock, timeoutSeconds: config.aiTimeoutSeconds }
  return {
    backend: adapter.backend,
    reply: (input) => runModelTurn(adapter, turnDeps, input),
    status(): AssistantStatus {
      const ai = monitor.status()
      return { ai, openai: adapter.backend === 'openai' ? ai : 'not_configured' }
    },
    start: () => monitor.start(),
    stop: () => monitor.stop(),
  }
}

/**
 * Rejects with a ConfigError for AI_BACKEND=openai without OPENAI_API_KEY. The model backends (and their
 * SDKs, slow to load) are imported only when AI_BACKEND selects them: the rules default starts faster.
 */
export async function createAssistant(deps: AssistantDeps, options: AssistantOptions = {}): Promise<Assistant> {
  const { config } = deps
  switch (config.aiBackend) {
    case 'rules':
      return createRulesAssistant(deps)
    case 'ollama': {
      const { createOllamaAdapter } = await import('./ollama.ts')
      return createModelAssistant(createOllamaAdapter({ config, stream: options.ollamaStream }), deps, options)
    }
    case 'openai': {
      const { createOpenAiAdapter } = await import('./openai.ts')
      return createModelAssistant(createOpenAiAdapter({ config }), deps, options)
    }
  }
}
