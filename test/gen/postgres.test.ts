// The CloudNativePG objects: valid against the operator's own CRDs (unknown fields rejected), the topology and
// backups the props ask for, a daily schedule as the operator reads it (six-field cron, seconds first:
// CNPG docs "Backup": ScheduledBackup uses robfig/cron with seconds), a restore that validates too, and the
// NetworkPolicies the operator documents ("Networking": the operator reaches every instance on 8000 and 5432,
// instances reach each other and the API server).
import t from 'tap'
import { Cron } from 'croner'
import type { BackupTarget, PostgresProps } from '../../gen/postgres.ts'
import { appSecretName, databaseUrlEnv, postgresObjects, recoveryCluster } from '../../gen/postgres.ts'
import { keepOnDelete } from '../../gen/constants.ts'
import { clusters, environments } from '../../gen/environments.ts'
import { checkEnvironment } from '../../gen/check-table.ts'
import { postgresProps, storageDeploymentPatch } from '../../gen/database.ts'
import { crdErrors } from './crd-schema.ts'
import { validationErrors } from './validate.ts'
import type { K8sObject } from './helpers.ts'
import { one, selects } from './helpers.ts'
import type { Parsed } from '../helpers/parsed.ts'

const snapshots: BackupTarget = { method: 'volumeSnapshot', snapshotClass: 'csi-snapclass' }
const s3Role: BackupTarget = {
  method: 'objectStore',
  destinationPath: 's3://todo-backups/prod',
  retentionPolicy: '30d',
  credentials: { from: 'iamRole', roleArn: 'arn:aws:iam::123456789012:role/todo-db-backup' },
}
const s3Secret: BackupTarget = {
  method: 'objectStore',
  destinationPath: 's3://todo-backups/staging',
  endpointURL: 'https://minio.example.com',
  retentionPolicy: '14d',
  credentials: { from: 'secret', secretName: 'todo-db-backup-credentials' },
}

function props(over: Partial<PostgresProps> = {}): PostgresProps {
  return {
    name: 'todo-db',
    namespace: 'todo-app-prod',
    instances: 3,
    imageName: 'ghcr.io/cloudnative-pg/postgresql:18.6-system-trixie',
    storage: { size: '20Gi', storageClass: 'ssd' },
    resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2', memory: '2Gi' } },
    podAntiAffinity: 'required',
    synchronousReplicas: 1,
    database: 'todo',
    owner: 'todo',
    backup: snapshots,
    backupSchedule: '0 0 3 * * *',
    clientPods: { app: 'todo-app' },
    operator: { namespace: 'cnpg-system', podLabels: { 'app.kubernetes.io/name': 'cloudnative-pg' } },
    apiServer: { cidr: '10.0.0.1/32', port: 6443 },
    metricsFromNamespace: 'monitoring',
    syncWave: '-1',
    labels: { 'app.kubernetes.io/part-of': 'todo-gitops' },
    ...over,
  }
}

const variants: [string, PostgresProps][] = [
  ['prod-like, volume snapshots', props()],
  ['staging-like, one instance', props({ instances: 1, synchronousReplicas: 0, podAntiAffinity: 'preferred', namespace: 'todo-app-staging' })],
  ['object store with an IAM role', props({ backup: s3Role })],
  ['object store with a sealed Secret', props({ backup: s3Secret, instances: 1, synchronousReplicas: 0 })],
]

t.test('every rendered CNPG object validates against the v1.30.0 CRDs', async (t) => {
  for (const [name, p] of variants) {
    const objects = postgresObjects(p).filter((o) => o.apiVersion.startsWith('postgresql.cnpg.io/')) as K8sObject[]
    t.same(objects.map((o) => o.kind).sort(), ['Cluster', 'ScheduledBackup'], `${name}: a Cluster and its ScheduledBackup`)
    for (const o of objects) t.equal(crdErrors(o), '', `${name}: ${o.kind} ${o.metadata.name}`)
  }
})

