// argocd/: one root per cluster that manages itself (argocd/clusters/<cluster>/, an app of apps holding only
// that cluster's environments and the add-ons they need) and argocd/install/, Argo CD itself (the pinned
// upstream install as a remote Kustomize resource, plus our argocd-cm settings), which every root syncs
// through an Application of its own, as argocd-autopilot does. docs/gitops.md explains the waves and what
// deleting each Application does.
import type { IAppProject as AppProject, IApplication as Application } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1'
import type { Cluster, ClusterName, Environment } from './environments.ts'
import { argocd, clusters, clusterServices, repository } from './environments.ts'
import { names, partOf, syncWaveKey } from './constants.ts'
import type { KubeObject } from './chart.ts'
import type { LogShipping } from './observability/index.ts'
import { clusterScopedKinds } from './scope.ts'
import type { ChartAddon } from './argocd-addons.ts'
import { addonsOf, createsNamespace, serverSide } from './argocd-addons.ts'
import { yamlFile } from './yaml.ts'

export const inCluster = 'https://kubernetes.default.svc'
/** Marks objects whose repoURL is this repository, so the bootstrap can point them at a local clone. */
export const sourceLabel = { 'todo-gitops/repository': 'this' }
/** Where Argo CD itself is described (kustomization + argocd-cm settings), and each cluster's root. */
export const installDir = argocd.installDir
export const rootDir = (cluster: ClusterName) => `${argocd.clustersDir}/${cluster}`
/** The root Application's name; one per Argo CD. */
export const rootName = 'todo-gitops'

/**
 * Sync waves of a root's children. Every wave but the last must become Healthy before the next starts, so
 * the early waves hold only automated children that need nothing a fresh cluster lacks (Argo CD itself,
 * the projects, the add-ons). Environments and log shipping — manual in prod, and needing Secrets, CRDs
 * or StorageClasses the cluster's operator provides — are all in the last wave, which Argo CD does not
 * await: the root's sync always finishes (docs/gitops.md, "Sync waves").
 */
export const appWaves = { argocd: '-3', projects: '-2', addons: '-1', environments: '0' } as const

const finalizers = ['resources-finalizer.argocd.argoproj.io']

/** The Argo CD destination of a cluster, seen from the Argo CD of `root`. */
function destinationOf(cluster: ClusterName, root: ClusterName): { server: string } | { name: string } {
  return cluster === root ? { server: inCluster } : { name: cluster }
}

/** The cluster whose root deploys to `cluster`. */
function managingCluster(cluster: Cluster): ClusterName {
  return cluster.managedBy === 'self' ? cluster.name : cluster.managedBy
}

function syncPolicy(sync: Environment['sync'], syncOptions: string[], prune = true): Record<string, unknown> {
  return {
    // Manual (prod): Argo CD shows OutOfSync and waits for someone to press Sync in the UI.
    ...(sync === 'automated' ? { automated: { prune, selfHeal: true } } : {}),
    syncOptions,
    retry: argocd.retry,
  }
}

/** The names of one environment's Application (and of its log shipping Application). */
const environmentAppName = (env: Environment) => `todo-app-${env.name}`
const logShippingAppName = (env: Environment) => `log-shipping-${env.name}`

function environmentApp(env: Environment, root: ClusterName): Application {
  const ignoreReplicas = env.autoscaling !== undefined
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name: environmentAppName(env),
      namespace: argocd.namespace,
      labels: { ...partOf, ...sourceLabel, environment: env.name },
      annotations: { [syncWaveKey]: appWaves.environments },
      // Deleting the Application deletes the workloads; the Namespace and the PVCs carry Delete=false.
      finalizers,
    },
    spec: {
      project: argocd.project,
      source: { repoURL: repository.url, targetRevision: repository.targetRevision, path: `overlays/${env.name}` },
      // The overlay renders the Namespace itself: this Application is its one owner.
      destination: { ...destinationOf(env.cluster, root), namespace: env.namespace },
      syncPolicy: syncPolicy(env.sync, ['PruneLast=true', ...(ignoreReplicas ? ['RespectIgnoreDifferences=true'] : [])]),
      // The HPA owns the replica count once it exists; git's count is the starting point only.
      ...(ignoreReplicas
        ? { ignoreDifferences: [{ group: 'apps', kind: 'Deployment', name: names.deployment, jsonPointers: ['/spec/replicas'] }] }
        : {}),
      revisionHistoryLimit: 10,
    },
  }
}

