// A model of how Argo CD syncs an app of apps on a fresh cluster, written from Argo CD's documented rules:
//
//  - Sync Phases and Waves, https://argo-cd.readthedocs.io/en/stable/user-guide/sync-waves/ :
//    resources are ordered by phase, then wave (lower first), then kind ("namespaces first and then other
//    Kubernetes resources, followed by custom resources"), then name. Argo CD applies the first wave in
//    which anything is out of sync or unhealthy, and repeats "until all phases and waves are in-sync and
//    healthy": a wave waits until every resource of the earlier waves is Healthy.
//  - The last wave is not awaited: the operation ends once it is applied (argoproj/argo-cd#1715, fixed in
//    v1.1: "The last wave should not wait for a healthy state of all resources").
//  - Resource Health, "Argocd App", https://argo-cd.readthedocs.io/en/stable/operator-manual/health/ :
//    since 1.8 an Application has no health of its own; the argocd-cm customization
//    `resource.customizations.health.argoproj.io_Application` restores it. We run the rendered Lua itself.
//    An Application's health is the worst of its resources' (Healthy < Suspended < Progressing < Missing <
//    Degraded < Unknown); a child never synced (manual, nobody pressed Sync) has its resources Missing.
//  - Built-in health (same page): Deployment/DaemonSet Healthy when updated replicas are available (here:
//    when its pods can start), PVC Healthy when Bound, Ingress when it has a load-balancer address; an HPA
//    that cannot read metrics reports a failing ScalingActive condition: Degraded.
//  - A resource whose kind the cluster does not know fails the sync's dry run, before anything is applied;
//    with `SkipDryRunOnMissingResource=true` (Sync Options, "Skip Dry Run for new custom resources types") the
//    dry run skips it and the sync fails only when its wave is applied and the kind is still unknown.
//  - A kind with a health customization in argocd-cm (`resource.customizations.health.<group>_<kind>`) is
//    judged by that Lua, which we run on the status its controller would write (the External Secrets
//    Operator: a Ready condition, True once the Secret is written, False when the store refuses).
//  - Argo CD's built-in health check of postgresql.cnpg.io Cluster (argo-cd resource_customizations/): Healthy in
//    phase "Cluster in healthy state", Progressing while it sets up (no status, "Setting up primary", …). No
//    check for ScheduledBackup: Healthy once it exists. The operator (CNPG docs) creates `<cluster>-app` for the
//    owner once the primary is up, which needs the Cluster's StorageClass.
//  - Inside a wave, kinds go in Argo CD's (Helm's) install order: Namespace, NetworkPolicy, …, ServiceAccount,
//    Secret, ConfigMap, StorageClass, PV, PVC, CRD, RBAC, Service, workloads, HPA, Ingress; any other kind
//    (custom resources) after them, then by name (gitops-engine pkg/sync/sync_tasks.go, `kindOrder`).
import type { K8sObject } from './helpers.ts'
import { runHealthCheck } from './lua-health.ts'
import type { Parsed } from '../helpers/parsed.ts'

type Health = 'Healthy' | 'Suspended' | 'Progressing' | 'Missing' | 'Degraded' | 'Unknown'
const worseness: Health[] = ['Healthy', 'Suspended', 'Progressing', 'Missing', 'Degraded', 'Unknown']
const worst = (hs: Health[]): Health => hs.reduce<Health>((a, b) => (worseness.indexOf(b) > worseness.indexOf(a) ? b : a), 'Healthy')

