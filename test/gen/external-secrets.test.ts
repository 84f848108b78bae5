// todo-app-secrets from an external store (prod). The construct (gen/external-secrets.ts): valid against the
// operator's v2.9.0 CRDs (unknown fields rejected, CEL rules evaluated), the three keys the service reads, a
// SecretStore that signs in as a ServiceAccount of its own (Vault Kubernetes auth or AWS IRSA), no static
// credential. What prod renders: an ExternalSecret and its SecretStore and ServiceAccount, no SealedSecret,
// applied before the Deployment, judged Ready by the health check in argocd-cm, Reloader told to roll the pods
// when the Secret changes.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Environment } from '../../gen/environments.ts'
import { clusters, environments } from '../../gen/environments.ts'
import type { ExternalSecretProps, SecretStoreProvider } from '../../gen/external-secrets.ts'
import { externalSecretObjects } from '../../gen/external-secrets.ts'
import { externalSecretProps } from '../../gen/secret-source.ts'
import { postgresOf } from '../../gen/database.ts'
import { reloader } from '../../gen/addons.ts'
import { checkEnvironment } from '../../gen/check-table.ts'
import { installDir } from '../../gen/argocd.ts'
import { crdErrors } from './crd-schema.ts'
import type { K8sObject } from './helpers.ts'
import { find, kustomize, one, parseYaml, root } from './helpers.ts'
import { validationErrors } from './validate.ts'
import { applyOrder, syncChild, type ClusterState } from './argocd-sync-model.ts'
import { runHealthCheck } from './lua-health.ts'
import type { Parsed } from '../helpers/parsed.ts'

const vault: SecretStoreProvider = { kind: 'vault', server: 'https://vault.example.com:8200', mount: 'secret', kvVersion: 'v2', authMount: 'kubernetes', role: 'todo-app-prod' }
const awsProvider: SecretStoreProvider = { kind: 'aws-secrets-manager', region: 'eu-central-1', roleArn: 'arn:aws:iam::123456789012:role/todo-app-prod-secrets' }

function props(provider: SecretStoreProvider, over: Partial<ExternalSecretProps> = {}): ExternalSecretProps {
  return {
    namespace: 'todo-app-prod',
    secretName: 'todo-app-secrets',
    remoteKey: 'todo-app/prod',
    keys: { 'openai-api-key': 'openai-api-key', 'jwt-secret': 'jwt-secret', 'jwt-secret-previous': 'jwt-secret-previous' },
    provider,
    refreshInterval: '1h',
    storeName: 'todo-app-store',
    serviceAccount: 'todo-app-secrets-reader',
    labels: { 'app.kubernetes.io/part-of': 'todo-gitops' },
    syncWave: '-1',
    ...over,
  }
}

t.test('every rendered ESO object validates against the v2.9.0 CRDs', async (t) => {
  for (const provider of [vault, awsProvider]) {
    const objects = externalSecretObjects(props(provider)) as K8sObject[]
    const kinds = provider.kind === 'vault' ? ['ClusterRoleBinding', 'ExternalSecret', 'SecretStore', 'ServiceAccount'] : ['ExternalSecret', 'SecretStore', 'ServiceAccount']
    t.same(objects.map((o) => o.kind).sort(), kinds, `${provider.kind}: a ServiceAccount, a SecretStore, an ExternalSecret (Vault: and the token-review binding)`)
    for (const o of objects.filter((o) => o.apiVersion.startsWith('external-secrets.io/'))) t.equal(crdErrors(o), '', `${provider.kind}: ${o.kind} ${o.metadata.name}`)
  }
})

t.test('the validator rejects a broken store and an unknown field', async (t) => {
  const store = one(externalSecretObjects(props(vault)) as K8sObject[], 'SecretStore')
  const noRole = structuredClone(store)
  delete noRole.spec.provider.vault.auth.kubernetes.role
  t.match(crdErrors(noRole), /required property 'role'/, 'Kubernetes auth without a role')
  const typo = structuredClone(store)
  typo.spec.provider.vault.sever = typo.spec.provider.vault.server
  t.match(crdErrors(typo), /additional properties: sever/, 'a typo')
  const es = one(externalSecretObjects(props(vault)) as K8sObject[], 'ExternalSecret')
  const badKey = structuredClone(es)
  badKey.spec.data[0].secretKey = 'openai api key'
  t.match(crdErrors(badKey), /secretKey must match pattern/, 'a Secret key Kubernetes refuses')
  const badKind = structuredClone(es)
  badKind.spec.secretStoreRef.kind = 'VaultStore'
  t.match(crdErrors(badKind), /allowed values/, 'an unknown store kind')
})