/** The privileged Pod Security level for the logging namespace: Fluent Bit mounts the node's /var/log
 *  (hostPath) and reads it as root, which the baseline and restricted levels reject. */
export const loggingNamespaceLabels = {
  'pod-security.kubernetes.io/enforce': 'privileged',
  'pod-security.kubernetes.io/audit': 'privileged',
  'pod-security.kubernetes.io/warn': 'privileged',
}

/** The add-ons' own namespaces: the operators' charts run non-root with the restricted settings, but their
 *  exact pod specs are not ours, so baseline is enforced and restricted only warned about. */
const addonNamespaceLabels = {
  'pod-security.kubernetes.io/enforce': 'baseline',
  'pod-security.kubernetes.io/audit': 'restricted',
  'pod-security.kubernetes.io/warn': 'restricted',
}

function logShippingApp(ls: LogShipping, root: ClusterName): Application {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name: logShippingAppName(ls.env),
      namespace: argocd.namespace,
      labels: { ...partOf, ...sourceLabel, environment: ls.env.name },
      annotations: { [syncWaveKey]: appWaves.environments },
      finalizers,
    },
    spec: {
      project: argocd.project,
      source: { repoURL: repository.url, targetRevision: repository.targetRevision, path: ls.dir },
      destination: { ...destinationOf(ls.env.cluster, root), namespace: clusterServices.loggingNamespace },
      // The logging namespace may be shared by several environments' shippers, so none of them owns it
      // (Argo CD creates it, nobody prunes or deletes it). Every shipper labels it the same way.
      syncPolicy: {
        ...syncPolicy(ls.env.sync, ['CreateNamespace=true', 'PruneLast=true']),
        managedNamespaceMetadata: { labels: loggingNamespaceLabels },
      },
      revisionHistoryLimit: 10,
    },
  }
}

const addonAppName = (addon: ChartAddon, cluster: ClusterName) => `${addon.releaseName}-${cluster}`

function addonApp(addon: ChartAddon, cluster: ClusterName, root: ClusterName): Application {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name: addonAppName(addon, cluster),
      namespace: argocd.namespace,
      labels: { ...partOf, addon: addon.chart },
      annotations: { [syncWaveKey]: appWaves.addons },
      // No resources finalizer: deleting this Application must not delete the chart's CRDs (and with them
      // every custom resource of that kind, e.g. every SealedSecret and the Secrets it owns).
    },
    spec: {
      project: argocd.platformProject,
      source: {
        repoURL: addon.chartRepo,
        chart: addon.chart,
        targetRevision: addon.version,
        // The release name is what kubeseal looks for (sealed-secrets-controller in kube-system).
        helm: { releaseName: addon.releaseName, valuesObject: { fullnameOverride: addon.releaseName, ...addon.values } },
      },
      destination: { ...destinationOf(cluster, root), namespace: addon.namespace },
      syncPolicy: {
        ...syncPolicy('automated', [
          'PruneLast=true',
          ...(createsNamespace(addon) ? ['CreateNamespace=true'] : []),
          // The operator's CRDs are too big for client-side apply's last-applied annotation.
          ...(serverSide(addon) ? ['ServerSideApply=true'] : []),
        ]),
        // A namespace Argo CD creates gets its Pod Security level from git, like every namespace here.
        ...(createsNamespace(addon) ? { managedNamespaceMetadata: { labels: addonNamespaceLabels } } : {}),
      },
      revisionHistoryLimit: 10,
    },
  }
}

/** Argo CD managing itself: argocd/install/ (the pinned install and our argocd-cm settings). */
function argocdApp(): Application {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name: 'argocd',
      namespace: argocd.namespace,
      labels: { ...partOf, ...sourceLabel },
      annotations: { [syncWaveKey]: appWaves.argocd },
      // No resources finalizer: deleting this Application leaves Argo CD running.
    },
    spec: {
      // `default`: Argo CD's own objects are cluster-wide (CRDs, ClusterRoles); no project of ours allows them.
      project: 'default',
      source: { repoURL: repository.url, targetRevision: repository.targetRevision, path: installDir },
      destination: { server: inCluster, namespace: argocd.namespace },
      // Server-side: the ApplicationSet CRD is too big for client-side apply's annotation. No prune: an
      // upgrade that drops an object leaves it for a person to remove, never half an Argo CD.
      syncPolicy: syncPolicy('automated', ['ServerSideApply=true'], false),
      revisionHistoryLimit: 10,
    },
  }
}

