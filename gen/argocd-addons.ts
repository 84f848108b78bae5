// Which cluster add-ons (pinned Helm charts, one Argo CD Application each) a cluster needs, from what its
// environments use. One place decides it; gen/argocd.ts renders the Applications, gen/overlay.ts the
// annotations that rely on them.
import type { Cluster, Environment } from './environments.ts'
import { argocd } from './environments.ts'
import { cloudnativePg, externalSecrets, reloader } from './addons.ts'

/** A cluster add-on from a pinned Helm chart. */
export interface ChartAddon {
  chartRepo: string
  chart: string
  version: string
  namespace: string
  releaseName: string
  /** Helm values besides fullnameOverride. */
  values?: Record<string, unknown>
  /** Server-side apply: CRDs too big for client-side apply's last-applied annotation. */
  serverSideApply?: boolean
}

/** Add-ons whose namespace Argo CD creates, and those that need server-side apply. */
export const createsNamespace = (addon: ChartAddon) => addon.namespace !== 'kube-system'
export const serverSide = (addon: ChartAddon) => addon.serverSideApply === true

/** An environment whose Secret can change under running pods (sealed or external): Reloader rolls them. */
export const rollsOnSecretChange = (env: Environment) => env.secret === 'sealed' || env.secret === 'external'

/** The add-ons a cluster needs, from what its environments use. */
export function addonsOf(cluster: Cluster, envs: readonly Environment[]): ChartAddon[] {
  const here = envs.filter((env) => env.cluster === cluster.name)
  const addons: ChartAddon[] = []
  // Sealed Secrets: for a sealed todo-app-secrets, and for Fluent Bit's Elasticsearch credentials, which are
  // sealed by hand for the cluster's controller (docs/observability.md).
  if (here.some((env) => env.secret === 'sealed' || (env.logShipping.enabled && env.logShipping.sink === 'elasticsearch'))) addons.push(argocd.sealedSecrets)
  if (here.some((env) => env.secret === 'external')) addons.push(externalSecrets)
  if (here.some((env) => env.storage.backend === 'postgres')) addons.push(cloudnativePg)
  if (here.some(rollsOnSecretChange)) addons.push(reloader)
  if (here.some((env) => env.autoscaling) && cluster.metricsServer === 'chart') addons.push(argocd.metricsServer)
  return addons
}