t.test('the validator rejects what the API server would, and a typo it would silently prune', async (t) => {
  const cluster = one(postgresObjects(props()) as K8sObject[], 'Cluster')
  const typo = structuredClone(cluster)
  typo.spec.storage.sise = '20Gi'
  t.match(crdErrors(typo), /additional properties: sise/, 'an unknown field')
  const wrongType = structuredClone(cluster)
  wrongType.spec.instances = 'three'
  t.match(crdErrors(wrongType), /instances must be integer/, 'a wrong type')
  const badEnum = structuredClone(cluster)
  badEnum.spec.backup.target = 'standby-only'
  t.match(crdErrors(badEnum), /allowed values/, 'a value outside the enum')
  const both = structuredClone(cluster)
  both.spec.imageCatalogRef = { apiGroup: 'postgresql.cnpg.io', kind: 'ImageCatalog', name: 'pg', major: 18 }
  t.match(crdErrors(both), /imageName and imageCatalogRef are mutually exclusive/, 'a CEL rule of the CRD')
  const schedule = one(postgresObjects(props()) as K8sObject[], 'ScheduledBackup')
  const noCluster = structuredClone(schedule)
  delete noCluster.spec.cluster
  t.match(crdErrors(noCluster), /required property 'cluster'/, 'a missing required field')
})

t.test('topology: one instance in staging, three spread over nodes in prod, resources and storage from the props', async (t) => {
  const prod = one(postgresObjects(props()) as K8sObject[], 'Cluster').spec
  t.equal(prod.instances, 3)
  t.same(prod.affinity, { enablePodAntiAffinity: true, podAntiAffinityType: 'required', topologyKey: 'kubernetes.io/hostname' }, 'never two instances on one node')
  t.same(prod.postgresql.synchronous, { method: 'any', number: 1, dataDurability: 'required' }, 'a commit waits for one standby')
  t.same(prod.storage, { size: '20Gi', storageClass: 'ssd' })
  t.same(prod.resources, props().resources)
  t.same(prod.bootstrap, { initdb: { database: 'todo', owner: 'todo' } }, 'a fresh cluster creates the app database and its owner')
  t.equal(prod.enableSuperuserAccess, false, 'no superuser Secret')
  const staging = one(postgresObjects(props({ instances: 1, synchronousReplicas: 0, podAntiAffinity: 'preferred' })) as K8sObject[], 'Cluster').spec
  t.equal(staging.instances, 1)
  t.notOk(staging.postgresql?.synchronous, 'one instance: nothing to wait for')
  t.throws(() => postgresObjects(props({ instances: 1, synchronousReplicas: 1 })), /synchronousReplicas \(1\) must be below instances \(1\)/, 'a sync replica needs a standby')
  t.throws(() => postgresObjects(props({ instances: 0 })), /instances must be an integer ≥ 1/)
})

t.test('backups: daily, from the target in the props, never owned by what Argo CD may delete', async (t) => {
  for (const [name, p] of variants) {
    const objects = postgresObjects(p) as K8sObject[]
    const cluster = one(objects, 'Cluster')
    const scheduled = one(objects, 'ScheduledBackup')
    t.equal(scheduled.spec.cluster.name, cluster.metadata.name, `${name}: backs up its Cluster`)
    const runs = new Cron(scheduled.spec.schedule, { timezone: 'UTC' }).nextRuns(3, new Date('2026-01-01T12:00:00Z'))
    t.same(runs.map((d) => d.toISOString()), ['2026-01-02T03:00:00.000Z', '2026-01-03T03:00:00.000Z', '2026-01-04T03:00:00.000Z'], `${name}: once a day at 03:00 UTC`)
    t.equal(scheduled.spec.immediate, true, `${name}: the first backup at once`)
    t.equal(scheduled.spec.backupOwnerReference, 'none', `${name}: Backups outlive the ScheduledBackup`)
    const method = p.backup.method === 'volumeSnapshot' ? 'volumeSnapshot' : 'barmanObjectStore'
    t.equal(scheduled.spec.method, method, `${name}: method ${method}`)
    t.ok(cluster.spec.backup[method], `${name}: the Cluster configures ${method}`)
    for (const o of [cluster, scheduled]) {
      t.equal(o.metadata.annotations['argocd.argoproj.io/sync-options'], keepOnDelete['argocd.argoproj.io/sync-options'], `${name}: ${o.kind} is never pruned or deleted by Argo CD`)
    }
  }
  const iam = one(postgresObjects(props({ backup: s3Role })) as K8sObject[], 'Cluster').spec
  t.same(iam.backup.barmanObjectStore.s3Credentials, { inheritFromIAMRole: true }, 'IAM role: no credential anywhere')
  t.equal(iam.serviceAccountTemplate.metadata.annotations['eks.amazonaws.com/role-arn'], (s3Role as Parsed).credentials.roleArn, 'the instances\' ServiceAccount carries the role')
  t.equal(iam.backup.retentionPolicy, '30d')
  const sealed = one(postgresObjects(props({ backup: s3Secret })) as K8sObject[], 'Cluster').spec.backup.barmanObjectStore
  t.same(sealed.s3Credentials.accessKeyId, { name: 'todo-db-backup-credentials', key: 'ACCESS_KEY_ID' }, 'a Secret by name only')
  t.equal(sealed.endpointURL, 'https://minio.example.com')
  t.throws(() => postgresObjects(props({ backupSchedule: '0 3 * * *' })), /six fields/, 'a five-field cron would run at the wrong time')
})

