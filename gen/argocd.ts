// argocd/: the AppProjects, one Application per environment, the optional log shipping Applications, the
// Sealed Secrets controller, as one Kustomize directory that the root Application (root-app.yaml, applied
// once by hand or by the bootstrap) syncs. Plus the argocd-cm patch that makes waves across Applications work.
import type { IAppProject, IApplication } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1'
import type { Environment } from './environments.ts'
import { argocd, clusterServices, repository } from './environments.ts'
import { names, partOf, syncWaveKey } from './app.ts'
import type { LogShipping } from './log-shipping.ts'
import { clusterScopedKinds } from './scope.ts'
import { yamlFile } from './yaml.ts'

type Application = Omit<IApplication, 'spec'> & { spec: Record<string, any> }
type AppProject = Omit<IAppProject, 'spec'> & { spec: Record<string, any> }

const inCluster = 'https://kubernetes.default.svc'
/** Marks objects whose repoURL is this repository, so the bootstrap can point them at a local clone. */
export const sourceLabel = { 'todo-gitops/repository': 'this' }

/** Argo CD sync waves of the Applications themselves: projects, controller, log shipping, environments. */
export const appWaves = { projects: '-3', sealedSecrets: '-2', logShipping: '-1', environments: '0' }

const finalizers = ['resources-finalizer.argocd.argoproj.io']

function syncPolicy(sync: Environment['sync'], syncOptions: string[]): Record<string, unknown> {
  return {
    // Manual (prod): Argo CD shows OutOfSync and waits for someone to press Sync in the UI.
    ...(sync === 'automated' ? { automated: { prune: true, selfHeal: true } } : {}),
    syncOptions,
    retry: argocd.retry,
  }
}

export function environmentApp(env: Environment): Application {
  const ignoreReplicas = env.autoscaling !== undefined
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name: `todo-app-${env.name}`,
      namespace: argocd.namespace,
      labels: { ...partOf, ...sourceLabel, environment: env.name },
      annotations: { [syncWaveKey]: appWaves.environments },
      finalizers,
    },
    spec: {
      project: argocd.project,
      source: { repoURL: repository.url, targetRevision: repository.targetRevision, path: `overlays/${env.name}` },
      // The overlay renders the Namespace itself: this Application is its one owner.
      destination: { server: env.cluster, namespace: env.namespace },
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

export function logShippingApp(ls: LogShipping): Application {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name: `log-shipping-${ls.env.name}`,
      namespace: argocd.namespace,
      labels: { ...partOf, ...sourceLabel, environment: ls.env.name },
      annotations: { [syncWaveKey]: appWaves.logShipping },
      finalizers,
    },
    spec: {
      project: argocd.project,
      source: { repoURL: repository.url, targetRevision: repository.targetRevision, path: ls.dir },
      destination: { server: ls.env.cluster, namespace: clusterServices.loggingNamespace },
      // The logging namespace may be shared by several environments' shippers, so none of them owns it
      // (Argo CD creates it, nobody prunes it). Every shipper labels it the same way.
      syncPolicy: {
        ...syncPolicy(ls.env.sync, ['CreateNamespace=true', 'PruneLast=true']),
        managedNamespaceMetadata: { labels: loggingNamespaceLabels },
      },
      revisionHistoryLimit: 10,
    },
  }
}

/** The one cluster the Sealed Secrets controller goes to: the cluster of the environments that use it. */
function sealedSecretsCluster(envs: readonly Environment[]): string {
  const clusters = [...new Set(envs.filter((env) => env.secret === 'sealed').map((env) => env.cluster))]
  if (clusters.length > 1) {
    throw new Error(`environments with secret 'sealed' are on ${clusters.length} clusters (${clusters.join(', ')}): one Sealed Secrets controller Application per cluster is not implemented`)
  }
  return clusters[0]
}

export function sealedSecretsApp(cluster: string): Application {
  const s = argocd.sealedSecrets
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name: s.releaseName,
      namespace: argocd.namespace,
      labels: partOf,
      annotations: { [syncWaveKey]: appWaves.sealedSecrets },
      finalizers,
    },
    spec: {
      project: argocd.platformProject,
      source: {
        repoURL: s.chartRepo,
        chart: s.chart,
        targetRevision: s.version,
        // kubeseal looks for the Service sealed-secrets-controller in kube-system by default.
        helm: { releaseName: s.releaseName, valuesObject: { fullnameOverride: s.releaseName } },
      },
      destination: { server: cluster, namespace: s.namespace },
      syncPolicy: syncPolicy('automated', ['PruneLast=true']),
      revisionHistoryLimit: 10,
    },
  }
}

