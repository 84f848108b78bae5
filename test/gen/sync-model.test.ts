// Every rendered cluster root, synced through the model of Argo CD in argocd-sync-model.ts (its header cites
// the documented rules it follows), on a fresh cluster: each root's sync reaches its end, no child waits for
// something a fresh cluster lacks, dev comes up on Minikube, and inside each child the Namespace, Secret /
// SealedSecret, ConfigMap and PVC are applied before the Deployment. The health rule is the Lua of the
// rendered argocd/install/argocd-cm.yaml, run as Argo CD runs it.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Cluster } from '../../gen/environments.ts'
import { argocd, clusters, environments } from '../../gen/environments.ts'
import { applicationHealthKey, installDir } from '../../gen/argocd.ts'
import { parseYaml, root } from './helpers.ts'
import { loadRoots, type RenderedRoot } from './roots.ts'
import type { Child, ClusterState } from './argocd-sync-model.ts'
import { applyOrder, key, podNeeds, syncChild, syncRoot, waveOf } from './argocd-sync-model.ts'
import { cloudnativePg, externalSecrets, reloader } from '../../gen/addons.ts'
import { postgresOf } from '../../gen/database.ts'

const roots = await loadRoots()
const checks: Record<string, string> = parseYaml(readFileSync(join(root, installDir, 'argocd-cm.yaml'), 'utf8'))[0].data
const healthCheck = checks[applicationHealthKey]

/** A cluster right after its bootstrap: Argo CD installed; with `prerequisites`, what its operator installs too. */
function freshCluster(c: Cluster, { prerequisites }: { prerequisites: boolean }): ClusterState {
  const state: ClusterState = {
    name: c.name,
    storageClasses: new Map(),
    crdGroups: new Set(['argoproj.io']),
    objects: new Set(),
    localImages: new Set(),
    metricsApi: false,
    ingressController: false,
    sealedSecretsController: false,
    externalSecretsController: false,
    secretStores: new Set(),
  }
  if (c.minikube) {
    // scripts/bootstrap-minikube.mjs: the addons, the image built in the node, the dev namespace and Secret.
    const dev = environments.dev
    state.localImages.add(dev.image)
    state.objects.add(key('Namespace', undefined, dev.namespace))
    state.objects.add(key('Secret', dev.namespace, 'todo-app-secrets'))
  }
  if (c.minikube || prerequisites) {
    for (const p of c.prerequisites) {
      if (p.kind === 'storage-class') state.storageClasses.set(p.name, p.volumeBindingMode)
      if (p.kind === 'ingress-nginx') state.ingressController = true
      if (p.kind === 'cert-manager') state.crdGroups.add('cert-manager.io')
      if (p.kind === 'prometheus-operator') state.crdGroups.add('monitoring.coreos.com')
      if (p.kind === 'secret-store') state.secretStores!.add(p.provider)
    }
    state.metricsApi = c.metricsServer === 'provided'
  }
  return state
}

/** The root's chart add-ons synced into `state` (what the root's earlier wave does before the environments). */
function withAddons(r: RenderedRoot, state: ClusterState): ClusterState {
  for (const c of childrenOf(r).filter((c) => c.app.spec.source.chart)) syncChild(c, state, new Set(), checks)
  return state
}

/** A child as if someone pressed Sync (prod is manual). */
const synced = (c: Child): Child => ({ ...c, app: { ...c.app, spec: { ...c.app.spec, syncPolicy: { ...c.app.spec.syncPolicy, automated: {} } } } })

function childrenOf(r: RenderedRoot): Child[] {
  return r.apps.map((app) => ({ app, objects: r.builds.get(app.spec.source.path) }))
}

