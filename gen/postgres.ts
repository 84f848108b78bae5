// PostgreSQL for an environment whose service runs several replicas: a CloudNativePG `Cluster`, its daily
// `ScheduledBackup`, and the NetworkPolicies the database needs inside the namespace's default deny. The app
// reads its connection string from the operator-made `<cluster>-app` Secret (key `uri`). Restores are new
// Clusters bootstrapped from a backup: recoveryCluster() below, walked through in docs/database.md.
// Field reference: the CRDs of CloudNativePG v1.30.0 (test/schemas/crds/), against which the tests validate.
import { ApiObject } from 'cdk8s'
import { k8s } from 'cdk8s-plus-28'
import { Construct } from 'constructs'
import type { Resources } from './environments.ts'
import { objectsOf } from './chart.ts'
import type { KubeObject } from './chart.ts'
import { keepOnDelete, syncWaveKey } from './constants.ts'

const cnpgApiVersion = 'postgresql.cnpg.io/v1'
/** PostgreSQL's port, and the instance manager's status port that the operator polls (CNPG docs, "Networking"). */
export const postgresPort = 5432
export const instanceStatusPort = 8000
/** The Prometheus exporter every CNPG instance serves. */
export const postgresMetricsPort = 9187
/** Set by the operator on every pod of a Cluster (instances and bootstrap jobs). */
export const clusterLabel = 'cnpg.io/cluster'

/** The PostgreSQL image of every Cluster, pinned (a `system` image: it carries barman-cloud). */
export const postgresImage = 'ghcr.io/cloudnative-pg/postgresql:18.6-system-trixie'
/** Daily at 03:00 UTC; six fields, seconds first (the operator's cron format). */
export const dailyBackupSchedule = '0 0 3 * * *'
/** The application database and the role that owns it (the `<cluster>-app` Secret is this role's). */
export const appDatabase = { database: 'todo', owner: 'todo' } as const

/**
 * Where the daily backups go.
 * - volumeSnapshot: CSI snapshots of the instance's PVC (the storage class's CSI driver must support snapshots
 *   and `snapshotClass` must exist on the cluster). No credential at all.
 * - objectStore: barman-cloud to S3-compatible storage, with WAL archiving (point-in-time recovery). In-tree
 *   in CNPG 1.30 (deprecated since 1.26, to be replaced by the Barman Cloud plugin, see docs/database.md).
 *   Credentials: the pods' IAM role (IRSA, nothing stored), or a Secret that the environment's secret source
 *   provides (SealedSecret or ExternalSecret) — never a value in git.
 */
export type BackupTarget =
  | { readonly method: 'volumeSnapshot'; readonly snapshotClass: string }
  | {
    readonly method: 'objectStore'
    /** e.g. s3://todo-backups/prod */
    readonly destinationPath: string
    /** For S3-compatible stores other than AWS. */
    readonly endpointURL?: string
    /** e.g. 30d: base backups and WAL older than this are removed. */
    readonly retentionPolicy: string
    readonly credentials:
      | { readonly from: 'iamRole'; readonly roleArn: string }
      | { readonly from: 'secret'; readonly secretName: string }
  }

export interface PostgresProps {
  /** The Cluster's name; its Services are <name>-rw/-ro/-r and its app Secret <name>-app. */
  readonly name: string
  readonly namespace: string
  readonly instances: number
  /** Pinned PostgreSQL image (a `system` image: it carries barman-cloud for object-store backups). */
  readonly imageName: string
  readonly storage: { readonly size: string; readonly storageClass: string }
  readonly resources: Resources
  /** required: never two instances on one node (pending instead); preferred: spread when possible. */
  readonly podAntiAffinity: 'required' | 'preferred'
  /** Standbys a commit waits for (quorum synchronous replication); 0 = asynchronous. */
  readonly synchronousReplicas: number
  /** The application database and its owner role. */
  readonly database: string
  readonly owner: string
  readonly backup: BackupTarget
  /** Bootstrap from this Backup (a restore into this new Cluster) instead of an empty database. */
  readonly restore?: { readonly backupName: string; readonly targetTime?: string }
  /** Six-field cron (with seconds), in the operator's time zone (UTC). */
  readonly backupSchedule: string
  /** The pods allowed to connect (the service's pod labels). */
  readonly clientPods: Record<string, string>
  /** The CNPG operator's namespace and pod labels: it polls every instance. */
  readonly operator: { readonly namespace: string; readonly podLabels: Record<string, string> }
  /** The Kubernetes API server as seen by NetworkPolicy (endpoint address after DNAT, and its port): the
   *  instance manager in every pod reads and updates its Cluster through it. */
  readonly apiServer: { readonly cidr: string; readonly port: number }
  /** Let Prometheus in this namespace scrape the exporter. */
  readonly metricsFromNamespace?: string
  /** A Prometheus Operator PodMonitor for the exporter (CNPG's own `enablePodMonitor` is deprecated), with
   *  the labels Prometheus selects monitors by. */
  readonly podMonitor?: { readonly labels: Record<string, string>; readonly annotations: Record<string, string> }
  /** Argo CD sync wave of the Cluster and its backups (before the Deployment that needs the app Secret). */
  readonly syncWave: string
  readonly labels: Record<string, string>
}