/** The project of the todo service: only this repository, only its namespaces, only the cluster kinds it needs. */
export function todoProject(envs: readonly Environment[], logShipping: readonly LogShipping[], clusterObjects: readonly { apiVersion: string; kind: string }[]): AppProject {
  const destinations = [
    ...envs.map((env) => ({ server: env.cluster, namespace: env.namespace })),
    ...logShipping.map((ls) => ({ server: ls.env.cluster, namespace: clusterServices.loggingNamespace })),
  ].filter((d, i, all) => all.findIndex((o) => o.server === d.server && o.namespace === d.namespace) === i)
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
      description: 'The todo service in every environment: this repository only.',
      sourceRepos: [repository.url],
      destinations,
      clusterResourceWhitelist: clusterScopedKinds(clusterObjects),
      orphanedResources: { warn: true },
    },
  }
}

/** The project of cluster add-ons from other repositories: the pinned Sealed Secrets chart only. */
export function platformProject(cluster: string): AppProject {
  const s = argocd.sealedSecrets
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AppProject',
    metadata: { name: argocd.platformProject, namespace: argocd.namespace, labels: partOf, annotations: { [syncWaveKey]: appWaves.projects } },
    spec: {
      description: 'Cluster add-ons the todo service needs: the Sealed Secrets controller.',
      sourceRepos: [s.chartRepo],
      destinations: [{ server: cluster, namespace: s.namespace }],
      // What the sealed-secrets chart installs cluster-wide (its CRD and the controller's RBAC).
      clusterResourceWhitelist: [
        { group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition' },
        { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' },
        { group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding' },
      ],
    },
  }
}

/** The app-of-apps. Not part of argocd/kustomization.yaml, so it does not manage (or prune) itself. */
export function rootApp(): Application {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: 'todo-gitops', namespace: argocd.namespace, labels: { ...partOf, ...sourceLabel } },
    spec: {
      // `default`: the root creates the AppProjects, so it cannot belong to one of them.
      project: 'default',
      source: { repoURL: repository.url, targetRevision: repository.targetRevision, path: 'argocd' },
      destination: { server: inCluster, namespace: argocd.namespace },
      syncPolicy: syncPolicy('automated', ['PruneLast=true']),
      revisionHistoryLimit: 10,
    },
  }
}

// Since Argo CD 1.8 an Application has no health of its own, so a parent would not wait for a child in an
// earlier wave. This restores it: a child Application is as healthy as Argo CD says its resources are.
const applicationHealth = `hs = { status = "Progressing", message = "" }
if obj.status ~= nil and obj.status.health ~= nil then
  hs.status = obj.status.health.status
  hs.message = obj.status.health.message or ""
end
return hs
`

/** Merged into the installed argocd-cm (see docs/gitops.md); not synced by any Application. */
export function argocdCmPatch(): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'argocd-cm', namespace: argocd.namespace, labels: { 'app.kubernetes.io/name': 'argocd-cm', 'app.kubernetes.io/part-of': 'argocd' } },
    data: { 'resource.customizations.health.argoproj.io_Application': applicationHealth },
  }
}

export function renderArgocd(envs: readonly Environment[], logShipping: readonly LogShipping[], clusterObjects: readonly { apiVersion: string; kind: string }[]): Record<string, string> {
  const sealedCluster = sealedSecretsCluster(envs)
  const needsSealedSecrets = sealedCluster !== undefined
  const files: Record<string, string> = {}
  const resources: string[] = []
  const add = (file: string, docs: unknown[]) => {
    files[`argocd/${file}`] = yamlFile(docs)
    resources.push(file)
  }
  add('projects.yaml', [todoProject(envs, logShipping, clusterObjects), ...(needsSealedSecrets ? [platformProject(sealedCluster)] : [])])
  if (needsSealedSecrets) add('sealed-secrets-controller.yaml', [sealedSecretsApp(sealedCluster)])
  for (const ls of logShipping) add(`log-shipping-${ls.env.name}.yaml`, [logShippingApp(ls)])
  for (const env of envs) add(`todo-app-${env.name}.yaml`, [environmentApp(env)])
  files['argocd/kustomization.yaml'] = yamlFile([{ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources }])
  files['argocd/root-app.yaml'] = yamlFile([rootApp()])
  files['argocd/argocd-cm-patch.yaml'] = yamlFile([argocdCmPatch()])
  return files
}