t.test('restore: a new Cluster from a Backup, valid against the CRD', async (t) => {
  for (const [name, p] of variants) {
    const restored = recoveryCluster(p, { name: 'todo-db-restore', backupName: 'todo-db-daily-20260101030000' }) as K8sObject
    t.equal(crdErrors(restored), '', `${name}: the recovery Cluster validates`)
    t.same(restored.spec.bootstrap, { recovery: { backup: { name: 'todo-db-daily-20260101030000' }, database: 'todo', owner: 'todo' } }, `${name}: bootstrapped from the backup`)
    t.equal(restored.spec.instances, p.instances, `${name}: same topology`)
  }
  const pitr = recoveryCluster(props({ backup: s3Role }), { name: 'todo-db-pitr', backupName: 'b1', targetTime: '2026-01-01T10:15:00Z' }) as K8sObject
  t.equal(crdErrors(pitr), '', 'a point-in-time recovery validates')
  t.same(pitr.spec.bootstrap.recovery.recoveryTarget, { targetTime: '2026-01-01T10:15:00Z' })
  t.equal(pitr.spec.backup.barmanObjectStore.serverName, 'todo-db-pitr', 'it archives under its own name, not over the source\'s backups')
  t.throws(() => recoveryCluster(props(), { name: 'todo-db', backupName: 'b1' }), /new Cluster/, 'never over the source Cluster')
  t.throws(() => recoveryCluster(props(), { name: 'x', backupName: 'b1', targetTime: '2026-01-01T10:15:00Z' }), /WAL archive/, 'no PITR from snapshots')
})

t.test('the app reads DATABASE_URL from the operator\'s app Secret', async (t) => {
  t.equal(appSecretName('todo-db'), 'todo-db-app')
  t.same(databaseUrlEnv('todo-db'), { name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'todo-db-app', key: 'uri' } } })
})