/** The Secret the operator creates for the application owner; key `uri` is a full postgresql:// URL. */
export function appSecretName(cluster: string): string {
  return `${cluster}-app`
}

/** The service's DATABASE_URL, read from the operator's app Secret. */
export function databaseUrlEnv(cluster: string): { name: string; valueFrom: { secretKeyRef: { name: string; key: string } } } {
  return { name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: appSecretName(cluster), key: 'uri' } } }
}

function backupSpec(b: BackupTarget, retention: string | undefined, serverName: string | undefined): Record<string, unknown> {
  if (b.method === 'volumeSnapshot') {
    // Online snapshots: taken while the instance keeps serving (pg_backup_start/stop around the snapshot).
    return { target: 'prefer-standby', volumeSnapshot: { className: b.snapshotClass, online: true } }
  }
  const s3Credentials = b.credentials.from === 'iamRole'
    ? { inheritFromIAMRole: true }
    : {
      accessKeyId: { name: b.credentials.secretName, key: 'ACCESS_KEY_ID' },
      secretAccessKey: { name: b.credentials.secretName, key: 'ACCESS_SECRET_KEY' },
    }
  return {
    target: 'prefer-standby',
    retentionPolicy: retention,
    barmanObjectStore: {
      destinationPath: b.destinationPath,
      ...(b.endpointURL ? { endpointURL: b.endpointURL } : {}),
      ...(serverName ? { serverName } : {}),
      s3Credentials,
      wal: { compression: 'gzip', maxParallel: 2 },
      data: { compression: 'gzip' },
    },
  }
}

function clusterSpec(p: PostgresProps): Record<string, unknown> {
  const irsa = p.backup.method === 'objectStore' && p.backup.credentials.from === 'iamRole' ? p.backup.credentials.roleArn : undefined
  // A restored cluster must not archive into the backup path of the cluster it came from (barman refuses a
  // non-empty one): in the same store, it writes under its own server name.
  return {
    instances: p.instances,
    imageName: p.imageName,
    // Rolling updates: replicas first, then a switchover, without waiting for a human.
    primaryUpdateStrategy: 'unsupervised',
    primaryUpdateMethod: 'switchover',
    storage: { size: p.storage.size, storageClass: p.storage.storageClass },
    resources: { requests: { ...p.resources.requests }, limits: { ...p.resources.limits } },
    affinity: { enablePodAntiAffinity: true, podAntiAffinityType: p.podAntiAffinity, topologyKey: 'kubernetes.io/hostname' },
    ...(p.synchronousReplicas > 0
      ? { postgresql: { synchronous: { method: 'any', number: p.synchronousReplicas, dataDurability: 'required' } } }
      : {}),
    bootstrap: p.restore ? { recovery: recovery(p, p.restore) } : { initdb: { database: p.database, owner: p.owner } },
    enableSuperuserAccess: false,
    backup: backupSpec(p.backup, p.backup.method === 'objectStore' ? p.backup.retentionPolicy : undefined, p.restore ? p.name : undefined),
    ...(irsa ? { serviceAccountTemplate: { metadata: { annotations: { 'eks.amazonaws.com/role-arn': irsa } } } } : {}),
  }
}

function recovery(p: PostgresProps, r: NonNullable<PostgresProps['restore']>): Record<string, unknown> {
  if (r.targetTime && p.backup.method !== 'objectStore') {
    throw new Error(`postgres ${p.name}: point-in-time recovery needs the WAL archive of an object-store backup; volume snapshots restore to the snapshot itself`)
  }
  return { backup: { name: r.backupName }, database: p.database, owner: p.owner, ...(r.targetTime ? { recoveryTarget: { targetTime: r.targetTime } } : {}) }
}

function backupMethod(b: BackupTarget): 'volumeSnapshot' | 'barmanObjectStore' {
  return b.method === 'volumeSnapshot' ? 'volumeSnapshot' : 'barmanObjectStore'
}

const tcp = (port: number): k8s.NetworkPolicyPort => ({ port: k8s.IntOrString.fromNumber(port), protocol: 'TCP' })
const privateRanges = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16']