t.test('todo-app-secrets: the three keys from one remote secret, refreshed periodically, kept if the store loses them', async (t) => {
  const es = one(externalSecretObjects(props(vault)) as K8sObject[], 'ExternalSecret')
  t.equal(es.metadata.name, 'todo-app-secrets')
  t.same(es.spec.target, { name: 'todo-app-secrets', creationPolicy: 'Owner', deletionPolicy: 'Retain' })
  t.same(es.spec.data.map((d: Parsed) => d.secretKey).sort(), ['jwt-secret', 'jwt-secret-previous', 'openai-api-key'])
  for (const d of es.spec.data) t.same(d.remoteRef, { key: 'todo-app/prod', property: d.secretKey }, `${d.secretKey} from todo-app/prod`)
  t.same([es.spec.refreshPolicy, es.spec.refreshInterval], ['Periodic', '1h'])
  t.same(es.spec.secretStoreRef, { kind: 'SecretStore', name: 'todo-app-store' })
  t.equal(es.metadata.annotations['argocd.argoproj.io/sync-wave'], '-1', 'its own wave, before the Deployment')
  t.throws(() => externalSecretObjects(props(vault, { refreshInterval: 'hourly' })), /refreshInterval 'hourly'/)
  t.throws(() => externalSecretObjects(props({ ...vault, server: 'http://vault:8200' } as SecretStoreProvider)), /https/, 'Vault only over TLS')
})

t.test('the store signs in as a ServiceAccount of its own; nothing static', async (t) => {
  const v = externalSecretObjects(props(vault)) as K8sObject[]
  t.same(one(v, 'SecretStore').spec.provider.vault.auth, { kubernetes: { mountPath: 'kubernetes', role: 'todo-app-prod', serviceAccountRef: { name: 'todo-app-secrets-reader' } } }, 'Vault Kubernetes auth')
  const sa = one(v, 'ServiceAccount')
  t.equal(sa.metadata.name, 'todo-app-secrets-reader')
  t.equal(sa.automountServiceAccountToken, false, 'no pod mounts its token')
  const a = externalSecretObjects(props(awsProvider)) as K8sObject[]
  t.same(one(a, 'SecretStore').spec.provider.aws, { service: 'SecretsManager', region: 'eu-central-1', auth: { jwt: { serviceAccountRef: { name: 'todo-app-secrets-reader' } } } }, 'AWS: IRSA token exchange')
  t.equal(one(a, 'ServiceAccount').metadata.annotations['eks.amazonaws.com/role-arn'], awsProvider.kind === 'aws-secrets-manager' ? awsProvider.roleArn : '', 'the role on the ServiceAccount')
  for (const objects of [v, a]) {
    const text = JSON.stringify(objects)
    t.notMatch(text, /secretRef|tokenSecretRef|accessKeyIDSecretRef|appRole/, 'no Secret-based credential is referenced')
  }
})

