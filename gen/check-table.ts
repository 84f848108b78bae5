// Checks the environments table before anything is rendered, so a typo fails `npm run synth` with a
// message naming the field, instead of producing manifests a cluster rejects later.
import type { Environment, Resources } from './environments.ts'
import { parseImageRef } from './image.ts'
import { requireCanonical } from './quantity.ts'

const dns1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/

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
  const hops = env.config.TRUST_PROXY
  if (hops !== undefined && (!Number.isInteger(hops) || hops < 0)) fail('config.TRUST_PROXY', `must be a whole number of proxy hops ≥ 0, got ${hops}`)
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
