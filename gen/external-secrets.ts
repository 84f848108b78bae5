// The service's Secret from an external store through the External Secrets Operator (FR-42, prod): a
// SecretStore that signs in with a Kubernetes identity of its own (no static credential in git), and the
// ExternalSecret that keeps `todo-app-secrets` in step with the store. Field reference: the CRDs of External
// Secrets v2.9.0 (test/schemas/crds/), against which the tests validate. Rotation: docs/secrets.md.
import { ApiObject } from 'cdk8s'
import { k8s } from 'cdk8s-plus-28'
import { Construct } from 'constructs'
import { objectsOf } from './chart.ts'
import type { KubeObject } from './chart.ts'
import { syncWaveKey } from './constants.ts'

const esoApiVersion = 'external-secrets.io/v1'

/**
 * The store and how ESO authenticates to it, always as the dedicated ServiceAccount `serviceAccount` (ESO asks
 * the API server for a short-lived token of it; no pod runs as it):
 * - vault: HashiCorp Vault, KV engine mounted at `mount`, Kubernetes auth method at `authMount` with `role`
 *   bound to that ServiceAccount and namespace.
 * - aws-secrets-manager: AWS Secrets Manager in `region`, with IAM roles for service accounts: the ServiceAccount
 *   carries the role ARN, ESO exchanges its token for that role (auth.jwt).
 */
export type SecretStoreProvider =
  | { readonly kind: 'vault'; readonly server: string; readonly mount: string; readonly kvVersion: 'v1' | 'v2'; readonly authMount: string; readonly role: string }
  | { readonly kind: 'aws-secrets-manager'; readonly region: string; readonly roleArn: string }

export interface ExternalSecretProps {
  readonly namespace: string
  /** The Secret that ESO writes (and owns). */
  readonly secretName: string
  /** Where the values live in the store: a KV path (Vault) or a secret name (AWS); each key is a property of it. */
  readonly remoteKey: string
  /** Secret key -> property of `remoteKey`. */
  readonly keys: Record<string, string>
  readonly provider: SecretStoreProvider
  /** How often ESO re-reads the store (Go duration, e.g. 1h): the delay between a rotation in the store and the Secret. */
  readonly refreshInterval: string
  readonly storeName: string
  readonly serviceAccount: string
  readonly labels: Record<string, string>
  /** Argo CD sync wave: before the Deployment that mounts the Secret. */
  readonly syncWave: string
}

const goDuration = /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/

function provider(p: SecretStoreProvider, serviceAccount: string): Record<string, unknown> {
  if (p.kind === 'vault') {
    return {
      vault: {
        server: p.server,
        path: p.mount,
        version: p.kvVersion,
        auth: { kubernetes: { mountPath: p.authMount, role: p.role, serviceAccountRef: { name: serviceAccount } } },
      },
    }
  }
  return { aws: { service: 'SecretsManager', region: p.region, auth: { jwt: { serviceAccountRef: { name: serviceAccount } } } } }
}

class ExternalSecretSource extends Construct {
  constructor(scope: Construct, id: string, p: ExternalSecretProps) {
    super(scope, id)
    if (!goDuration.test(p.refreshInterval)) throw new Error(`external secret: refreshInterval '${p.refreshInterval}' is not a duration like 1h or 15m`)
    if (Object.keys(p.keys).length === 0) throw new Error('external secret: no keys')
    if (p.provider.kind === 'vault' && !/^https:\/\//.test(p.provider.server)) throw new Error(`external secret: Vault server '${p.provider.server}' must be an https:// URL`)
    const meta = (name: string, annotations: Record<string, string> = {}) =>
      ({ name, namespace: p.namespace, labels: p.labels, annotations: { [syncWaveKey]: p.syncWave, ...annotations } })

    new k8s.KubeServiceAccount(this, 'sa', {
      metadata: {
        ...meta(p.serviceAccount, p.provider.kind === 'aws-secrets-manager' ? { 'eks.amazonaws.com/role-arn': p.provider.roleArn } : {}),
      },
      automountServiceAccountToken: false,
    })
    if (p.provider.kind === 'vault') {
      // Vault's Kubernetes auth with no reviewer token of its own reviews each login with the caller's own
      // token (TokenReview), which needs system:auth-delegator; without it every login is a 403.
      new k8s.KubeClusterRoleBinding(this, 'token-review', {
        metadata: {
          name: `${p.namespace}-${p.serviceAccount}-token-review`,
          labels: p.labels,
          annotations: { [syncWaveKey]: p.syncWave },
        },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:auth-delegator' },
        subjects: [{ kind: 'ServiceAccount', name: p.serviceAccount, namespace: p.namespace }],
      })
    }
    new ApiObject(this, 'store', {
      apiVersion: esoApiVersion,
      kind: 'SecretStore',
      metadata: meta(p.storeName),
      spec: { provider: provider(p.provider, p.serviceAccount) },
    })
    new ApiObject(this, 'external-secret', {
      apiVersion: esoApiVersion,
      kind: 'ExternalSecret',
      metadata: meta(p.secretName),
      spec: {
        refreshPolicy: 'Periodic',
        refreshInterval: p.refreshInterval,
        secretStoreRef: { kind: 'SecretStore', name: p.storeName },
        target: {
          name: p.secretName,
          // ESO owns the Secret; if the store loses a value, the last Secret stays (the pods keep running).
          creationPolicy: 'Owner',
          deletionPolicy: 'Retain',
        },
        data: Object.entries(p.keys).map(([secretKey, property]) => ({ secretKey, remoteRef: { key: p.remoteKey, property } })),
      },
    })
  }
}

export function externalSecretObjects(p: ExternalSecretProps): KubeObject[] {
  return objectsOf((chart) => {
    new ExternalSecretSource(chart, 'external-secret', p)
  })
}