t.test('NetworkPolicies: app -> 5432, operator -> 8000/5432, instances <-> instances, instances -> API server', async (t) => {
  const p = props()
  const policies = (postgresObjects(p) as K8sObject[]).filter((o) => o.kind === 'NetworkPolicy')
  const db = { 'cnpg.io/cluster': 'todo-db', 'cnpg.io/podRole': 'instance' }
  const app = { app: 'todo-app', tier: 'backend' }
  const operator = { 'app.kubernetes.io/name': 'cloudnative-pg', 'app.kubernetes.io/instance': 'cnpg' }
  type Peer = { labels: Record<string, string>; namespace: string } | { ip: string }
  const peerMatches = (rule: Parsed, peer: Peer, policyNs: string) => (rule ?? []).some((r: Parsed) => {
    if ('ip' in peer) return r.ipBlock && peer.ip.startsWith(r.ipBlock.cidr.split('/')[0])
    if (r.ipBlock) return false
    const inNs = r.namespaceSelector ? selects(r.namespaceSelector, { 'kubernetes.io/metadata.name': peer.namespace }) : peer.namespace === policyNs
    return inNs && (!r.podSelector || selects(r.podSelector, peer.labels))
  })
  const allows = (dir: 'ingress' | 'egress', pod: Record<string, string>, peer: Peer, port: number) =>
    policies.some((pol) => selects(pol.spec.podSelector, pod) && pol.spec.policyTypes.includes(dir === 'ingress' ? 'Ingress' : 'Egress') &&
      (pol.spec[dir] ?? []).some((rule: Parsed) => peerMatches(dir === 'ingress' ? rule.from : rule.to, peer, p.namespace) && rule.ports.some((pp: Parsed) => pp.port === port)))
  const here = (labels: Record<string, string>) => ({ labels, namespace: p.namespace })
  t.ok(allows('egress', app, here(db), 5432) && allows('ingress', db, here(app), 5432), 'the app reaches PostgreSQL')
  t.notOk(allows('ingress', db, here(app), 8000), 'but not the status port')
  t.ok(allows('ingress', db, { labels: operator, namespace: 'cnpg-system' }, 8000) && allows('ingress', db, { labels: operator, namespace: 'cnpg-system' }, 5432), 'the operator reaches 8000 and 5432')
  t.notOk(allows('ingress', db, { labels: operator, namespace: 'todo-app-prod' }, 8000), 'operator-looking pods elsewhere do not')
  t.notOk(allows('ingress', db, { labels: { app: 'other' }, namespace: p.namespace }, 5432), 'other pods of the namespace do not')
  t.ok(allows('egress', db, here(db), 5432) && allows('ingress', db, here(db), 5432), 'instances replicate to each other')
  t.ok(allows('egress', db, { ip: '10.0.0.1' }, 6443), 'instances reach the API server')
  t.ok(allows('ingress', db, { labels: {}, namespace: 'monitoring' }, 9187), 'Prometheus scrapes the exporter')
  const single = (postgresObjects(props({ instances: 1, synchronousReplicas: 0 })) as K8sObject[]).filter((o) => o.kind === 'NetworkPolicy')
  const dbPolicies = single.filter((pol) => selects(pol.spec.podSelector, db))
  t.notOk(dbPolicies.some((pol) => [...(pol.spec.egress ?? []).flatMap((r: Parsed) => r.to ?? []), ...(pol.spec.ingress ?? []).flatMap((r: Parsed) => r.from ?? [])]
    .some((peer: Parsed) => selects(peer.podSelector, db) && !peer.namespaceSelector)), 'one instance: no replication traffic')
  const s3 = (postgresObjects(props({ backup: s3Role })) as K8sObject[]).filter((o) => o.kind === 'NetworkPolicy')
  t.ok(s3.some((pol) => (pol.spec.egress ?? []).some((r: Parsed) => r.ports.some((pp: Parsed) => pp.port === 443))), 'object store: HTTPS out')
  t.notOk(policies.some((pol) => (pol.spec.egress ?? []).some((r: Parsed) => r.ports.some((pp: Parsed) => pp.port === 443))), 'snapshots: nothing leaves the cluster')
})

t.test('the table\'s restore renders the new Cluster from the backup, and the app follows it', async (t) => {
  const env = structuredClone(environments.prod)
  if (env.storage.backend !== 'postgres') throw new Error('prod is expected on postgres')
  env.storage.postgres = { ...env.storage.postgres, name: 'todo-db-r1', restore: { backupName: 'todo-db-daily-20260101030000' } }
  checkEnvironment(env)
  const objects = postgresObjects(postgresProps(env, clusters[env.cluster])) as K8sObject[]
  const cluster = one(objects, 'Cluster')
  t.equal(cluster.metadata.name, 'todo-db-r1')
  t.same(cluster.spec.bootstrap, { recovery: { backup: { name: 'todo-db-daily-20260101030000' }, database: 'todo', owner: 'todo' } }, 'bootstrapped from the backup')
  t.equal(crdErrors(cluster), '', 'valid against the CRD')
  t.equal(one(objects, 'ScheduledBackup').spec.cluster.name, 'todo-db-r1', 'and backed up from then on')
  t.same(storageDeploymentPatch(env).env, [databaseUrlEnv('todo-db-r1')], 'DATABASE_URL from todo-db-r1-app')
  t.ok(objects.filter((o) => o.kind === 'NetworkPolicy').every((p) => JSON.stringify(p).includes('todo-db-r1')), 'its NetworkPolicies select the new Cluster')
})

t.test('with the Prometheus Operator, a PodMonitor scrapes the instances\' exporter', async (t) => {
  const labels = { release: 'kube-prometheus-stack' }
  const objects = postgresObjects(props({ podMonitor: { labels, annotations: {} } })) as K8sObject[]
  const monitor = one(objects, 'PodMonitor')
  t.same(monitor.spec.selector, { matchLabels: { 'cnpg.io/cluster': 'todo-db' } }, 'the Cluster\'s pods')
  t.same(monitor.spec.podMetricsEndpoints, [{ port: 'metrics' }], 'the exporter port')
  t.same(monitor.metadata.labels, labels, 'labelled for Prometheus to select')
  t.equal(await validationErrors(monitor), '', 'valid against the Prometheus Operator schema')
  t.equal(postgresObjects(props()).filter((o) => o.kind === 'PodMonitor').length, 0, 'none without it')
})
