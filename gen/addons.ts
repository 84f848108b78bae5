// The operators the database and the external secrets need, each a pinned Helm chart that a cluster's Argo CD
// root installs as an add-on Application on the clusters whose environments use it (docs/database.md,
// docs/secrets.md). Chart versions are pinned to the operator versions whose CRDs the tests validate against.

/** A cluster add-on from a pinned Helm chart, with the values and sync options it needs. */
export interface OperatorAddon {
  readonly chartRepo: string
  readonly chart: string
  readonly version: string
  /** The operator version the chart ships (its Chart.yaml appVersion). */
  readonly appVersion: string
  readonly namespace: string
  readonly releaseName: string
  readonly values: Record<string, unknown>
  /** The API group of the custom resources it serves (none: it serves no CRD). */
  readonly apiGroup?: string
  /** The labels of the operator's pods (NetworkPolicies that admit it select them). */
  readonly podLabels: Record<string, string>
  /**
   * Server-side apply: these charts' CRDs are larger than the 256 KiB that client-side apply's
   * last-applied-configuration annotation allows (clusters.postgresql.cnpg.io ~460 KB, secretstores ~690 KB).
   */
  readonly serverSideApply: boolean
}

/** CloudNativePG: chart 0.29.0 ships operator 1.30.0 (cloudnative-pg/charts, charts/cloudnative-pg/Chart.yaml). */
export const cloudnativePg: OperatorAddon = {
  chartRepo: 'https://cloudnative-pg.github.io/charts',
  chart: 'cloudnative-pg',
  version: '0.29.0',
  appVersion: '1.30.0',
  namespace: 'cnpg-system',
  releaseName: 'cnpg',
  apiGroup: 'postgresql.cnpg.io',
  values: { crds: { create: true }, config: { clusterWide: true } },
  podLabels: { 'app.kubernetes.io/name': 'cloudnative-pg' },
  serverSideApply: true,
}

/** External Secrets Operator: chart 2.9.0 ships v2.9.0 (external-secrets/external-secrets, deploy/charts/external-secrets). */
export const externalSecrets: OperatorAddon = {
  chartRepo: 'https://charts.external-secrets.io',
  chart: 'external-secrets',
  version: '2.9.0',
  appVersion: 'v2.9.0',
  namespace: 'external-secrets',
  releaseName: 'external-secrets',
  apiGroup: 'external-secrets.io',
  // Only namespaced SecretStores are used: the cluster-wide kinds stay off, so no namespace can read another's store.
  values: { installCRDs: true, processClusterStore: false, processClusterExternalSecret: false },
  podLabels: { 'app.kubernetes.io/name': 'external-secrets' },
  serverSideApply: true,
}

/**
 * Stakater Reloader: rolls a Deployment when a Secret it names changes (chart 2.2.16 ships v1.4.21,
 * stakater/Reloader, deployments/kubernetes/chart/reloader). The `annotations` strategy marks the pod template
 * with an annotation git does not set, so Argo CD sees no drift to undo.
 */
export const reloader: OperatorAddon = {
  chartRepo: 'https://stakater.github.io/stakater-charts',
  chart: 'reloader',
  version: '2.2.16',
  appVersion: 'v1.4.21',
  namespace: 'reloader',
  releaseName: 'reloader',
  values: {
    reloader: {
      reloadStrategy: 'annotations',
      watchGlobally: true,
      readOnlyRootFileSystem: true,
      // The chart leaves the container's context empty; the restricted Pod Security level needs these.
      deployment: { containerSecurityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true } },
    },
  },
  podLabels: { 'app.kubernetes.io/name': 'reloader' },
  serverSideApply: false,
}