// Vault's Kubernetes auth method without a token_reviewer_jwt reviews a login with the caller's own token
// (TokenReview API), which needs the ClusterRole system:auth-delegator (Vault docs, "Kubernetes auth method",
// "Use the Vault client's JWT as the reviewer JWT"); without that binding every login is a 403.
t.test('Vault: the store\'s ServiceAccount may review tokens (system:auth-delegator), AWS needs no such binding', async (t) => {
  const binding = one(externalSecretObjects(props(vault)) as K8sObject[], 'ClusterRoleBinding')
  t.same(binding.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:auth-delegator' })
  t.same(binding.subjects, [{ kind: 'ServiceAccount', name: 'todo-app-secrets-reader', namespace: 'todo-app-prod' }], 'only the store\'s account')
  t.equal(binding.metadata.namespace, undefined, 'cluster-scoped')
  t.notOk((externalSecretObjects(props(awsProvider)) as K8sObject[]).some((o) => o.kind === 'ClusterRoleBinding'), 'IRSA: no binding')
})

// ---- what prod renders ------------------------------------------------------------------------------------------

const prod = environments.prod
const built = await kustomize('overlays/prod')
const checks: Record<string, string> = parseYaml(readFileSync(join(root, installDir, 'argocd-cm.yaml'), 'utf8'))[0].data
const aws: Environment = {
  ...structuredClone(prod),
  externalSecret: { store: { provider: 'aws-secrets-manager', region: 'eu-west-1', secretName: 'todo-app/prod', roleArn: 'arn:aws:iam::123456789012:role/todo-app-prod-secrets' }, refreshInterval: '1h' },
}

t.test('prod renders an ExternalSecret and its SecretStore, no SealedSecret', async (t) => {
  t.equal(prod.secret, 'external')
  t.equal(find(built, 'SealedSecret').length, 0, 'no SealedSecret')
  t.equal(find(built, 'Secret').length, 0, 'no Secret in git')
  const es = one(built, 'ExternalSecret', 'todo-app-secrets')
  t.equal(es.metadata.namespace, prod.namespace)
  t.equal(es.spec.target.name, 'todo-app-secrets', 'writes the Secret the pods read')
  t.same(es.spec.data.map((d: Parsed) => d.secretKey), ['openai-api-key', 'jwt-secret', 'jwt-secret-previous'])
  t.equal(es.spec.refreshInterval, prod.externalSecret!.refreshInterval)
  t.equal(es.spec.target.deletionPolicy, 'Retain', 'values gone from the store: the last Secret stays')
  const store = one(built, 'SecretStore', es.spec.secretStoreRef.name)
  t.same(Object.keys(store.spec.provider), ['vault'], 'the table\'s store')
  t.equal(store.spec.provider.vault.auth.kubernetes.role, (prod.externalSecret!.store as Parsed).role)
  const sa = one(built, 'ServiceAccount', store.spec.provider.vault.auth.kubernetes.serviceAccountRef.name)
  t.equal(sa.automountServiceAccountToken, false, 'the identity is asked for by the operator, mounted nowhere')
  const text = JSON.stringify([store, es, sa])
  t.notMatch(text, /SecretRef|secretAccessKey|accessKeyID|"token"|password|"credentials"/i, "no static credential, nor a reference to a Secret holding one")
  const env = one(built, 'Deployment', 'todo-app-deployment').spec.template.spec.containers[0].env
  t.same(env.find((e: Parsed) => e.name === 'JWT_SECRET_PREVIOUS').valueFrom.secretKeyRef, { name: 'todo-app-secrets', key: 'jwt-secret-previous', optional: true }, 'the previous JWT key reaches the pods')
})

t.test('valid against the operator\'s CRDs, for Vault and for AWS Secrets Manager', async (t) => {
  const renders: [string, K8sObject[]][] = [['vault', built.filter((o) => o.apiVersion.startsWith('external-secrets.io/'))], ['aws', externalSecretObjects(externalSecretProps(aws)) as K8sObject[]]]
  for (const [name, objects] of renders) {
    t.ok(objects.length >= 2, `${name}: ${objects.length} objects`)
    for (const o of objects) t.equal(await validationErrors({ ...o, metadata: { namespace: prod.namespace, ...o.metadata } }), '', `${name}: ${o.kind} ${o.metadata.name}`)
  }
  const awsObjects = externalSecretObjects(externalSecretProps(aws)) as K8sObject[]
  t.equal(one(awsObjects, 'ServiceAccount').metadata.annotations['eks.amazonaws.com/role-arn'], 'arn:aws:iam::123456789012:role/todo-app-prod-secrets', 'IRSA: the role on the ServiceAccount')
  t.same(one(awsObjects, 'SecretStore').spec.provider.aws.auth, { jwt: { serviceAccountRef: { name: 'todo-app-secret-store' } } })
  // The validator bites.
  const es = structuredClone(one(built, 'ExternalSecret'))
  es.spec.secretStoreRef.kind = 'Vault'
  t.match(await validationErrors(es), /kind/, 'a store kind the CRD does not allow')
  const store = structuredClone(one(built, 'SecretStore'))
  store.spec.provider.vault.version = 'v3'
  t.match(await validationErrors(store), /version/, 'a KV version the CRD does not allow')
  t.match(await validationErrors({ ...es, apiVersion: 'external-secrets.io/v1beta1' }), /not a served version/, 'v1beta1 is no longer served')
})

t.test('the table: an external environment names its store, and its cluster has it', async (t) => {
  t.doesNotThrow(() => checkEnvironment(prod))
  const noStore = { ...structuredClone(prod), externalSecret: undefined }
  t.throws(() => checkEnvironment(noStore), /environments\.prod\.externalSecret: secret is 'external': name the store/)
  t.throws(() => checkEnvironment(aws), /environments\.prod\.externalSecret\.store: cluster prod has no aws-secrets-manager among its prerequisites/)
  t.throws(() => checkEnvironment({ ...structuredClone(prod), secret: 'sealed' }), /only an environment with secret 'external' reads an external store/)
  t.throws(() => checkEnvironment({ ...structuredClone(prod), externalSecret: { ...prod.externalSecret!, refreshInterval: 'hourly' } }), /refreshInterval: 'hourly' is not a duration/)
})

t.test('sync order and health: the ExternalSecret is Ready before the Deployment starts', async (t) => {
  const order = applyOrder(built).map((o) => `${o.kind}/${o.metadata.name}`)
  for (const before of ['ServiceAccount/todo-app-secret-store', 'SecretStore/todo-app-secret-store', 'ExternalSecret/todo-app-secrets']) {
    t.ok(order.indexOf(before) < order.indexOf('Deployment/todo-app-deployment'), `${before} before the Deployment`)
  }
  const ready = (s: Partial<ClusterState>): ClusterState => ({
    name: 'prod', storageClasses: new Map([[postgresOf(prod)!.storage.storageClass, 'WaitForFirstConsumer']]), crdGroups: new Set(['external-secrets.io', 'monitoring.coreos.com', 'postgresql.cnpg.io']),
    objects: new Set(), localImages: new Set(), metricsApi: true, ingressController: true, sealedSecretsController: false,
    externalSecretsController: true, secretStores: new Set(['vault']), cnpgOperator: true, ...s,
  })
  const app = { metadata: { name: 'todo-app-prod' }, spec: { syncPolicy: { automated: {} } } } as Parsed
  const ok = syncChild({ app, objects: built }, ready({}), new Set(), checks)
  t.equal(ok.health, 'Healthy', `store reachable: the Secret is written and the pods start ${ok.reasons.join('; ')}`)
  const down = syncChild({ app, objects: built }, ready({ secretStores: new Set() }), new Set(), checks)
  t.equal(down.health, 'Degraded', 'store unreachable on a first sync: Degraded, not Progressing forever')
  t.match(down.reasons.join(), /ExternalSecret todo-app-secrets: Degraded \(could not reach the vault store\).*later waves wait/, 'and the Deployment\'s wave is not applied')
  t.notOk(down.applied.some((o) => o.kind === 'Deployment'), 'no pod starts without its Secret')
  const noOperator = syncChild({ app, objects: built }, ready({ externalSecretsController: false }), new Set(), checks)
  t.match(noOperator.reasons.join(), /Waiting for the External Secrets Operator/)
})

t.test('the Ready-condition health check', async (t) => {
  const lua = checks['resource.customizations.health.external-secrets.io_ExternalSecret']
  t.equal(runHealthCheck(lua, {}).status, 'Progressing', 'no status yet')
  t.equal(runHealthCheck(lua, { status: { conditions: [{ type: 'Ready', status: 'True', message: 'ok' }] } }).status, 'Healthy')
  t.same(runHealthCheck(lua, { status: { conditions: [{ type: 'Ready', status: 'False', message: 'permission denied' }] } }), { status: 'Degraded', message: 'permission denied' })
  t.equal(checks['resource.customizations.health.external-secrets.io_SecretStore'], lua, 'the same rule for the SecretStore')
})

t.test('rotation: Reloader rolls the pods when todo-app-secrets changes, where it can change', async (t) => {
  for (const name of ['staging', 'prod'] as const) {
    const d = one(await kustomize(`overlays/${name}`), 'Deployment', 'todo-app-deployment')
    t.equal(d.metadata.annotations?.['secret.reloader.stakater.com/reload'], 'todo-app-secrets', `${name}: rolled on a Secret change`)
    t.equal(d.spec.strategy.rollingUpdate.maxUnavailable, 0, `${name}: one pod at a time, none missing`)
  }
  const dev = one(await kustomize('overlays/dev'), 'Deployment', 'todo-app-deployment')
  t.notOk(dev.metadata.annotations?.['secret.reloader.stakater.com/reload'], 'dev: the bootstrap restarts the pods itself')
  t.ok(clusters.prod.prerequisites.some((p) => p.kind === 'secret-store'), 'prod\'s store is a prerequisite of its cluster')
  const prodRoot = await kustomize('argocd/clusters/prod')
  const reloaderApp = one(prodRoot, 'Application', `${reloader.releaseName}-prod`)
  t.equal(reloaderApp.spec.source.helm.valuesObject.reloader.reloadStrategy, 'annotations', 'Reloader rolls by annotation, which Argo CD\'s self-heal leaves alone')
})