/** A CNPG Cluster, its daily ScheduledBackup, and its NetworkPolicies. */
class PostgresCluster extends Construct {
  constructor(scope: Construct, id: string, p: PostgresProps) {
    super(scope, id)
    if (!Number.isInteger(p.instances) || p.instances < 1) throw new Error(`postgres ${p.name}: instances must be an integer ≥ 1, got ${p.instances}`)
    if (p.synchronousReplicas >= p.instances) throw new Error(`postgres ${p.name}: synchronousReplicas (${p.synchronousReplicas}) must be below instances (${p.instances})`)
    if (p.backupSchedule.trim().split(/\s+/).length !== 6) throw new Error(`postgres ${p.name}: backupSchedule '${p.backupSchedule}' must have six fields (seconds first)`)
    const meta = (name: string, annotations: Record<string, string> = {}) =>
      ({ name, namespace: p.namespace, labels: p.labels, annotations: { [syncWaveKey]: p.syncWave, ...annotations } })

    new ApiObject(this, 'cluster', { apiVersion: cnpgApiVersion, kind: 'Cluster', metadata: meta(p.name, keepOnDelete), spec: clusterSpec(p) })
    new ApiObject(this, 'backup', {
      apiVersion: cnpgApiVersion,
      kind: 'ScheduledBackup',
      metadata: meta(`${p.name}-daily`, keepOnDelete),
      spec: {
        cluster: { name: p.name },
        schedule: p.backupSchedule,
        method: backupMethod(p.backup),
        // The first backup right away, so a new environment never waits a day for its first restore point.
        immediate: true,
        // Backups outlive the ScheduledBackup and the Cluster: nothing owns them.
        backupOwnerReference: 'none',
      },
    })
    this.networkPolicies(p)
    if (p.podMonitor) {
      new ApiObject(this, 'pod-monitor', {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'PodMonitor',
        metadata: { name: p.name, namespace: p.namespace, labels: p.podMonitor.labels, annotations: p.podMonitor.annotations },
        // The instance pods' exporter port is named `metrics` by the operator.
        spec: { selector: { matchLabels: { [clusterLabel]: p.name } }, podMetricsEndpoints: [{ port: 'metrics' }] },
      })
    }
  }

  private networkPolicies(p: PostgresProps): void {
    const db = { matchLabels: { [clusterLabel]: p.name } }
    const app = { matchLabels: p.clientPods }
    const policy = (id: string, name: string, spec: k8s.NetworkPolicySpec) =>
      new k8s.KubeNetworkPolicy(this, id, {
        metadata: { name, namespace: p.namespace, labels: p.labels, annotations: { [syncWaveKey]: p.syncWave } },
        spec,
      })
    policy('app-egress', `${p.name}-client-egress`, { podSelector: app, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: db }], ports: [tcp(postgresPort)] }] })
    const ingress: k8s.NetworkPolicyIngressRule[] = [
      { from: [{ podSelector: app }], ports: [tcp(postgresPort)] },
      {
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': p.operator.namespace } }, podSelector: { matchLabels: p.operator.podLabels } }],
        ports: [tcp(instanceStatusPort), tcp(postgresPort)],
      },
    ]
    if (p.instances > 1) ingress.push({ from: [{ podSelector: db }], ports: [tcp(postgresPort), tcp(instanceStatusPort)] })
    if (p.metricsFromNamespace) {
      ingress.push({ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': p.metricsFromNamespace } } }], ports: [tcp(postgresMetricsPort)] })
    }
    policy('ingress', `${p.name}-ingress`, { podSelector: db, policyTypes: ['Ingress'], ingress })
    const egress: k8s.NetworkPolicyEgressRule[] = [{ to: [{ ipBlock: { cidr: p.apiServer.cidr } }], ports: [tcp(p.apiServer.port)] }]
    // Streaming replication: standbys connect to the primary (and a former primary rejoins with pg_rewind).
    if (p.instances > 1) egress.push({ to: [{ podSelector: db }], ports: [tcp(postgresPort), tcp(instanceStatusPort)] })
    // barman-cloud uploads base backups and WAL over HTTPS to the object store outside the cluster.
    if (p.backup.method === 'objectStore') egress.push({ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: privateRanges } }], ports: [tcp(443)] })
    policy('egress', `${p.name}-egress`, { podSelector: db, policyTypes: ['Egress'], egress })
  }
}

/** The objects of one environment's database, as plain data. */
export function postgresObjects(p: PostgresProps): KubeObject[] {
  return objectsOf((chart) => {
    new PostgresCluster(chart, 'postgres', p)
  })
}

export interface RecoveryOptions {
  /** The new Cluster's name: a restore never overwrites the Cluster it comes from. */
  readonly name: string
  /** A Backup object in the namespace (`kubectl get backups`), made by the ScheduledBackup or by hand. */
  readonly backupName: string
  /** Point-in-time recovery up to this instant (RFC 3339); object-store backups only (needs the WAL archive). */
  readonly targetTime?: string
}

/**
 * A new Cluster bootstrapped from a backup of `p`'s Cluster (CNPG docs, "Recovery"): same topology, storage and
 * backup target, restored from the Backup `backupName`. The table's `restore` renders exactly this in place of
 * the Cluster (docs/database.md, "Restore"); for a rehearsal, apply it by hand under another name.
 */
export function recoveryCluster(p: PostgresProps, o: RecoveryOptions): KubeObject {
  if (o.name === p.name) throw new Error(`recovery into '${o.name}': restore into a new Cluster, not over the one backed up`)
  const restore = { backupName: o.backupName, ...(o.targetTime ? { targetTime: o.targetTime } : {}) }
  const restored = { ...p, name: o.name, restore }
  return { apiVersion: cnpgApiVersion, kind: 'Cluster', metadata: { name: o.name, namespace: p.namespace, labels: p.labels, annotations: keepOnDelete }, spec: clusterSpec(restored) }
}