const kindOrder = [
  'Namespace', 'NetworkPolicy', 'ResourceQuota', 'LimitRange', 'PodSecurityPolicy', 'PodDisruptionBudget', 'ServiceAccount',
  'Secret', 'SecretList', 'ConfigMap', 'StorageClass', 'PersistentVolume', 'PersistentVolumeClaim', 'CustomResourceDefinition',
  'ClusterRole', 'ClusterRoleList', 'ClusterRoleBinding', 'ClusterRoleBindingList', 'Role', 'RoleList', 'RoleBinding',
  'RoleBindingList', 'Service', 'DaemonSet', 'Pod', 'ReplicationController', 'ReplicaSet', 'Deployment',
  'HorizontalPodAutoscaler', 'StatefulSet', 'Job', 'CronJob', 'IngressClass', 'Ingress', 'APIService',
]
const builtinGroups = new Set(['', 'apps', 'batch', 'policy', 'autoscaling', 'networking.k8s.io', 'rbac.authorization.k8s.io', 'storage.k8s.io', 'apiextensions.k8s.io', 'apiregistration.k8s.io'])
const groupOf = (o: K8sObject) => (o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '')
const isCustom = (o: K8sObject) => !builtinGroups.has(groupOf(o))
export const waveOf = (o: K8sObject) => Number(o.metadata.annotations?.['argocd.argoproj.io/sync-wave'] ?? 0)

/** Argo CD's apply order within the sync phase: wave, kind (custom kinds last), name. */
export function applyOrder(objects: K8sObject[]): K8sObject[] {
  const kindRank = (o: K8sObject) => (kindOrder.includes(o.kind) ? kindOrder.indexOf(o.kind) : kindOrder.length)
  return [...objects].sort((a, b) => waveOf(a) - waveOf(b) || kindRank(a) - kindRank(b) || a.metadata.name.localeCompare(b.metadata.name))
}

/** What a cluster holds, and what it gains as add-ons sync. */
export interface ClusterState {
  name: string
  storageClasses: Map<string, 'Immediate' | 'WaitForFirstConsumer'>
  /** API groups whose CRDs are installed. */
  crdGroups: Set<string>
  /** `Kind namespace/name` of objects that exist outside any Application (the bootstrap's). */
  objects: Set<string>
  /** Images already on the node (what imagePullPolicy Never can use). */
  localImages: Set<string>
  metricsApi: boolean
  ingressController: boolean
  /** A running Sealed Secrets controller (it turns a SealedSecret into its Secret). */
  sealedSecretsController: boolean
  /** A running CloudNativePG operator (its add-on synced). */
  cnpgOperator?: boolean
  /** A running External Secrets Operator, and the external stores that answer it. */
  externalSecretsController?: boolean
  secretStores?: Set<string>
}

/** argocd-cm's data: the health customizations by key. */
export type HealthChecks = Record<string, string>

export const key = (kind: string, namespace: string | undefined, name: string) => `${kind} ${namespace ?? ''}/${name}`

/** What a chart add-on gives the cluster once it is synced (its charts are not rendered offline). */
const addonEffects: Record<string, (s: ClusterState) => void> = {
  'sealed-secrets': (s) => {
    s.crdGroups.add('bitnami.com')
    s.sealedSecretsController = true
  },
  'metrics-server': (s) => {
    s.metricsApi = true
  },
  'cloudnative-pg': (s) => {
    s.crdGroups.add('postgresql.cnpg.io')
    s.cnpgOperator = true
  },
  reloader: () => {},
  'external-secrets': (s) => {
    s.crdGroups.add('external-secrets.io')
    s.externalSecretsController = true
  },
}

/** The status the External Secrets Operator writes on a SecretStore / ExternalSecret. */
function externalSecretsStatus(o: K8sObject, state: ClusterState, objects: K8sObject[]): Record<string, unknown> | undefined {
  if (!state.externalSecretsController) return undefined
  const store = o.kind === 'SecretStore' ? o : objects.find((s) => s.kind === 'SecretStore' && s.metadata.name === o.spec.secretStoreRef?.name)
  const provider = store ? (store.spec.provider.vault ? 'vault' : store.spec.provider.aws ? 'aws-secrets-manager' : 'other') : undefined
  const ok = provider !== undefined && (state.secretStores?.has(provider) ?? false)
  const message = ok ? 'secret synced' : provider ? `could not reach the ${provider} store` : `no SecretStore ${o.spec.secretStoreRef?.name}`
  return { conditions: [{ type: 'Ready', status: ok ? 'True' : 'False', reason: ok ? 'SecretSynced' : 'SecretSyncedError', message }] }
}

