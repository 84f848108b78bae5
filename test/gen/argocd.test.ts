// argocd/: one root per cluster holding only that cluster's environments and add-ons; every Application's
// path exists and builds, its source and destination are allowed by its AppProject; each namespace has one
// owner; Argo CD itself is in git (argocd/install); and deleting any Application loses no data.
//
// Deletion follows Argo CD's documented rules:
//  - App Deletion, https://argo-cd.readthedocs.io/en/stable/user-guide/app_deletion/ : with the finalizer
//    `resources-finalizer.argocd.argoproj.io` deleting an Application cascades to its resources; without it
//    only the Application goes (its resources stay). A root pruning a child Application deletes it the same way.
//  - Sync Options, "No Resource Deletion", https://argo-cd.readthedocs.io/en/stable/user-guide/sync-options/ :
//    a resource annotated `argocd.argoproj.io/sync-options: Delete=false` is kept when its Application is deleted.
//  - Sync Options, "Create Namespace": a namespace Argo CD creates through CreateNamespace=true is not a
//    resource of the Application and is never deleted with it.
// and Kubernetes' own: deleting a Namespace deletes everything in it (a PVC's annotations do not matter then);
// deleting a CRD deletes every custom resource of that kind.
import t from 'tap'
import fs from 'node:fs'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { argocd, clusters, environments, promotionOrder, repository } from '../../gen/environments.ts'
import { cloudnativePg, externalSecrets, reloader } from '../../gen/addons.ts'
import { appWaves, applicationHealthKey, installDir, rootDir, rootName, rootsOf, sourceLabel, renderArgocd } from '../../gen/argocd.ts'
import { isClusterScoped } from '../../gen/scope.ts'
import type { K8sObject } from './helpers.ts'
import { kustomize, one, parseYaml, root, tempDir } from './helpers.ts'
import { destinationCluster, loadRoots, waveOf } from './roots.ts'
import type { Parsed } from '../helpers/parsed.ts'

