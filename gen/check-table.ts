// Checks the environments table before anything is rendered, so a typo fails `npm run synth` with a
// message naming the field, instead of producing manifests a cluster rejects later.
import { ConfigError, loadConfig } from '../src/config.ts'
import { JWT_SECRET_MIN_BYTES } from '../src/contract.ts'
import { baseConfig } from './app.ts'
import type { Environment, Resources } from './environments.ts'
import { parseImageRef } from './image.ts'
import { ollamaConfig } from './overlay.ts'
import { requireCanonical } from './quantity.ts'

const dns1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/

/** Stand-ins for the Secret's values, which the table never holds (the seal and bootstrap scripts check those). */
const SECRET_STAND_INS = { OPENAI_API_KEY: 'set-from-the-secret', JWT_SECRET: 'x'.repeat(JWT_SECRET_MIN_BYTES) }

/** The environment the pods will get: the base ConfigMap, the table's values and the derived Ollama settings. */
export function podEnvironment(env: Environment): Record<string, string> {
  const table = Object.fromEntries(Object.entries(env.config).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]))
  return { ...baseConfig, ...table, ...ollamaConfig(env) }
}

/** The service's own loader (src/config.ts) judges the merged settings: what it would refuse never renders. */
function checkServiceConfig(env: Environment, fail: (field: string, why: string) => never): void {
  try {
    loadConfig({ ...podEnvironment(env), ...SECRET_STAND_INS })
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    const name = /^Invalid (\w+)/.exec(err.message)?.[1]
    fail(name ? `config.${name}` : 'config', `the service would refuse to start: ${err.message}`)
  }
}

function checkResources(where: string, r: Resources): void {
  for (const kind of ['requests', 'limits'] as const) {
    for (const res of ['cpu', 'memory'] as const) requireCanonical(`${where}.${kind}.${res}`, r[kind][res])
  }
}

export function checkEnvironment(env: Environment): void {
  const at = `environments.${env.name}`
  const fail = (field: string, why: string): never => {
    throw new Error(`${at}.${field}: ${why}`)
  }
  if (!dns1123.test(env.namespace) || env.namespace.length > 63) fail('namespace', `'${env.namespace}' is not a valid namespace name`)
  try {
    parseImageRef(env.image)
  } catch (err) {
    fail('image', (err as Error).message)
  }
  if (!Number.isInteger(env.replicas) || env.replicas < 1) fail('replicas', `must be an integer ≥ 1, got ${env.replicas}`)
  if (env.autoscaling && env.autoscaling.minReplicas > env.autoscaling.maxReplicas) fail('autoscaling', 'minReplicas > maxReplicas')
  if (env.podDisruptionBudget && env.podDisruptionBudget.minAvailable >= Math.max(env.replicas, env.autoscaling?.minReplicas ?? 0)) {
    fail('podDisruptionBudget.minAvailable', 'must be below the replica count, or no pod could ever be evicted')
  }
  checkResources(`${at}.resources`, env.resources)
  requireCanonical(`${at}.storage.size`, env.storage.size)
  if (env.exposure.serviceType === 'NodePort') {
    const p = env.exposure.nodePort
    if (p !== undefined && (p < 30000 || p > 32767)) fail('exposure.nodePort', `${p} is outside 30000-32767`)
  } else if (env.exposure.nodePort !== undefined) fail('exposure.nodePort', 'only a NodePort service has one')
  if (env.config.AI_BACKEND === 'ollama' && !env.ollama) {
    fail('ollama', 'config.AI_BACKEND is ollama, so the environment needs its in-cluster Ollama')
  }
  checkServiceConfig(env, fail)
  if (env.ollama) {
    checkResources(`${at}.ollama.resources`, env.ollama.resources)
    requireCanonical(`${at}.ollama.storageSize`, env.ollama.storageSize)
    try {
      parseImageRef(env.ollama.image)
    } catch (err) {
      fail('ollama.image', (err as Error).message)
    }
  }
}
