// The renderer's small pieces: image references, canonical quantities, and the table check that turns a
// typo into a message naming the field.
import t from 'tap'
import { kustomizeImage, parseImageRef } from '../../gen/image.ts'
import { canonicalQuantity, requireCanonical } from '../../gen/quantity.ts'
import { checkEnvironment } from '../../gen/check-table.ts'
import { clusters, environments } from '../../gen/environments.ts'
import { configDelta } from '../../gen/overlay.ts'
import { baseConfig, names } from '../../gen/constants.ts'
import { ollamaPort } from '../../gen/ollama.ts'
import type { Parsed } from '../helpers/parsed.ts'

const digest = `sha256:${'a'.repeat(64)}`

t.test('image references become kustomize images: entries', async (t) => {
  t.same(kustomizeImage('todo-app', 'todo-app:3.0.0-dev'), { name: 'todo-app', newTag: '3.0.0-dev' }, 'same name: tag only')
  t.same(kustomizeImage('todo-app', 'ghcr.io/evolution-of-todo/todo-app:3.0.0'),
    { name: 'todo-app', newName: 'ghcr.io/evolution-of-todo/todo-app', newTag: '3.0.0' }, 'registry: newName and newTag')
  t.same(kustomizeImage('todo-app', `localhost:5000/todo-app@${digest}`),
    { name: 'todo-app', newName: 'localhost:5000/todo-app', digest }, 'a registry port is not a tag; a digest pins')
  t.same(parseImageRef(`ghcr.io/x/todo-app:abc123@${digest}`), { repository: 'ghcr.io/x/todo-app', tag: 'abc123', digest }, 'tag and digest')
  for (const bad of ['', 'todo-app', 'Todo-App:1', 'todo-app:', 'todo-app@sha256:123', 'todo app:1', 'todo-app:-x']) {
    t.throws(() => parseImageRef(bad), new RegExp(`image '${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}' is not a valid image reference`), `rejects '${bad}'`)
  }
})

t.test('quantities are written the way the API server prints them', async (t) => {
  t.same(['1000m', '2000m', '250m', '1024Mi', '1536Mi', '1048576Ki', '2', '512Mi'].map(canonicalQuantity),
    ['1', '2', '250m', '1Gi', '1536Mi', '1Gi', '2', '512Mi'])
  t.throws(() => requireCanonical('environments.prod.resources.limits.memory', '1024Mi'), /environments\.prod\.resources\.limits\.memory: write '1Gi' instead of '1024Mi'/)
  t.throws(() => canonicalQuantity('0.5'), /not supported/)
})

t.test('the table is checked before anything is rendered', async (t) => {
  for (const env of Object.values(environments)) t.doesNotThrow(() => checkEnvironment(env), `${env.name} is valid`)
  const broken = (edit: (e: Parsed) => void) => {
    const e = structuredClone(environments.prod)
    edit(e)
    return () => checkEnvironment(e)
  }
  t.throws(broken((e) => { e.cluster = 'moon' }), /environments\.prod\.cluster: 'moon' is not in the clusters table/)
  t.throws(broken((e) => { e.storage.postgres.storage.storageClass = 'fast' }), /environments\.prod\.storage\.postgres\.storage\.storageClass: 'fast' is not a StorageClass of cluster prod/)
  t.throws(broken((e) => { e.exposure.tls.clusterIssuer = 'letsencrypt-staging' }), /environments\.prod\.exposure\.tls\.clusterIssuer: 'letsencrypt-staging' is not a cert-manager ClusterIssuer of cluster prod/)
  t.throws(() => checkEnvironment(environments.prod, { ...clusters.prod, prerequisites: clusters.prod.prerequisites.filter((p) => p.kind !== 'prometheus-operator') }),
    /environments\.prod\.monitoring: cluster prod has no prometheus-operator/)
  const dev = structuredClone(environments.dev) as Parsed
  dev.ollama.firstStartSeconds = 60
  t.throws(() => checkEnvironment(dev), /environments\.dev\.ollama\.firstStartSeconds: must be a whole number of seconds ≥ 600/, 'a first start needs time to pull')
  t.throws(broken((e) => { e.resources.limits.cpu = '1000m' }), /environments\.prod\.resources\.limits\.cpu: write '1'/)
  t.throws(broken((e) => { e.image = 'todo-app' }), /environments\.prod\.image: .*needs a tag or a digest/)
  t.throws(broken((e) => { e.replicas = 0 }), /environments\.prod\.replicas/)
  t.throws(broken((e) => { e.podDisruptionBudget.minAvailable = 3 }), /podDisruptionBudget\.minAvailable/)
  t.throws(broken((e) => { e.exposure.nodePort = 30080 }), /exposure\.nodePort: only a NodePort service/)
  t.throws(broken((e) => { e.namespace = 'Todo_Prod' }), /environments\.prod\.namespace/)
  t.throws(broken((e) => { e.config.TRUST_PROXY = -1 }), /environments\.prod\.config\.TRUST_PROXY: the service would refuse to start: Invalid TRUST_PROXY="-1": must be a whole number from 0 to 10/)
  t.throws(broken((e) => { e.config.TRUST_PROXY = 1.5 }), /environments\.prod\.config\.TRUST_PROXY/)
  t.throws(broken((e) => { e.config.AI_BACKEND = 'ollama' }), /environments\.prod\.ollama: config\.AI_BACKEND is ollama/)
})