/** The project of the todo service: only this repository, only its namespaces, only the cluster kinds it needs. */
function todoProject(root: ClusterName, envs: readonly Environment[], logShipping: readonly LogShipping[], clusterObjects: readonly { apiVersion: string; kind: string }[]): AppProject {
  const destinations = [
    ...envs.map((env) => ({ ...destinationOf(env.cluster, root), namespace: env.namespace })),
    ...logShipping.map((ls) => ({ ...destinationOf(ls.env.cluster, root), namespace: clusterServices.loggingNamespace })),
  ].filter((d, i, all) => all.findIndex((o) => JSON.stringify(o) === JSON.stringify(d)) === i)
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AppProject',
    metadata: {
      name: argocd.project,
      namespace: argocd.namespace,
      labels: { ...partOf, ...sourceLabel },
      annotations: { [syncWaveKey]: appWaves.projects },
    },
    spec: {
      description: 'The todo service in the environments of this cluster: this repository only.',
      sourceRepos: [repository.url],
      destinations,
      clusterResourceWhitelist: clusterScopedKinds(clusterObjects),
      orphanedResources: { warn: true },
    },
  }
}

/** The project of cluster add-ons from other repositories: the pinned charts only. */
function platformProject(root: ClusterName, addons: readonly { addon: ChartAddon; cluster: ClusterName }[]): AppProject {
  const repos = [...new Set(addons.map((a) => a.addon.chartRepo))]
  const destinations = addons
    .map((a) => ({ ...destinationOf(a.cluster, root), namespace: a.addon.namespace }))
    .filter((d, i, all) => all.findIndex((o) => JSON.stringify(o) === JSON.stringify(d)) === i)
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AppProject',
    metadata: { name: argocd.platformProject, namespace: argocd.namespace, labels: partOf, annotations: { [syncWaveKey]: appWaves.projects } },
    spec: {
      description: `Cluster add-ons the todo service needs: ${[...new Set(addons.map((a) => a.addon.chart))].join(', ')}.`,
      sourceRepos: repos,
      destinations,
      // What the charts install cluster-wide (CRDs, the controllers' RBAC, metrics-server's APIService, the
      // CloudNativePG and External Secrets operators' webhooks) and the namespaces Argo CD creates for them.
      clusterResourceWhitelist: [
        { group: '', kind: 'Namespace' },
        { group: 'admissionregistration.k8s.io', kind: 'MutatingWebhookConfiguration' },
        { group: 'admissionregistration.k8s.io', kind: 'ValidatingWebhookConfiguration' },
        { group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition' },
        { group: 'apiregistration.k8s.io', kind: 'APIService' },
        { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' },
        { group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding' },
      ],
    },
  }
}

/** A cluster's app of apps. Not listed in its own kustomization.yaml, so it does not manage (or prune) itself. */
function rootApp(root: ClusterName): Application {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: rootName, namespace: argocd.namespace, labels: { ...partOf, ...sourceLabel, cluster: root } },
    spec: {
      // `default`: the root creates the AppProjects, so it cannot belong to one of them.
      project: 'default',
      source: { repoURL: repository.url, targetRevision: repository.targetRevision, path: rootDir(root) },
      destination: { server: inCluster, namespace: argocd.namespace },
      syncPolicy: syncPolicy('automated', ['PruneLast=true']),
      revisionHistoryLimit: 10,
    },
  }
}

// Since Argo CD 1.8 an Application has no health of its own, so a parent would not wait for a child in an
// earlier wave. This restores it (Argo CD's documented snippet): a child Application is as healthy as Argo
// CD says its resources are; one never synced is Missing.
export const applicationHealthKey = 'resource.customizations.health.argoproj.io_Application'
const applicationHealth = `hs = { status = "Progressing", message = "" }
if obj.status ~= nil and obj.status.health ~= nil then
  hs.status = obj.status.health.status
  hs.message = obj.status.health.message or ""
end
return hs
`

