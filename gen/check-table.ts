// Checks the environments table before anything is rendered, so a typo fails `npm run synth` with a
// message naming the field, instead of producing manifests a cluster rejects later.
import type { Cluster, Environment, Resources } from './environments.ts'
import { clusters } from './environments.ts'
import { parseImageRef } from './image.ts'
import { requireCanonical } from './quantity.ts'

const dns1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/

function checkResources(where: string, r: Resources): void {
  for (const kind of ['requests', 'limits'] as const) {
    for (const res of ['cpu', 'memory'] as const) requireCanonical(`${where}.${kind}.${res}`, r[kind][res])
  }
}

/** What the environment needs from its cluster must be among the cluster's prerequisites (docs/deployment.md). */
function checkCluster(env: Environment, cluster: Cluster | undefined, fail: (field: string, why: string) => never): void {
  if (!cluster) return fail('cluster', `'${env.cluster}' is not in the clusters table`)
  const has = (kind: string) => cluster.prerequisites.some((p) => p.kind === kind)
  const cls = cluster.prerequisites.find((p) => p.kind === 'storage-class' && p.name === env.storage.storageClassName)
  if (!cls) fail('storage.storageClassName', `'${env.storage.storageClassName}' is not a StorageClass of cluster ${cluster.name} (clusters.${cluster.name}.prerequisites)`)
  if (env.ollama && !cluster.prerequisites.some((p) => p.kind === 'storage-class' && p.name === env.ollama!.storageClassName)) {
    fail('ollama.storageClassName', `'${env.ollama.storageClassName}' is not a StorageClass of cluster ${cluster.name}`)
  }
  if (env.exposure.serviceType === 'NodePort' && !cluster.podCidr) fail('exposure.serviceType', `a NodePort needs clusters.${cluster.name}.podCidr (its NetworkPolicy keeps the cluster's pods out)`)
  if (!has('ingress-nginx')) fail('exposure', `cluster ${cluster.name} has no ingress-nginx among its prerequisites`)
  const issuer = env.exposure.tls?.clusterIssuer
  if (issuer && !cluster.prerequisites.some((p) => p.kind === 'cert-manager' && p.clusterIssuers.includes(issuer))) {
    fail('exposure.tls.clusterIssuer', `'${issuer}' is not a cert-manager ClusterIssuer of cluster ${cluster.name}`)
  }
  if (env.secret === 'external') {
    const store = env.externalSecret?.store
    if (!store) fail('externalSecret', "secret is 'external': name the store (vault or aws-secrets-manager) and the refresh interval")
    else if (!cluster.prerequisites.some((p) => p.kind === 'secret-store' && p.provider === store.provider)) {
      fail('externalSecret.store', `cluster ${cluster.name} has no ${store.provider} among its prerequisites (clusters.${cluster.name}.prerequisites)`)
    }
    if (env.externalSecret && !/^\d+(s|m|h)$/.test(env.externalSecret.refreshInterval)) fail('externalSecret.refreshInterval', `'${env.externalSecret.refreshInterval}' is not a duration like 1h or 30m`)
  } else if (env.externalSecret) fail('externalSecret', `only an environment with secret 'external' reads an external store (secret is '${env.secret}')`)
  if (env.monitoring === 'prometheus-operator' && !has('prometheus-operator')) {
    fail('monitoring', `cluster ${cluster.name} has no prometheus-operator among its prerequisites`)
  }
}

export function checkEnvironment(env: Environment, cluster: Cluster | undefined = clusters[env.cluster]): void {
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
  checkCluster(env, cluster, fail)
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
    if (!Number.isInteger(env.ollama.firstStartSeconds) || env.ollama.firstStartSeconds < 600) {
      fail('ollama.firstStartSeconds', `must be a whole number of seconds ≥ 600 (pulling the image and the model), got ${env.ollama.firstStartSeconds}`)
    }
    try {
      parseImageRef(env.ollama.image)
    } catch (err) {
      fail('ollama.image', (err as Error).message)
    }
  }
}