t.test('each root\'s sync reaches its end on a fresh cluster, with or without the cluster\'s prerequisites', async (t) => {
  for (const r of roots) {
    for (const prerequisites of [false, true]) {
      const result = syncRoot(childrenOf(r), r.projects, freshCluster(clusters[r.cluster], { prerequisites }), checks)
      t.ok(result.finished, `${r.cluster}${prerequisites ? ' (prerequisites installed)' : ' (bare)'}: the root finishes${result.finished ? '' : `, but waits at wave ${result.stuckAt}: ${result.reasons.join(' | ')}`}`)
      const awaited = result.waves.filter((w) => w.awaited).flatMap((w) => w.children)
      for (const c of result.children.filter((c) => awaited.includes(c.name))) t.equal(c.health, 'Healthy', `${r.cluster}: awaited child ${c.name} is Healthy`)
      t.comment(`${r.cluster}${prerequisites ? ' +prerequisites' : ''}: ${result.waves.map((w) => `wave ${w.wave}${w.awaited ? '' : ' (not awaited)'}: ${w.children.join(', ')}`).join(' → ')}`)
      for (const c of result.children.filter((c) => c.health !== 'Healthy')) t.comment(`  ${c.name}: ${c.health} — ${c.reasons.join('; ')}`)
    }
  }
})

t.test('on Minikube after the bootstrap, todo-app-dev becomes Healthy', async (t) => {
  const r = roots.find((x) => x.cluster === 'minikube')!
  const result = syncRoot(childrenOf(r), r.projects, freshCluster(clusters.minikube, { prerequisites: true }), checks)
  const dev = result.children.find((c) => c.name === 'todo-app-dev')!
  t.equal(dev.health, 'Healthy', dev.reasons.join('; '))
  t.ok(dev.applied.some((o) => o.kind === 'Deployment' && o.metadata.name === 'ollama-deployment'), 'Ollama comes up too')
})

t.test('inside each child, Namespace, Secret/SealedSecret, ConfigMap and PVC are applied before the Deployment', async (t) => {
  for (const r of roots) {
    for (const app of r.apps.filter((a) => r.builds.has(a.spec.source.path))) {
      const order = applyOrder(r.builds.get(app.spec.source.path)!)
      const at = (kind: string, name: string) => order.findIndex((o) => o.kind === kind && o.metadata.name === name)
      for (const [i, w] of order.entries()) {
        if (!['Deployment', 'DaemonSet'].includes(w.kind)) continue
        const ns = at('Namespace', w.metadata.namespace)
        if (ns >= 0) t.ok(ns < i, `${app.metadata.name}: Namespace before ${w.kind}/${w.metadata.name}`)
        for (const need of podNeeds(w)) {
          const j = need.kind === 'Secret' ? Math.max(at('Secret', need.name), at('SealedSecret', need.name)) : at(need.kind, need.name)
          if (j >= 0) t.ok(j < i, `${app.metadata.name}: ${need.kind}/${need.name} before ${w.kind}/${w.metadata.name}`)
          else t.ok(need.optional || need.kind === 'Secret', `${app.metadata.name}: ${need.kind}/${need.name} comes from outside git (a Secret) or is optional`)
        }
      }
    }
  }
})

// ---- the model bites: what the rules say about trees we do not render ----------------------------------------

t.test('a manual child in an awaited wave blocks the root forever (the bug this layout avoids)', async (t) => {
  const r = roots.find((x) => x.cluster === 'prod')!
  const children = childrenOf(r).map((c) => (c.app.metadata.name === 'log-shipping-prod'
    ? { ...c, app: { ...c.app, metadata: { ...c.app.metadata, annotations: { 'argocd.argoproj.io/sync-wave': '-1' } } } }
    : c))
  const result = syncRoot(children, r.projects, freshCluster(clusters.prod, { prerequisites: true }), checks)
  t.notOk(result.finished, 'the root never finishes')
  t.equal(result.stuckAt, -1)
  t.match(result.reasons.join(), /log-shipping-prod is Missing: manual sync/)
  t.notOk(result.children.some((c) => c.name === 'todo-app-prod'), 'the environments are never even created')
})

t.test('a claim on a WaitForFirstConsumer class in an earlier wave than its pod never binds', async (t) => {
  const r = roots.find((x) => x.cluster === 'minikube')!
  const state = freshCluster(clusters.minikube, { prerequisites: true })
  state.storageClasses.set('standard', 'WaitForFirstConsumer')
  const dev = childrenOf(r).find((c) => c.app.metadata.name === 'todo-app-dev')!
  t.equal(syncChild(dev, state, new Set(), checks).health, 'Healthy', 'as rendered (claims in the workloads\' wave), it binds')
  const early = dev.objects!.map((o) => (o.kind === 'PersistentVolumeClaim' ? { ...o, metadata: { ...o.metadata, annotations: { ...o.metadata.annotations, 'argocd.argoproj.io/sync-wave': '-1' } } } : o))
  const stuck = syncChild({ ...dev, objects: early }, state, new Set(), checks)
  t.equal(stuck.health, 'Progressing')
  t.match(stuck.reasons.join(), /WaitForFirstConsumer.*later waves wait/)
})

