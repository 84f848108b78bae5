// An `external` environment's todo-app-secrets: an ExternalSecret that the External Secrets Operator turns
// into the Secret, the SecretStore it reads (Vault's Kubernetes auth or AWS IAM roles for service accounts),
// and the ServiceAccount whose identity the store trusts. No credential in git: Vault checks the account's
// token with the cluster, AWS trades it for the role's credentials. Rendered in the prerequisites wave, so
// Argo CD waits for the ExternalSecret to be Ready (its built-in health check) before the Deployment.
import type { Environment, SecretStore } from './environments.ts'
import { names, partOf, secretKeys, syncWaveKey, waves } from './app.ts'
import type { KubeObject } from './chart.ts'

const apiVersion = 'external-secrets.io/v1'
const prerequisite = { [syncWaveKey]: waves.prerequisites }
const meta = (name: string, extra: Record<string, unknown> = {}) => ({ name, labels: partOf, annotations: prerequisite, ...extra })

function serviceAccount(store: SecretStore): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: {
      ...meta(names.secretStoreServiceAccount),
      // IRSA: EKS injects credentials for this role into whoever uses the account's token (the operator, here).
      annotations: { ...prerequisite, ...(store.provider === 'aws-secrets-manager' ? { 'eks.amazonaws.com/role-arn': store.roleArn } : {}) },
    },
    // The operator asks for a token itself (TokenRequest); no pod mounts one.
    automountServiceAccountToken: false,
  }
}

function provider(store: SecretStore): Record<string, unknown> {
  const serviceAccountRef = { name: names.secretStoreServiceAccount }
  if (store.provider === 'vault') {
    return {
      vault: {
        server: store.server,
        path: store.kvMount,
        version: 'v2',
        auth: { kubernetes: { mountPath: store.authMountPath, role: store.role, serviceAccountRef } },
      },
    }
  }
  return { aws: { service: 'SecretsManager', region: store.region, auth: { jwt: { serviceAccountRef } } } }
}

/** Where each key of todo-app-secrets is in the store: one secret, one property per key. */
function remoteKey(store: SecretStore): string {
  return store.provider === 'vault' ? store.path : store.secretName
}

export function externalSecretObjects(env: Environment): KubeObject[] {
  if (env.secret !== 'external') return []
  const ext = env.externalSecret
  if (!ext) throw new Error(`environments.${env.name}.externalSecret: secret is 'external', so the table must say which store`)
  return [
    serviceAccount(ext.store),
    {
      apiVersion,
      kind: 'SecretStore',
      metadata: meta(names.secretStore),
      spec: { provider: provider(ext.store) },
    },
    {
      apiVersion,
      kind: 'ExternalSecret',
      metadata: meta(names.secret),
      spec: {
        refreshInterval: ext.refreshInterval,
        secretStoreRef: { kind: 'SecretStore', name: names.secretStore },
        // Owner: the Secret belongs to the ExternalSecret. Retain: if the store loses the values, the last
        // Secret stays (and the pods keep running); an unreachable store never empties it either.
        target: { name: names.secret, creationPolicy: 'Owner', deletionPolicy: 'Retain' },
        data: Object.values(secretKeys).map((key) => ({ secretKey: key, remoteRef: { key: remoteKey(ext.store), property: key } })),
      },
    },
  ]
}
