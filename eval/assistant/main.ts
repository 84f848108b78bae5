// npm run eval:assistant: the evaluation cases against the rules backend, and against Ollama and/or
// OpenAI when their endpoint is configured (the service's own variables: OLLAMA_ENDPOINT [+ OLLAMA_MODEL],
// OPENAI_API_KEY [+ OPENAI_BASE_URL, OPENAI_MODEL]). Prints per-category scores and every failure.
//
//   npm run eval:assistant                      # rules (+ configured model backends)
//   npm run eval:assistant -- --backend rules   # one backend
//   npm run eval:assistant -- --strict          # exit 1 when a backend misses the targets

import { parseArgs } from 'node:util'
import { createAssistant } from '../../src/assistant/index.ts'
import { loadConfig, type AiBackend } from '../../src/config.ts'
import { createMetrics } from '../../src/metrics.ts'
import { silentLogger } from '../../test/assistant/helpers.ts'
import { CASES } from './cases.ts'
import { formatReport, meetsTargets, runEval, type BackendFactory } from './harness.ts'

const { values } = parseArgs({ options: { backend: { type: 'string', multiple: true }, strict: { type: 'boolean', default: false } } })

function configuredBackends(): AiBackend[] {
  const out: AiBackend[] = ['rules']
  if (process.env.OLLAMA_ENDPOINT) out.push('ollama')
  if (process.env.OPENAI_API_KEY) out.push('openai')
  return out
}

function factory(backend: AiBackend): BackendFactory {
  const config = { ...loadConfig(process.env), aiBackend: backend }
  return ({ store, clock }) => createAssistant({ config, store, metrics: createMetrics(), clock, logger: silentLogger }, { ollamaStream: false })
}

const backends = (values.backend as AiBackend[] | undefined) ?? configuredBackends()
let ok = true
for (const backend of backends) {
  const report = await runEval(backend, CASES, factory(backend))
  console.log(formatReport(report))
  console.log()
  ok &&= meetsTargets(report)
}
if (!configuredBackends().includes('ollama') && !configuredBackends().includes('openai')) {
  console.log('model backends: not run (set OLLAMA_ENDPOINT, or OPENAI_API_KEY, to evaluate them too)')
}
if (values.strict && !ok) process.exitCode = 1