export interface ChildResult {
  name: string
  health: Health
  /** Why it is not Healthy (empty when it is). */
  reasons: string[]
  /** The order its resources were applied in (empty when it never synced). */
  applied: K8sObject[]
}

function podTemplate(o: K8sObject): Record<string, Parsed> | undefined {
  return ['Deployment', 'DaemonSet', 'StatefulSet'].includes(o.kind) ? o.spec.template : undefined
}

/** The objects a workload's pods need before they start: config, secrets, claims, its service account. */
export function podNeeds(o: K8sObject): { kind: string; name: string; optional: boolean }[] {
  const pod = podTemplate(o)?.spec
  if (!pod) return []
  const needs: { kind: string; name: string; optional: boolean }[] = []
  for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
    for (const e of c.env ?? []) {
      const s = e.valueFrom?.secretKeyRef
      const m = e.valueFrom?.configMapKeyRef
      if (s) needs.push({ kind: 'Secret', name: s.name, optional: !!s.optional })
      if (m) needs.push({ kind: 'ConfigMap', name: m.name, optional: !!m.optional })
    }
    for (const e of c.envFrom ?? []) {
      if (e.secretRef) needs.push({ kind: 'Secret', name: e.secretRef.name, optional: !!e.secretRef.optional })
      if (e.configMapRef) needs.push({ kind: 'ConfigMap', name: e.configMapRef.name, optional: !!e.configMapRef.optional })
    }
  }
  for (const v of pod.volumes ?? []) {
    if (v.persistentVolumeClaim) needs.push({ kind: 'PersistentVolumeClaim', name: v.persistentVolumeClaim.claimName, optional: false })
    if (v.secret) needs.push({ kind: 'Secret', name: v.secret.secretName, optional: !!v.secret.optional })
    if (v.configMap) needs.push({ kind: 'ConfigMap', name: v.configMap.name, optional: !!v.configMap.optional })
  }
  if (pod.serviceAccountName) needs.push({ kind: 'ServiceAccount', name: pod.serviceAccountName, optional: false })
  return needs
}

