// Where an environment's todo-app-secrets comes from when the table says `external`: the External Secrets
// objects of gen/external-secrets.ts, from the table's secretStore. docs/secrets.md.
import type { Environment } from './environments.ts'
import { externalSecretNames, names, partOf, secretKeys, waves } from './app.ts'
import type { ExternalSecretProps } from './external-secrets.ts'

export function externalSecretProps(env: Environment): ExternalSecretProps {
  if (env.secret !== 'external' || !env.secretStore) throw new Error(`environments.${env.name}: secret 'external' needs secretStore`)
  const s = env.secretStore
  return {
    namespace: env.namespace,
    secretName: names.secret,
    remoteKey: s.remoteKey,
    // Each Secret key is the property of the same name in the store's secret.
    keys: Object.fromEntries(Object.values(secretKeys).map((k) => [k, k])),
    provider: s.provider,
    refreshInterval: s.refreshInterval,
    storeName: externalSecretNames.store,
    serviceAccount: externalSecretNames.serviceAccount,
    labels: partOf,
    // Before the Deployment, which reads the Secret ESO writes.
    syncWave: waves.prerequisites,
  }
}