const roots = await loadRoots()
const glob = (pattern: string, value: string) => pattern === '*' || pattern === value
const finalizer = 'resources-finalizer.argocd.argoproj.io'
const envApps = (apps: K8sObject[]) => apps.filter((a) => /^overlays\//.test(a.spec.source.path ?? ''))

t.test('one root per cluster that manages itself, each syncing its own directory and not part of it', async (t) => {
  t.same(roots.map((r) => r.cluster).sort(), Object.values(clusters).filter((c) => c.managedBy === 'self').map((c) => c.name).sort())
  for (const r of roots) {
    t.equal(r.rootApp.metadata.name, rootName)
    t.same(r.rootApp.spec.source, { repoURL: repository.url, targetRevision: repository.targetRevision, path: rootDir(r.cluster) }, `${r.cluster}: source from the table`)
    const k = parse(readFileSync(join(root, r.dir, 'kustomization.yaml'), 'utf8'))
    t.notOk(k.resources.includes('root-app.yaml'), `${r.cluster}: root-app.yaml is not in its kustomization`)
    t.notOk(r.apps.some((a) => a.metadata.name === rootName), `${r.cluster}: so the root does not manage itself`)
    t.notOk(r.rootApp.metadata.finalizers, `${r.cluster}: deleting the root leaves its children`)
  }
})

t.test('no root deploys another cluster\'s environment', async (t) => {
  const managed = rootsOf(clusters)
  for (const r of roots) {
    const mine = promotionOrder.filter((name) => managed.get(r.cluster)!.includes(environments[name].cluster))
    t.same(envApps(r.apps).map((a) => a.metadata.labels.environment).sort(), [...mine].sort(), `${r.cluster}: exactly the environments of its clusters`)
    for (const app of r.apps.filter((a) => a.metadata.labels?.environment)) {
      const env = environments[app.metadata.labels.environment as keyof typeof environments]
      t.equal(destinationCluster(app, r.cluster), env.cluster, `${r.cluster}: ${app.metadata.name} goes to ${env.cluster}`)
    }
  }
  const minikube = roots.find((r) => r.cluster === 'minikube')!
  t.same(envApps(minikube.apps).map((a) => a.metadata.name), ['todo-app-dev'], 'Minikube gets dev only')
  t.notOk(roots.filter((r) => r.cluster !== 'minikube').some((r) => r.apps.some((a) => a.metadata.name === 'todo-app-dev')), 'no other cluster gets dev')
})

t.test('one Argo CD managing several clusters is expressible: destination by cluster name', async (t) => {
  const table = structuredClone(clusters)
  table.prod.managedBy = 'staging'
  const files = renderArgocd(promotionOrder.map((n) => environments[n]), [], () => [], table)
  t.notOk(Object.keys(files).some((p) => p.startsWith('argocd/clusters/prod/')), 'prod gets no root of its own')
  const prodApp = parseYaml(files['argocd/clusters/staging/todo-app-prod.yaml'])[0]
  t.same(prodApp.spec.destination, { name: 'prod', namespace: environments.prod.namespace }, 'staging\'s Argo CD reaches prod by its registered name')
  const stagingApp = parseYaml(files['argocd/clusters/staging/todo-app-staging.yaml'])[0]
  t.same(stagingApp.spec.destination, { server: 'https://kubernetes.default.svc', namespace: environments.staging.namespace })
  const project = parseYaml(files['argocd/clusters/staging/projects.yaml']).find((p) => p.metadata.name === argocd.project)!
  t.ok(project.spec.destinations.some((d: Parsed) => d.name === 'prod' && d.namespace === environments.prod.namespace), 'and its project allows that destination')
  t.ok(files['argocd/clusters/staging/metrics-server-prod.yaml'], 'prod\'s add-ons come along, named after their cluster')
  table.prod.managedBy = 'minikube'
  table.minikube.managedBy = 'staging'
  t.throws(() => renderArgocd([], [], () => [], table), /clusters\.prod\.managedBy: 'minikube' is not a cluster that manages itself/)
})

t.test('every Application is allowed by its AppProject, and its path builds', async (t) => {
  for (const r of roots) {
    for (const app of r.apps) {
      const at = `${r.cluster}: Application ${app.metadata.name}`
      t.same(app.spec.syncPolicy.retry, argocd.retry, `${at}: retry with backoff`)
      if (app.spec.project === 'default') {
        t.equal(app.spec.source.path, installDir, `${at}: only Argo CD itself is in the default project`)
        continue
      }
      const project = r.projects.find((p) => p.metadata.name === app.spec.project)
      t.ok(project, `${at}: its project ${app.spec.project} is in the same root`)
      if (!project) continue
      t.ok(project.spec.sourceRepos.some((repo: string) => glob(repo, app.spec.source.repoURL)), `${at}: source repo allowed`)
      const dest = app.spec.destination
      t.ok(project.spec.destinations.some((d: Parsed) => (d.name ? d.name === dest.name : glob(d.server, dest.server)) && glob(d.namespace, dest.namespace)), `${at}: destination allowed`)
      if (!app.spec.source.path) continue
      t.ok(existsSync(join(root, app.spec.source.path, 'kustomization.yaml')), `${at}: path ${app.spec.source.path} exists`)
      const built = r.builds.get(app.spec.source.path)!
      t.ok(built.length > 0, `${at}: path builds`)
      for (const o of built) {
        if (isClusterScoped(o)) {
          const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : ''
          t.ok(project.spec.clusterResourceWhitelist.some((w: Parsed) => glob(w.group, group) && glob(w.kind, o.kind)), `${at}: cluster-scoped ${o.kind}/${o.metadata.name} is allow-listed`)
        } else {
          t.equal(o.metadata.namespace, dest.namespace, `${at}: ${o.kind}/${o.metadata.name} lands in the destination namespace`)
        }
      }
      t.same(app.metadata.labels?.['todo-gitops/repository'], sourceLabel['todo-gitops/repository'], `${at}: labelled as synced from this repository`)
    }
  }
})

t.test('the todo-app project of each root allows only this repository and that root\'s namespaces', async (t) => {
  for (const r of roots) {
    const project = one(r.projects, 'AppProject', argocd.project)
    t.same(project.spec.sourceRepos, [repository.url], `${r.cluster}: only this repository`)
    const key = (d: Parsed) => `${d.server ?? d.name} ${d.namespace}`
    const expected = new Set(r.apps.filter((a) => a.spec.project === argocd.project).map((a) => key(a.spec.destination)))
    t.same(new Set(project.spec.destinations.map(key)), expected, `${r.cluster}: exactly the namespaces its Applications deploy to`)
    t.notOk(project.spec.clusterResourceWhitelist.some((w: Parsed) => w.kind === '*' || w.group === '*'), `${r.cluster}: no wildcard cluster kinds`)
  }
})

t.test('one Application per environment, synced as the table says', async (t) => {
  for (const name of promotionOrder) {
    const env = environments[name]
    const r = roots.find((x) => x.apps.some((a) => a.metadata.name === `todo-app-${name}`))!
    const app = one(r.apps, 'Application', `todo-app-${name}`)
    t.same(app.spec.source, { repoURL: repository.url, targetRevision: repository.targetRevision, path: `overlays/${name}` }, `${name}: source`)
    if (env.sync === 'automated') t.same(app.spec.syncPolicy.automated, { prune: true, selfHeal: true }, `${name}: automated, prune, selfHeal`)
    else t.notOk(app.spec.syncPolicy.automated, `${name}: synced by hand`)
    if (env.autoscaling) {
      t.ok(app.spec.ignoreDifferences?.some((d: Parsed) => d.kind === 'Deployment' && d.jsonPointers.includes('/spec/replicas')), `${name}: the HPA owns the replica count`)
    }
  }
})

t.test('in each cluster, each namespace and each object has one owner', async (t) => {
  for (const r of roots) {
    const owners = new Map<string, string[]>()
    for (const app of r.apps.filter((a) => r.builds.has(a.spec.source.path))) {
      for (const o of r.builds.get(app.spec.source.path)!) {
        const key = `${destinationCluster(app, r.cluster)} ${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`
        owners.set(key, [...(owners.get(key) ?? []), app.metadata.name])
      }
    }
    t.same([...owners].filter(([, by]) => by.length > 1), [], `${r.cluster}: no object is rendered by two Applications`)
    for (const env of Object.values(environments).filter((e) => rootsOf(clusters).get(r.cluster)!.includes(e.cluster))) {
      t.same(owners.get(`${env.cluster} Namespace /${env.namespace}`), [`todo-app-${env.name}`], `${env.namespace} is owned by todo-app-${env.name}`)
    }
  }
})

t.test('sync waves: Argo CD, projects, add-ons; environments and log shipping last', async (t) => {
  for (const r of roots) {
    const argo = one(r.apps, 'Application', 'argocd')
    const addons = r.apps.filter((a) => a.spec.source.chart)
    const late = r.apps.filter((a) => a.metadata.labels?.environment)
    const last = Math.max(...r.children.map(waveOf))
    t.equal(waveOf(argo), Number(appWaves.argocd), `${r.cluster}: Argo CD first`)
    for (const p of r.projects) t.ok(waveOf(argo) < waveOf(p), `${r.cluster}: ${p.metadata.name} after Argo CD`)
    for (const a of addons) t.ok(Math.max(...r.projects.map(waveOf)) < waveOf(a) && waveOf(a) < last, `${r.cluster}: ${a.metadata.name} after the projects, before the last wave`)
    for (const a of late) t.equal(waveOf(a), last, `${r.cluster}: ${a.metadata.name} in the last wave, which Argo CD does not await`)
  }
})

t.test('Argo CD itself is in git, synced by an Application of its own; no script patches argocd-cm', async (t) => {
  const k = parse(readFileSync(join(root, installDir, 'kustomization.yaml'), 'utf8'))
  t.same(k.resources, [argocd.installManifest], 'the pinned upstream install, as a remote resource')
  t.match(argocd.installManifest, new RegExp(`/${argocd.version.replaceAll('.', '\\.')}/manifests/install\\.yaml$`), `pinned to ${argocd.version}`)
  t.equal(k.namespace, argocd.namespace)
  for (const r of roots) {
    const app = one(r.apps, 'Application', 'argocd')
    t.same(app.spec.source, { repoURL: repository.url, targetRevision: repository.targetRevision, path: installDir }, `${r.cluster}: syncs ${installDir}`)
    t.ok(app.spec.syncPolicy.syncOptions.includes('ServerSideApply=true'), `${r.cluster}: server-side (the CRDs are too big for client-side apply)`)
    t.ok(app.spec.syncPolicy.automated?.selfHeal, `${r.cluster}: a hand edit of argocd-cm is reverted`)
    t.equal(app.spec.syncPolicy.automated?.prune, false, `${r.cluster}: never prunes part of Argo CD`)
  }
  // Offline, the remote install is replaced by a stand-in holding the argocd-cm the release ships; the
  // patch must merge into it (a strategic-merge patch that does not match would fail the build).
  const dir = tempDir(t)
  fs.cpSync(join(root, installDir), dir, { recursive: true })
  fs.writeFileSync(join(dir, 'install.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: argocd-cm\n  labels:\n    app.kubernetes.io/name: argocd-cm\n    app.kubernetes.io/part-of: argocd\n')
  fs.writeFileSync(join(dir, 'kustomization.yaml'), fs.readFileSync(join(dir, 'kustomization.yaml'), 'utf8').replace(argocd.installManifest, 'install.yaml'))
  const cm = one(await kustomize(dir), 'ConfigMap', 'argocd-cm')
  t.equal(cm.metadata.namespace, argocd.namespace)
  t.match(cm.data[applicationHealthKey], /obj\.status\.health/, 'Applications get a health status, so waves wait for them')
  const scripts = fs.readdirSync(join(root, 'scripts'), { recursive: true, encoding: 'utf8' }).filter((f) => /\.(mjs|ts)$/.test(f))
  // A kubectl command line that patches it: 'patch' as an argument, argocd-cm on the same line.
  for (const f of scripts) t.notMatch(readFileSync(join(root, 'scripts', f), 'utf8'), /['"`]patch['"`][^\n]*argocd-cm/, `scripts/${f} does not patch argocd-cm`)
  t.match("kubectl(..., 'patch', 'configmap', 'argocd-cm')", /['"`]patch['"`][^\n]*argocd-cm/, 'the check would see one')
})

t.test('namespaces Argo CD creates get their labels from git', async (t) => {
  let creators = 0
  for (const r of roots) {
    for (const app of r.apps.filter((a) => a.spec.syncPolicy.syncOptions?.includes('CreateNamespace=true'))) {
      creators++
      const level = app.spec.syncPolicy.managedNamespaceMetadata?.labels?.['pod-security.kubernetes.io/enforce']
      t.ok(['baseline', 'restricted', 'privileged'].includes(level), `${app.metadata.name}: its namespace's Pod Security level (${level}) is set in git`)
      // Only Fluent Bit (hostPath log files) needs privileged.
      if (level === 'privileged') t.match(app.metadata.name, /^log-shipping-/, `${app.metadata.name}: privileged only for log shipping`)
    }
  }
  t.ok(creators >= 3, `${creators} Applications create their namespace`)
})

t.test('the add-ons: pinned charts, found where their clients look, on the clusters that need them', async (t) => {
  const charts = (r: (typeof roots)[number]) => r.apps.filter((a) => a.spec.source.chart)
  const addon = (r: (typeof roots)[number], chart: string) => charts(r).find((a) => a.spec.source.chart === chart)
  for (const r of roots) {
    const envs = Object.values(environments).filter((e) => clusters[e.cluster] && rootsOf(clusters).get(r.cluster)!.includes(e.cluster))
    const expect = (chart: string, needed: boolean, why: string) => t.equal(!!addon(r, chart), needed, `${r.cluster}: ${chart} ${needed ? 'installed' : 'absent'} (${why})`)
    expect(argocd.sealedSecrets.chart, envs.some((e) => e.secret === 'sealed' || (e.logShipping.enabled && e.logShipping.sink === 'elasticsearch')), 'a SealedSecret: todo-app-secrets, or the Elasticsearch sink\'s credentials')
    expect(cloudnativePg.chart, envs.some((e) => e.storage.backend === 'postgres'), 'an environment on PostgreSQL')
    expect(externalSecrets.chart, envs.some((e) => e.secret === 'external'), 'an environment with an external secret store')
    expect(reloader.chart, envs.some((e) => e.secret !== 'bootstrap'), 'a Secret that can change under running pods (the bootstrap restarts dev\'s itself)')
    for (const a of charts(r)) {
      t.notOk(a.metadata.finalizers, `${a.metadata.name}: no resources finalizer (its CRDs outlive it)`)
      t.equal(a.spec.project, argocd.platformProject, `${a.metadata.name}: in the platform project`)
    }
  }
  const prod = roots.find((r) => r.cluster === 'prod')!
  const staging = roots.find((r) => r.cluster === 'staging')!
  const s = argocd.sealedSecrets
  const sealed = one(staging.apps, 'Application', `${s.releaseName}-staging`)
  t.same([sealed.spec.source.repoURL, sealed.spec.source.chart, sealed.spec.source.targetRevision], [s.chartRepo, s.chart, s.version], 'the pinned Sealed Secrets chart')
  t.equal(sealed.spec.source.helm.releaseName, 'sealed-secrets-controller', 'release name kubeseal expects')
  t.equal(sealed.spec.destination.namespace, 'kube-system')
  // prod's todo-app-secrets come from Vault; its controller is there for Fluent Bit's Elasticsearch credentials.
  t.equal(environments.prod.secret, 'external')
  t.equal(prod.apps.some((a) => a.spec.source.chart === s.chart), environments.prod.logShipping.sink === 'elasticsearch', 'prod: Sealed Secrets only for the log sink\'s credentials')
  const reloaders = roots.flatMap((r) => r.apps.filter((a) => a.spec.source.chart === reloader.chart).map((a) => `${r.cluster}:${a.spec.source.targetRevision}`))
  t.same(reloaders.sort(), [`prod:${reloader.version}`, `staging:${reloader.version}`], 'Reloader where a Secret can change under running pods')
  const m = argocd.metricsServer
  const metrics = addon(prod, m.chart)!
  t.same([metrics.spec.source.repoURL, metrics.spec.source.targetRevision], [m.chartRepo, m.version], 'prod (HPA) gets the pinned metrics-server chart')
  for (const r of roots) {
    const hpa = envApps(r.apps).some((a) => r.builds.get(a.spec.source.path)!.some((o) => o.kind === 'HorizontalPodAutoscaler'))
    const c = clusters[r.cluster]
    if (hpa) t.ok(c.metricsServer === 'provided' || r.apps.some((a) => a.spec.source.chart === m.chart), `${r.cluster}: an HPA has metrics (chart or provided, checked by the bootstrap)`)
  }
  // The operators: the chart versions that ship the CRDs the tests validate against, applied server-side.
  for (const op of [cloudnativePg, externalSecrets]) {
    const app = addon(prod, op.chart)!
    t.same([app.spec.source.repoURL, app.spec.source.targetRevision, app.spec.destination.namespace], [op.chartRepo, op.version, op.namespace], `${op.chart}: pinned chart ${op.version}`)
    t.ok(app.spec.syncPolicy.syncOptions.includes('ServerSideApply=true'), `${op.chart}: server-side apply (CRDs over 256 KiB)`)
    const crdFiles = fs.readdirSync(join(root, 'test/schemas/crds')).filter((f) => f.startsWith(`${op.apiGroup}_`))
    const version = op.appVersion.replace(/^v?/, 'v')
    t.ok(crdFiles.length >= 2, `${op.chart}: ${crdFiles.length} of its CRDs are committed`)
    for (const f of crdFiles) t.match(readFileSync(join(root, 'test/schemas/crds', f), 'utf8').split('\n')[0], ` ${version},`, `${f} is from operator ${version}, the one chart ${op.version} ships`)
  }
  t.same(addon(prod, externalSecrets.chart)!.spec.source.helm.valuesObject.processClusterStore, false, 'ESO: no cluster-wide stores')
  t.equal(addon(prod, reloader.chart)!.spec.source.helm.valuesObject.reloader.reloadStrategy, 'annotations', 'Reloader marks pod templates with an annotation git does not set')
})

// ---- deletion ----------------------------------------------------------------------------------------------

const keeps = (o: K8sObject) => /(^|,)\s*Delete=false\s*(,|$)/.test(o.metadata.annotations?.['argocd.argoproj.io/sync-options'] ?? '')

/** What deleting (or the root pruning) this Application deletes, by the rules in the header. */
function deletedWith(app: K8sObject, built: K8sObject[] | undefined): { deleted: K8sObject[]; unknown: boolean } {
  if (!app.metadata.finalizers?.includes(finalizer)) return { deleted: [], unknown: false }
  if (!built) return { deleted: [], unknown: true } // a chart we cannot render offline: it may own CRDs
  const direct = built.filter((o) => !keeps(o))
  const namespaces = new Set(direct.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name))
  // A deleted namespace takes everything in it along, whatever their annotations say.
  const inside = built.filter((o) => namespaces.has(o.metadata.namespace))
  return { deleted: [...new Set([...direct, ...inside])], unknown: false }
}

// A CNPG Cluster owns its PVCs: deleting the Cluster deletes the database's volumes.
const dataKinds = ['Namespace', 'PersistentVolumeClaim', 'CustomResourceDefinition', 'Cluster']

t.test('deleting any Application never deletes a Namespace, a PVC, a database Cluster or a CRD', async (t) => {
  for (const r of roots) {
    for (const app of r.apps) {
      const at = `${r.cluster}: deleting ${app.metadata.name}`
      const { deleted, unknown } = deletedWith(app, r.builds.get(app.spec.source.path))
      t.notOk(unknown, `${at}: an add-on (chart) Application has no resources finalizer, so its CRDs stay`)
      const lost = deleted.filter((o) => dataKinds.includes(o.kind))
      t.same(lost.map((o) => `${o.kind}/${o.metadata.name}`), [], `${at} keeps namespaces, data and CRDs`)
    }
    t.notOk(one(r.apps, 'Application', 'argocd').metadata.finalizers, `${r.cluster}: deleting the argocd Application leaves Argo CD running`)
  }
  // And the rule itself bites: without Delete=false the namespace would take the PVC with it.
  const overlay = await kustomize('overlays/dev')
  const stripped = overlay.map((o) => (o.kind === 'Namespace' ? { ...o, metadata: { ...o.metadata, annotations: {} } } : o))
  const dev = roots.find((r) => r.cluster === 'minikube')!.apps.find((a) => a.metadata.name === 'todo-app-dev')!
  t.ok(deletedWith(dev, stripped).deleted.some((o) => o.kind === 'PersistentVolumeClaim'), 'a Namespace without Delete=false would take the PVC along')
})

t.test('every Namespace, PVC, database Cluster and its backup schedule is kept on delete and never pruned', async (t) => {
  for (const name of promotionOrder) {
    for (const o of (await kustomize(`overlays/${name}`)).filter((x) => [...dataKinds, 'ScheduledBackup'].includes(x.kind))) {
      t.equal(o.metadata.annotations?.['argocd.argoproj.io/sync-options'], 'Prune=false,Delete=false', `${name}: ${o.kind}/${o.metadata.name}`)
    }
  }
})

t.test('docs/gitops.md says what deleting each Application does', async (t) => {
  const docs = readFileSync(join(root, 'docs/gitops.md'), 'utf8')
  const section = docs.slice(docs.indexOf('## Deleting an Application'))
  t.ok(section.length > 100, 'the section exists')
  const generic = (a: K8sObject, cluster: string) =>
    a.metadata.labels?.environment ? a.metadata.name.replace(`-${a.metadata.labels.environment}`, '-<env>')
      : a.spec.source.chart ? a.metadata.name.replace(`-${cluster}`, '-<cluster>') : a.metadata.name
  const names = new Set(roots.flatMap((r) => [r.rootApp, ...r.apps].map((a) => generic(a, r.cluster))))
  for (const name of names) t.match(section, `\`${name}\``, `${name} is in the table`)
})

t.test('docs/deployment.md names only roots, files and Applications that are rendered', async (t) => {
  const docs = readFileSync(join(root, 'docs/deployment.md'), 'utf8')
  const paths = [...new Set([...docs.matchAll(/\bargocd\/(?:install|clusters\/[a-z]+)(?:\/[\w.-]+\.yaml)?/g)].map((m) => m[0]))]
  t.ok(paths.length >= 3, `${paths.length} paths`)
  for (const p of paths) t.ok(existsSync(join(root, p)), `${p} exists`)
  const names = new Set(roots.flatMap((r) => r.apps.map((a) => a.metadata.name)))
  const mentioned = [...docs.matchAll(/application\/([a-z0-9-]+)/g)].map((m) => m[1])
  for (const name of mentioned) t.ok(names.has(name), `application/${name} is rendered`)
})
