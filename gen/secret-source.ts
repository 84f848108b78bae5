// Where an environment's todo-app-secrets comes from when the table says `external`: the External Secrets
// objects of gen/external-secrets.ts, from the table's externalSecret. docs/secrets.md.
import type { Environment, SecretStore } from './environments.ts'
import { names, partOf, secretKeys, waves } from './constants.ts'
import type { ExternalSecretProps, SecretStoreProvider } from './external-secrets.ts'

function provider(store: SecretStore): SecretStoreProvider {
  if (store.provider === 'vault') {
    return { kind: 'vault', server: store.server, mount: store.kvMount, kvVersion: 'v2', authMount: store.authMountPath, role: store.role }
  }
  return { kind: 'aws-secrets-manager', region: store.region, roleArn: store.roleArn }
}

/** Where the keys live in the store: one secret, one property per key. */
function remoteKey(store: SecretStore): string {
  return store.provider === 'vault' ? store.path : store.secretName
}

export function externalSecretProps(env: Environment): ExternalSecretProps {
  const ext = env.externalSecret
  if (env.secret !== 'external' || !ext) throw new Error(`environments.${env.name}.externalSecret: secret is 'external', so the table must say which store`)
  return {
    namespace: env.namespace,
    secretName: names.secret,
    remoteKey: remoteKey(ext.store),
    // Each Secret key is the property of the same name in the store's secret.
    keys: Object.fromEntries(Object.values(secretKeys).map((k) => [k, k])),
    provider: provider(ext.store),
    refreshInterval: ext.refreshInterval,
    storeName: names.secretStore,
    serviceAccount: names.secretStoreServiceAccount,
    labels: partOf,
    // Before the Deployment, which reads the Secret the operator writes.
    syncWave: waves.prerequisites,
  }
}