// The External Secrets Operator's kinds report a Ready condition. Spelled out here rather than relying on
// whichever check the installed Argo CD bundles: the prerequisites wave must wait until the Secret exists
// (Ready True), and a store that refuses us must show as Degraded, not as Progressing forever.
const readyConditionHealth = `hs = { status = "Progressing", message = "Waiting for the External Secrets Operator" }
if obj.status ~= nil and obj.status.conditions ~= nil then
  for _, c in ipairs(obj.status.conditions) do
    if c.type == "Ready" then
      hs.message = c.message or ""
      if c.status == "True" then hs.status = "Healthy" elseif c.status == "False" then hs.status = "Degraded" end
    end
  end
end
return hs
`
const healthKey = (group: string, kind: string) => `resource.customizations.health.${group}_${kind}`

/** Our settings, merged into the argocd-cm that the pinned install ships (a strategic-merge patch). */
function argocdCmPatch(): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'argocd-cm', labels: { 'app.kubernetes.io/name': 'argocd-cm', 'app.kubernetes.io/part-of': 'argocd' } },
    data: {
      [applicationHealthKey]: applicationHealth,
      [healthKey('external-secrets.io', 'ExternalSecret')]: readyConditionHealth,
      [healthKey('external-secrets.io', 'SecretStore')]: readyConditionHealth,
    },
  }
}

function renderInstall(): Record<string, string> {
  return {
    [`${installDir}/argocd-cm.yaml`]: yamlFile([argocdCmPatch()]),
    [`${installDir}/kustomization.yaml`]: yamlFile([{
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      namespace: argocd.namespace,
      // Fetched by kustomize (kubectl apply -k, or Argo CD's repo server): the pinned release, unchanged.
      resources: [argocd.installManifest],
      patches: [{ path: 'argocd-cm.yaml' }],
    }]),
  }
}

/** Which clusters' environments each root deploys: itself and every cluster managed by it. */
export function rootsOf(table: Record<ClusterName, Cluster> = clusters): Map<ClusterName, ClusterName[]> {
  const roots = new Map<ClusterName, ClusterName[]>()
  for (const c of Object.values(table)) {
    const by = managingCluster(c)
    if (table[by]?.managedBy !== 'self') throw new Error(`clusters.${c.name}.managedBy: '${by}' is not a cluster that manages itself`)
    roots.set(by, [...(roots.get(by) ?? []), c.name])
  }
  return roots
}

export function renderArgocd(
  envs: readonly Environment[],
  logShipping: readonly LogShipping[],
  objectsOf: (env: Environment) => readonly KubeObject[],
  table: Record<ClusterName, Cluster> = clusters,
): Record<string, string> {
  const files: Record<string, string> = renderInstall()
  for (const env of envs) {
    if (!table[env.cluster]) throw new Error(`environments.${env.name}.cluster: '${env.cluster}' is not in the clusters table`)
  }
  for (const [root, managed] of rootsOf(table)) {
    const dir = rootDir(root)
    const rootEnvs = envs.filter((env) => managed.includes(env.cluster))
    const rootShipping = logShipping.filter((ls) => managed.includes(ls.env.cluster))
    const addons = managed.flatMap((c) => addonsOf(table[c], envs).map((addon) => ({ addon, cluster: c })))
    const resources: string[] = []
    const add = (file: string, docs: unknown[]) => {
      files[`${dir}/${file}`] = yamlFile(docs)
      resources.push(file)
    }
    add('argocd.yaml', [argocdApp()])
    const clusterObjects = [...rootEnvs.flatMap((env) => objectsOf(env)), ...rootShipping.flatMap((ls) => ls.objects)]
    add('projects.yaml', [todoProject(root, rootEnvs, rootShipping, clusterObjects), ...(addons.length ? [platformProject(root, addons)] : [])])
    for (const { addon, cluster } of addons) add(`${addonAppName(addon, cluster)}.yaml`, [addonApp(addon, cluster, root)])
    for (const ls of rootShipping) add(`${logShippingAppName(ls.env)}.yaml`, [logShippingApp(ls, root)])
    for (const env of rootEnvs) add(`${environmentAppName(env)}.yaml`, [environmentApp(env, root)])
    files[`${dir}/kustomization.yaml`] = yamlFile([{ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources }])
    files[`${dir}/root-app.yaml`] = yamlFile([rootApp(root)])
  }
  return files
}
