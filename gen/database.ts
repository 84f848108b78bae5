// An environment's storage, from the table: the SQLite claim of a one-replica environment, or the
// CloudNativePG Cluster (gen/postgres.ts) of one whose replicas share PostgreSQL, and what the Deployment
// needs to reach it. docs/database.md.
import type { Cluster, Environment, PostgresSettings } from './environments.ts'
import { clusterServices } from './environments.ts'
import { dataPath, keepOnDelete, names, partOf, podLabels, selectorLabels, syncWaveKey, waves } from './constants.ts'
import { cloudnativePg } from './addons.ts'
import type { PostgresProps } from './postgres.ts'
import { appDatabase, dailyBackupSchedule, databaseUrlEnv, postgresImage } from './postgres.ts'
import type { KubeObject } from './chart.ts'
import { monitoringAnnotations, monitoringLabels } from './observability/monitoring.ts'
import { objectsOf } from './chart.ts'
import { VerbatimClaim } from './workload.ts'

export function postgresOf(env: Environment): PostgresSettings | undefined {
  return env.storage.backend === 'postgres' ? env.storage.postgres : undefined
}

/** The Cluster's props: the table's settings plus what every environment shares. */
export function postgresProps(env: Environment, cluster: Cluster): PostgresProps {
  const pg = postgresOf(env)
  if (!pg) throw new Error(`environments.${env.name} does not use postgres`)
  if (!cluster.apiServer) throw new Error(`clusters.${cluster.name}.apiServer is needed: environment ${env.name} runs a database there`)
  return {
    ...pg,
    namespace: env.namespace,
    imageName: postgresImage,
    ...appDatabase,
    backupSchedule: dailyBackupSchedule,
    clientPods: selectorLabels,
    operator: { namespace: cloudnativePg.namespace, podLabels: cloudnativePg.podLabels },
    apiServer: cluster.apiServer,
    metricsFromNamespace: env.monitoring === 'prometheus-operator' ? clusterServices.monitoringNamespace : undefined,
    podMonitor: env.monitoring === 'prometheus-operator' ? { labels: monitoringLabels(), annotations: monitoringAnnotations } : undefined,
    // Before the Deployment, which reads DATABASE_URL from the Secret the operator makes for the Cluster.
    syncWave: waves.prerequisites,
    labels: partOf,
  }
}

/** The claim of a SQLite environment: the database file outlives pods and the Application. */
export function sqliteClaim(env: Environment): KubeObject[] {
  const storage = env.storage
  if (storage.backend !== 'sqlite') throw new Error(`environments.${env.name} does not use sqlite`)
  return objectsOf((chart) => {
    new VerbatimClaim(chart, 'pvc', {
      name: names.pvc,
      labels: podLabels,
      // Same wave as the Deployment (see waves in constants.ts); never pruned, never deleted with the Application.
      annotations: { [syncWaveKey]: waves.workloads, ...keepOnDelete },
      accessMode: storage.accessMode,
      size: storage.size,
      storageClassName: storage.storageClassName,
    })
  })
}

/** What the app container gains for its storage: the data volume (sqlite) or the database URL (postgres). */
export function storageDeploymentPatch(env: Environment): { env: unknown[]; volumeMounts: unknown[]; volumes: unknown[] } {
  const pg = postgresOf(env)
  if (pg) return { env: [databaseUrlEnv(pg.name)], volumeMounts: [], volumes: [] }
  return {
    env: [],
    volumeMounts: [{ name: 'data', mountPath: dataPath }],
    volumes: [{ name: 'data', persistentVolumeClaim: { claimName: names.pvc } }],
  }
}

/** Config the storage backend implies (merged into the ConfigMap). */
export function storageConfig(env: Environment): Record<string, string> {
  return { STORAGE_BACKEND: env.storage.backend }
}
