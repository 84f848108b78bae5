// The External Secrets objects: valid against the operator's v2.9.0 CRDs (unknown fields rejected, CEL rules
// evaluated), `todo-app-secrets` with the three keys the service reads, a SecretStore that signs in as a
// ServiceAccount of its own (Vault Kubernetes auth or IAM roles for service accounts), no static credential.
import t from 'tap'
import type { ExternalSecretProps, SecretStoreProvider } from '../../gen/external-secrets.ts'
import { externalSecretObjects } from '../../gen/external-secrets.ts'
import { crdErrors } from './crd-schema.ts'
import type { K8sObject } from './helpers.ts'
import { one } from './helpers.ts'

const vault: SecretStoreProvider = { kind: 'vault', server: 'https://vault.example.com:8200', mount: 'secret', kvVersion: 'v2', authMount: 'kubernetes', role: 'todo-app-prod' }
const aws: SecretStoreProvider = { kind: 'aws-secrets-manager', region: 'eu-central-1', roleArn: 'arn:aws:iam::123456789012:role/todo-app-prod-secrets' }

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
  for (const provider of [vault, aws]) {
    const objects = externalSecretObjects(props(provider)) as K8sObject[]
    t.same(objects.map((o) => o.kind).sort(), ['ExternalSecret', 'SecretStore', 'ServiceAccount'], `${provider.kind}: a ServiceAccount, a SecretStore, an ExternalSecret`)
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
  t.same(es.spec.data.map((d: any) => d.secretKey).sort(), ['jwt-secret', 'jwt-secret-previous', 'openai-api-key'])
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
  const a = externalSecretObjects(props(aws)) as K8sObject[]
  t.same(one(a, 'SecretStore').spec.provider.aws, { service: 'SecretsManager', region: 'eu-central-1', auth: { jwt: { serviceAccountRef: { name: 'todo-app-secrets-reader' } } } }, 'AWS: IRSA token exchange')
  t.equal(one(a, 'ServiceAccount').metadata.annotations['eks.amazonaws.com/role-arn'], aws.kind === 'aws-secrets-manager' ? aws.roleArn : '', 'the role on the ServiceAccount')
  for (const objects of [v, a]) {
    const text = JSON.stringify(objects)
    t.notMatch(text, /secretRef|tokenSecretRef|accessKeyIDSecretRef|appRole/, 'no Secret-based credential is referenced')
  }
})