t.test('storage: SQLite only for one replica on a local volume, PostgreSQL settings the operator accepts', async (t) => {
  const prod = (edit: (e: Parsed) => void) => {
    const e = structuredClone(environments.prod) as Parsed
    edit(e)
    return () => checkEnvironment(e)
  }
  const sqliteProd = (e: Parsed) => { e.storage = { backend: 'sqlite', storageClassName: 'csi-block', accessMode: 'ReadWriteOnce', size: '20Gi' } }
  t.throws(prod(sqliteProd), /environments\.prod\.storage\.backend: SQLite serves one replica on its own volume; with autoscaling use 'postgres'/, 'several replicas never share a SQLite file')
  t.throws(prod((e) => { sqliteProd(e); delete e.autoscaling; delete e.podDisruptionBudget }), /with 3 replicas use 'postgres'/)
  t.throws(() => {
    const dev = structuredClone(environments.dev) as Parsed
    dev.storage.accessMode = 'ReadWriteMany'
    checkEnvironment(dev)
  }, /environments\.dev\.storage\.accessMode: SQLite needs a local ReadWriteOnce volume/, 'never on a shared filesystem')
  t.throws(prod((e) => { e.storage.postgres.synchronousReplicas = 3 }), /synchronousReplicas: must be a whole number below instances \(3\)/)
  t.throws(prod((e) => { e.storage.postgres.instances = 0 }), /storage\.postgres\.instances/)
  t.throws(prod((e) => { e.storage.postgres.storage.size = '20480Mi' }), /storage\.postgres\.storage\.size: write '20Gi'/)
  t.throws(prod((e) => { e.storage.postgres.backup.snapshotClass = 'nope' }), /backup\.snapshotClass: 'nope' is not a VolumeSnapshotClass of cluster prod/)
  t.throws(prod((e) => { e.storage.postgres.restore = { backupName: 'b1', targetTime: '2026-01-01T00:00:00Z' } }), /restore\.targetTime: point-in-time recovery needs the WAL archive/)
  t.throws(prod((e) => { e.storage.postgres.name = 'Todo DB' }), /storage\.postgres\.name/)
  t.throws(() => checkEnvironment(environments.prod, { ...clusters.prod, apiServer: undefined }), /environments\.prod\.storage: postgres needs clusters\.prod\.apiServer/)
  t.doesNotThrow(prod((e) => {
    e.storage.postgres.backup = { method: 'objectStore', destinationPath: 's3://b/prod', retentionPolicy: '30d', credentials: { from: 'iamRole', roleArn: 'arn:aws:iam::1:role/r' } }
    e.storage.postgres.restore = { backupName: 'todo-db-daily-20260101030000', targetTime: '2026-01-01T10:00:00Z' }
  }), 'PITR from an object store')
  t.throws(prod((e) => { e.storage.postgres.backup = { method: 'objectStore', destinationPath: 's3://b', retentionPolicy: '30 days', credentials: { from: 'secret', secretName: 's' } } }), /retentionPolicy: '30 days'/)
})

t.test('secret source: the external store is reached over TLS', async (t) => {
  const e = structuredClone(environments.prod) as Parsed
  e.externalSecret.store.server = 'http://vault:8200'
  t.throws(() => checkEnvironment(e), /environments\.prod\.externalSecret\.store\.server: Vault is reached over TLS only/)
})

t.test('an overlay merges only the config values that differ from the base', async (t) => {
  const delta = configDelta(environments.prod)
  t.ok(delta.includes('LOG_LEVEL=WARNING'), 'a differing value is merged')
  const behindTwoProxies = structuredClone(environments.prod)
  behindTwoProxies.config.TRUST_PROXY = 2
  t.ok(configDelta(behindTwoProxies).includes('TRUST_PROXY=2'), 'a number is written as its digits')
  for (const line of delta) {
    const [k, v] = line.split('=')
    t.not(baseConfig[k], v, `${k} differs from the base`)
  }
})

t.test('the Ollama settings come from the table\'s ollama entry, not from config', async (t) => {
  const dev = structuredClone(environments.dev)
  dev.ollama!.model = 'qwen2.5:0.5b'
  const delta = configDelta(dev)
  t.ok(delta.includes('OLLAMA_MODEL=qwen2.5:0.5b'), 'the model follows ollama.model')
  t.ok(delta.includes(`OLLAMA_ENDPOINT=http://${names.ollama.service}:${ollamaPort}`), 'the endpoint is the Ollama Service')
  t.notOk(configDelta(environments.prod).some((l) => l.startsWith('OLLAMA_')), 'no Ollama, no OLLAMA_ settings')
})
