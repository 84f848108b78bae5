// Checks the environments table before anything is rendered, so a typo fails `npm run synth` with a
// message naming the field, instead of producing manifests a cluster rejects later.
import { ConfigError, loadConfig } from '../src/config.ts'
import { JWT_SECRET_MIN_BYTES } from '../src/contract.ts'
import { baseConfig } from './constants.ts'
import type { Cluster, Environment, Resources } from './environments.ts'
import { clusters } from './environments.ts'
import { parseImageRef } from './image.ts'
import { overlayConfig } from './overlay.ts'
import { requireCanonical } from './quantity.ts'

const dns1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/

/** Stand-ins for the Secret's values, which the table never holds (the seal and bootstrap scripts check those). */
const SECRET_STAND_INS = { OPENAI_API_KEY: 'set-from-the-secret', JWT_SECRET: 'x'.repeat(JWT_SECRET_MIN_BYTES) }

/** The environment the pods will get from the ConfigMap: the base's defaults under the overlay's settings. */
function podEnvironment(env: Environment): Record<string, string> {
  return { ...baseConfig, ...overlayConfig(env) }
}

/** What a pod's process sees: the ConfigMap's settings and stand-ins for the Secrets' values (DATABASE_URL
 *  comes from the database operator's Secret where the environment runs on PostgreSQL). */
export function serviceEnvironment(env: Environment): Record<string, string> {
  const databaseUrl: Record<string, string> = env.storage.backend === 'postgres' ? { DATABASE_URL: 'postgresql://app:set-from-the-secret@db:5432/app' } : {}
  return { ...podEnvironment(env), ...SECRET_STAND_INS, ...databaseUrl }
}

/** The service's own loader (src/config.ts) judges the merged settings: what it would refuse never renders. */
function checkServiceConfig(env: Environment, fail: (field: string, why: string) => never): void {
  try {
    loadConfig(serviceEnvironment(env))
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

/** What the environment needs from its cluster must be among the cluster's prerequisites (docs/deployment.md). */
function checkCluster(env: Environment, cluster: Cluster | undefined, fail: (field: string, why: string) => never): void {
  if (!cluster) return fail('cluster', `'${env.cluster}' is not in the clusters table`)
  const has = (kind: string) => cluster.prerequisites.some((p) => p.kind === kind)
  const hasClass = (name: string) => cluster.prerequisites.some((p) => p.kind === 'storage-class' && p.name === name)
  if (env.storage.backend === 'sqlite' && !hasClass(env.storage.storageClassName)) {
    fail('storage.storageClassName', `'${env.storage.storageClassName}' is not a StorageClass of cluster ${cluster.name} (clusters.${cluster.name}.prerequisites)`)
  }
  if (env.storage.backend === 'postgres') {
    const pg = env.storage.postgres
    if (!hasClass(pg.storage.storageClass)) fail('storage.postgres.storage.storageClass', `'${pg.storage.storageClass}' is not a StorageClass of cluster ${cluster.name} (clusters.${cluster.name}.prerequisites)`)
    const backup = pg.backup
    if (backup.method === 'volumeSnapshot' && !cluster.prerequisites.some((p) => p.kind === 'volume-snapshot-class' && p.name === backup.snapshotClass)) {
      fail('storage.postgres.backup.snapshotClass', `'${backup.snapshotClass}' is not a VolumeSnapshotClass of cluster ${cluster.name} (clusters.${cluster.name}.prerequisites)`)
    }
    if (!cluster.apiServer) fail('storage', `postgres needs clusters.${cluster.name}.apiServer (the database pods' NetworkPolicy lets them reach the API server)`)
  }
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
    if (store?.provider === 'vault' && !/^https:\/\//.test(store.server)) fail('externalSecret.store.server', 'Vault is reached over TLS only (https://)')
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
  checkStorage(env, fail)
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

type Fail = (field: string, why: string) => never

/** SQLite only where one pod owns a local volume; PostgreSQL settings the operator accepts (docs/database.md). */
function checkStorage(env: Environment, fail: Fail): void {
  const at = `environments.${env.name}`
  const st = env.storage
  if (st.backend === 'sqlite') {
    requireCanonical(`${at}.storage.size`, st.size)
    if (st.accessMode !== 'ReadWriteOnce') fail('storage.accessMode', 'SQLite needs a local ReadWriteOnce volume (never NFS or another shared filesystem)')
    if (env.replicas !== 1 || env.autoscaling) fail('storage.backend', `SQLite serves one replica on its own volume; with ${env.autoscaling ? 'autoscaling' : `${env.replicas} replicas`} use 'postgres'`)
    return
  }
  const pg = st.postgres
  if (!dns1123.test(pg.name) || pg.name.length > 50) fail('storage.postgres.name', `'${pg.name}' is not a valid Cluster name (DNS label, ≤ 50 characters)`)
  if (!Number.isInteger(pg.instances) || pg.instances < 1) fail('storage.postgres.instances', `must be an integer ≥ 1, got ${pg.instances}`)
  if (!Number.isInteger(pg.synchronousReplicas) || pg.synchronousReplicas < 0 || pg.synchronousReplicas >= pg.instances) {
    fail('storage.postgres.synchronousReplicas', `must be a whole number below instances (${pg.instances}), got ${pg.synchronousReplicas}`)
  }
  requireCanonical(`${at}.storage.postgres.storage.size`, pg.storage.size)
  checkResources(`${at}.storage.postgres.resources`, pg.resources)
  if (pg.backup.method === 'objectStore' && !/^[1-9][0-9]*[dwm]$/.test(pg.backup.retentionPolicy)) {
    fail('storage.postgres.backup.retentionPolicy', `'${pg.backup.retentionPolicy}' must be like 30d, 4w or 3m`)
  }
  if (pg.restore) {
    if (pg.restore.targetTime !== undefined && pg.backup.method !== 'objectStore') {
      fail('storage.postgres.restore.targetTime', 'point-in-time recovery needs the WAL archive of an objectStore backup')
    }
    if (pg.restore.targetTime !== undefined && Number.isNaN(Date.parse(pg.restore.targetTime))) fail('storage.postgres.restore.targetTime', `'${pg.restore.targetTime}' is not an RFC 3339 time`)
    if (!dns1123.test(pg.restore.backupName)) fail('storage.postgres.restore.backupName', `'${pg.restore.backupName}' is not a Backup name`)
  }
}