t.test('what the model says a fresh cluster lacks', async (t) => {
  const byName = (r: RenderedRoot, name: string) => childrenOf(r).find((c) => c.app.metadata.name === name)!
  const minikube = roots.find((x) => x.cluster === 'minikube')!
  const bare = freshCluster(clusters.staging, { prerequisites: true })
  bare.objects.add(key('Secret', environments.dev.namespace, 'todo-app-secrets'))
  bare.storageClasses.set('standard', 'Immediate')
  const dev = syncChild(byName(minikube, 'todo-app-dev'), bare, new Set(), checks)
  t.equal(dev.health, 'Degraded', 'dev on a cluster that did not build its image (staging, before per-cluster roots)')
  t.match(dev.reasons.join(), /ErrImageNeverPull todo-app:/)
  const staging = roots.find((x) => x.cluster === 'staging')!
  // (the root's add-ons synced first, as its earlier wave does; the database's StorageClass there)
  const noPrometheus = withAddons(staging, freshCluster(clusters.staging, { prerequisites: false }))
  noPrometheus.storageClasses.set(postgresOf(environments.staging)!.storage.storageClass, 'WaitForFirstConsumer')
  const s = syncChild(byName(staging, 'todo-app-staging'), noPrometheus, new Set(), checks)
  t.match(s.reasons.join(), /sync fails at wave 0: the cluster has no CRD for monitoring\.coreos\.com\/v1 (PrometheusRule|ServiceMonitor)/, "staging without the Prometheus Operator: its monitoring objects skip the dry run, then fail to apply")
  const prepared = freshCluster(clusters.staging, { prerequisites: true })
  const noOperator = syncChild(byName(staging, 'todo-app-staging'), prepared, new Set(), checks)
  t.match(noOperator.reasons.join(), /no CRD for postgresql\.cnpg\.io\/v1 Cluster/, 'without the CloudNativePG add-on, staging fails its dry run')
  withAddons(staging, prepared)
  const s2 = syncChild(byName(staging, 'todo-app-staging'), prepared, new Set(), checks)
  t.match(s2.reasons.join(), /pods wait for Secret todo-app-secrets/, 'with the add-ons, it waits for its sealed Secret (docs/deployment.md: seal, commit)')
  prepared.objects.add(key('Secret', environments.staging.namespace, 'todo-app-secrets'))
  t.equal(syncChild(byName(staging, 'todo-app-staging'), prepared, new Set(), checks).health, 'Healthy', 'and with it, staging is Healthy')

  // prod's HPA: Degraded without a metrics API; the root's metrics-server add-on syncs in an earlier wave.
  const prod = roots.find((x) => x.cluster === 'prod')!
  const p = freshCluster(clusters.prod, { prerequisites: true })
  const prodApp = synced(byName(prod, 'todo-app-prod'))
  for (const c of childrenOf(prod).filter((c) => c.app.spec.source.chart && c.app.spec.source.chart !== argocd.metricsServer.chart)) syncChild(c, p, new Set(), checks)
  const noMetrics = syncChild(prodApp, p, new Set(), checks)
  t.match(noMetrics.reasons.join(), /HPA todo-app-hpa: no metrics API/)
  syncChild(byName(prod, `${argocd.metricsServer.releaseName}-prod`), p, new Set(), checks)
  t.equal(syncChild(prodApp, p, new Set(), checks).health, 'Healthy', 'after the metrics-server add-on, prod (once synced by hand) is Healthy')
})