/** One child Application's sync on the cluster (mutates nothing but `live`). */
function syncResources(objects: K8sObject[], state: ClusterState, live: Set<string>, checks: HealthChecks): { health: Health; reasons: string[]; applied: K8sObject[] } {
  const crds = new Set(objects.filter((o) => o.kind === 'CustomResourceDefinition').map((o) => o.spec.group))
  const isUnknown = (o: K8sObject) => isCustom(o) && !state.crdGroups.has(groupOf(o)) && !crds.has(groupOf(o))
  const skipsDryRun = (o: K8sObject) => /SkipDryRunOnMissingResource=true/.test(o.metadata.annotations?.['argocd.argoproj.io/sync-options'] ?? '')
  const noCrd = (o: K8sObject) => `the cluster has no CRD for ${o.apiVersion} ${o.kind} (${o.metadata.name})`
  const dryRunFailures = objects.filter((o) => isUnknown(o) && !skipsDryRun(o))
  if (dryRunFailures.length) {
    return { health: 'Missing', reasons: dryRunFailures.map((o) => `sync fails its dry run: ${noCrd(o)}`), applied: [] }
  }
  const exists = (kind: string, ns: string | undefined, name: string) => live.has(key(kind, ns, name)) || state.objects.has(key(kind, ns, name))
  const order = applyOrder(objects)
  const waves = [...new Set(order.map(waveOf))]
  const applied: K8sObject[] = []
  const healthOf = (o: K8sObject): { health: Health; reason?: string } => {
    const ns = o.metadata.namespace
    const lua = checks[`resource.customizations.health.${groupOf(o)}_${o.kind}`]
    if (lua) {
      const status = groupOf(o) === 'external-secrets.io' ? externalSecretsStatus(o, state, objects) : undefined
      const seen = runHealthCheck(lua, { ...o, ...(status ? { status } : {}) })
      return seen.status === 'Healthy' ? { health: 'Healthy' } : { health: seen.status as Health, reason: `${o.kind} ${o.metadata.name}: ${seen.status} (${seen.message})` }
    }
    if (podTemplate(o)) {
      for (const need of podNeeds(o)) {
        if (!need.optional && !exists(need.kind, ns, need.name)) return { health: 'Progressing', reason: `${o.kind}/${o.metadata.name}: pods wait for ${need.kind} ${need.name}` }
        if (need.kind === 'PersistentVolumeClaim' && exists(need.kind, ns, need.name)) {
          const claim = objects.find((c) => c.kind === 'PersistentVolumeClaim' && c.metadata.name === need.name)
          if (claim && !state.storageClasses.has(claim.spec.storageClassName)) return { health: 'Progressing', reason: `${o.kind}/${o.metadata.name}: its claim ${need.name} waits for StorageClass ${claim.spec.storageClassName}` }
        }
      }
      for (const c of [...(podTemplate(o)!.spec.initContainers ?? []), ...podTemplate(o)!.spec.containers]) {
        if (c.imagePullPolicy === 'Never' && !state.localImages.has(c.image)) return { health: 'Degraded', reason: `${o.kind}/${o.metadata.name}: ErrImageNeverPull ${c.image}` }
      }
      return { health: 'Healthy' }
    }
    switch (o.kind) {
      case 'PersistentVolumeClaim': {
        const mode = state.storageClasses.get(o.spec.storageClassName)
        if (!mode) return { health: 'Progressing', reason: `PVC ${o.metadata.name}: Pending, no StorageClass ${o.spec.storageClassName}` }
        if (mode === 'Immediate') return { health: 'Healthy' }
        const used = applied.some((w) => podNeeds(w).some((n) => n.kind === 'PersistentVolumeClaim' && n.name === o.metadata.name) && healthOf(w).health === 'Healthy')
        return used ? { health: 'Healthy' } : { health: 'Progressing', reason: `PVC ${o.metadata.name}: Pending until a pod uses it (WaitForFirstConsumer)` }
      }
      case 'Ingress':
        return state.ingressController ? { health: 'Healthy' } : { health: 'Progressing', reason: `Ingress ${o.metadata.name}: no ingress controller gives it an address` }
      case 'HorizontalPodAutoscaler':
        return state.metricsApi ? { health: 'Healthy' } : { health: 'Degraded', reason: `HPA ${o.metadata.name}: no metrics API (metrics-server)` }
      case 'SealedSecret':
        return state.sealedSecretsController ? { health: 'Healthy' } : { health: 'Progressing', reason: `SealedSecret ${o.metadata.name}: no controller unseals it` }
      case 'Cluster': {
        if (groupOf(o) !== 'postgresql.cnpg.io') return { health: 'Healthy' }
        if (!state.cnpgOperator) return { health: 'Progressing', reason: `Cluster ${o.metadata.name}: no CloudNativePG operator, no status` }
        if (!state.storageClasses.has(o.spec.storage.storageClass)) return { health: 'Progressing', reason: `Cluster ${o.metadata.name}: "Setting up primary", its PVC waits for StorageClass ${o.spec.storage.storageClass}` }
        return { health: 'Healthy' }
      }
      default:
        return { health: 'Healthy' }
    }
  }
  for (const [i, wave] of waves.entries()) {
    for (const o of order.filter((x) => waveOf(x) === wave)) {
      if (isUnknown(o)) {
        // The apply fails: the operation ends failed here, later waves are never applied.
        const healths = applied.map((x) => healthOf(x).health)
        return { health: worst([...healths, 'Missing']), reasons: [`sync fails at wave ${wave}: ${noCrd(o)}`], applied }
      }
      applied.push(o)
      live.add(key(o.kind, o.metadata.namespace, o.metadata.name))
      // The controllers write the Secret a SealedSecret holds, or an ExternalSecret reads, once they can.
      if (o.kind === 'SealedSecret' && state.sealedSecretsController) live.add(key('Secret', o.metadata.namespace, o.metadata.name))
      if (o.kind === 'ExternalSecret' && (externalSecretsStatus(o, state, objects)?.conditions as Parsed)?.[0]?.status === 'True') {
        live.add(key('Secret', o.metadata.namespace, o.spec.target?.name ?? o.metadata.name))
      }
    }
    // The CloudNativePG operator writes the owner's Secret once the Cluster is up.
    for (const o of applied) {
      if (o.kind === 'Cluster' && groupOf(o) === 'postgresql.cnpg.io' && healthOf(o).health === 'Healthy') live.add(key('Secret', o.metadata.namespace, `${o.metadata.name}-app`))
    }
    const last = i === waves.length - 1
    const unhealthy = applied.map((o) => healthOf(o)).filter((h) => h.health !== 'Healthy')
    if (!last && unhealthy.length) {
      // The operation keeps waiting at this wave; the later waves are never applied.
      return { health: worst(unhealthy.map((h) => h.health)), reasons: unhealthy.map((h) => `${h.reason} (wave ${wave}; later waves wait)`), applied }
    }
  }
  const healths = applied.map((o) => healthOf(o))
  return { health: worst(healths.map((h) => h.health)), reasons: healths.filter((h) => h.health !== 'Healthy').map((h) => h.reason!), applied }
}