t.test('prod: the ExternalSecret and the database come before the Deployment, and the add-ons before both', async (t) => {
  const prod = roots.find((x) => x.cluster === 'prod')!
  const result = syncRoot(childrenOf(prod), prod.projects, freshCluster(clusters.prod, { prerequisites: true }), checks)
  t.ok(result.finished, 'the root finishes')
  const waveOfChild = (name: string) => result.waves.find((w) => w.children.includes(name))!
  for (const chart of [cloudnativePg.chart, externalSecrets.chart, reloader.chart]) {
    const addon = childrenOf(prod).find((c) => c.app.spec.source.chart === chart)!.app.metadata.name
    t.ok(waveOfChild(addon).awaited && waveOfChild(addon).wave < waveOfChild('todo-app-prod').wave, `${addon} is awaited before todo-app-prod`)
    t.equal(result.children.find((c) => c.name === addon)!.health, 'Healthy', `${addon} is Healthy`)
  }
  // Pressing Sync on prod, on the cluster the root prepared:
  const state = withAddons(prod, freshCluster(clusters.prod, { prerequisites: true }))
  const app = synced(childrenOf(prod).find((c) => c.app.metadata.name === 'todo-app-prod')!)
  const r = syncChild(app, state, new Set(), checks)
  t.equal(r.health, 'Healthy', r.reasons.join('; '))
  const at = (kind: string) => r.applied.findIndex((o) => o.kind === kind)
  const deployment = at('Deployment')
  for (const kind of ['ServiceAccount', 'SecretStore', 'ExternalSecret', 'Cluster', 'ScheduledBackup']) {
    t.ok(at(kind) >= 0 && at(kind) < deployment, `${kind} is applied before the Deployment`)
  }
  const dep = r.applied[deployment]
  t.ok(waveOf(dep) > waveOf(r.applied[at('ExternalSecret')]) && waveOf(dep) > waveOf(r.applied[at('Cluster')]), 'in an earlier wave, so Argo CD waits for them to be Healthy')
  const needs = [...new Set(podNeeds(dep).filter((n) => n.kind === 'Secret' && !n.optional).map((n) => n.name))].sort()
  t.same(needs, ['todo-app-secrets', 'todo-db-app'], 'the pods need the ExternalSecret\'s Secret and the operator\'s app Secret')
})

t.test('prod: with the external store down, the sync stops before the Deployment; without an operator, before anything', async (t) => {
  const prod = roots.find((x) => x.cluster === 'prod')!
  const app = synced(childrenOf(prod).find((c) => c.app.metadata.name === 'todo-app-prod')!)
  const down = withAddons(prod, freshCluster(clusters.prod, { prerequisites: true }))
  down.secretStores = new Set()
  const r = syncChild(app, down, new Set(), checks)
  t.equal(r.health, 'Degraded')
  t.match(r.reasons.join(), /ExternalSecret todo-app-secrets: Degraded \(could not reach the vault store\).*later waves wait/)
  t.notOk(r.applied.some((o) => o.kind === 'Deployment'), 'the Deployment is not applied: running pods keep the last Secret (docs/secrets.md)')
  const bare = freshCluster(clusters.prod, { prerequisites: true })
  const r2 = syncChild(app, bare, new Set(), checks)
  t.match(r2.reasons.join(), /no CRD for external-secrets\.io\/v1 (ExternalSecret|SecretStore)/, 'without the ESO add-on the dry run fails')
  t.match(r2.reasons.join(), /no CRD for postgresql\.cnpg\.io\/v1 Cluster/, 'and without the CNPG add-on too')
})

t.test('staging: the database needs its StorageClass; until then the Deployment waits in the next wave', async (t) => {
  const staging = roots.find((x) => x.cluster === 'staging')!
  const state = withAddons(staging, freshCluster(clusters.staging, { prerequisites: true }))
  state.objects.add(key('Secret', environments.staging.namespace, 'todo-app-secrets'))
  state.storageClasses.clear()
  const r = syncChild(childrenOf(staging).find((c) => c.app.metadata.name === 'todo-app-staging')!, state, new Set(), checks)
  t.equal(r.health, 'Progressing')
  t.match(r.reasons.join(), /Cluster todo-db: "Setting up primary", its PVC waits for StorageClass/)
  t.notOk(r.applied.some((o) => o.kind === 'Deployment'), 'the Deployment waits for the database')
})

t.test('the health rule: a never-synced child is Missing, an Application without status Progressing', async (t) => {
  const { runHealthCheck } = await import('./lua-health.ts')
  t.equal(runHealthCheck(healthCheck, { status: { health: { status: 'Missing' } } }).status, 'Missing')
  t.equal(runHealthCheck(healthCheck, {}).status, 'Progressing')
  t.same(runHealthCheck(healthCheck, { status: { health: { status: 'Degraded', message: 'x' } } }), { status: 'Degraded', message: 'x' })
})