export interface Child {
  app: K8sObject
  /** What the Application's path builds; undefined for a chart or Argo CD's own install (modelled by effect). */
  objects?: K8sObject[]
}

export function syncChild(child: Child, state: ClusterState, live: Set<string>, checks: HealthChecks = {}): ChildResult {
  const name = child.app.metadata.name
  if (!child.app.spec.syncPolicy?.automated) {
    return { name, health: 'Missing', reasons: ['manual sync: never synced on a fresh cluster, so its resources are Missing'], applied: [] }
  }
  if (child.app.spec.source?.chart) {
    addonEffects[child.app.spec.source.chart]?.(state)
    return { name, health: 'Healthy', reasons: [], applied: [] }
  }
  if (!child.objects) return { name, health: 'Healthy', reasons: [], applied: [] } // Argo CD itself, already running
  return { name, ...syncResources(child.objects, state, live, checks) }
}

export interface RootResult {
  /** The root's sync operation ended (every wave applied). */
  finished: boolean
  /** The wave the root waits at forever, when it does not finish. */
  stuckAt?: number
  children: ChildResult[]
  /** Each wave's children and whether Argo CD waited for them. */
  waves: { wave: number; children: string[]; awaited: boolean }[]
  reasons: string[]
}

/**
 * The root's sync: its children (Applications and AppProjects) by wave; every wave but the last must be
 * Healthy under argocd-cm's Application health check (its Lua, run) before the next is applied.
 */
export function syncRoot(children: Child[], projects: K8sObject[], state: ClusterState, checks: HealthChecks): RootResult {
  const healthCheck = checks['resource.customizations.health.argoproj.io_Application']
  if (!healthCheck) throw new Error('argocd-cm has no Application health check: waves across Applications would not wait')
  const all = [...children.map((c) => ({ wave: waveOf(c.app), child: c as Child | undefined, name: c.app.metadata.name })), ...projects.map((p) => ({ wave: waveOf(p), child: undefined, name: p.metadata.name }))]
  const waves = [...new Set(all.map((x) => x.wave))].sort((a, b) => a - b)
  const results: ChildResult[] = []
  const live = new Set<string>()
  const summary: RootResult['waves'] = []
  for (const [i, wave] of waves.entries()) {
    const inWave = all.filter((x) => x.wave === wave)
    const last = i === waves.length - 1
    summary.push({ wave, children: inWave.map((x) => x.name), awaited: !last })
    const blocking: string[] = []
    for (const x of inWave) {
      if (!x.child) continue // an AppProject is Healthy once it exists
      const r = syncChild(x.child, state, live, checks)
      results.push(r)
      const seen = runHealthCheck(healthCheck, { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', status: { health: { status: r.health } } })
      if (seen.status !== 'Healthy') blocking.push(`${r.name} is ${seen.status}: ${r.reasons.join('; ')}`)
    }
    if (!last && blocking.length) return { finished: false, stuckAt: wave, children: results, waves: summary, reasons: blocking }
  }
  return { finished: true, children: results, waves: summary, reasons: [] }
}
