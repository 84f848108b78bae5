// argocd/: every Application's path exists and builds, its source and destination are allowed by its
// AppProject, each namespace has one owner, sync policy and waves follow the table and DESIGN.md §3.
import t from 'tap'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { argocd, environments, promotionOrder, repository } from '../../gen/environments.ts'
import { appWaves, sourceLabel } from '../../gen/argocd.ts'
import { isClusterScoped } from '../../gen/scope.ts'
import type { K8sObject } from './helpers.ts'
import { find, kustomize, kustomizeAll, one, parseYaml, root } from './helpers.ts'

const objects = await kustomize('argocd')
const projects = find(objects, 'AppProject')
const apps = find(objects, 'Application')
const root_ = parseYaml(readFileSync(join(root, 'argocd/root-app.yaml'), 'utf8'))[0]
const paths = apps.filter((a) => a.spec.source.path).map((a) => a.spec.source.path as string)
const builds = await kustomizeAll(paths)
const wave = (o: K8sObject) => Number(o.metadata.annotations?.['argocd.argoproj.io/sync-wave'] ?? 0)

const glob = (pattern: string, value: string) => pattern === '*' || pattern === value

t.test('the root app-of-apps syncs argocd/ and is not part of it', async (t) => {
  t.equal(root_.kind, 'Application')
  t.same(root_.spec.source, { repoURL: repository.url, targetRevision: repository.targetRevision, path: 'argocd' }, 'source from the table')
  const k = parse(readFileSync(join(root, 'argocd/kustomization.yaml'), 'utf8'))
  t.notOk(k.resources.includes('root-app.yaml'), 'root-app.yaml is not in argocd/kustomization.yaml')
  t.notOk(apps.some((a) => a.metadata.name === root_.metadata.name), 'so the root does not manage itself')
  t.equal(root_.spec.destination.namespace, argocd.namespace, 'it creates Applications in Argo CD\'s namespace')
})

t.test('every Application is allowed by its AppProject, and its path builds', async (t) => {
  t.ok(apps.length >= promotionOrder.length + 1, `${apps.length} Applications`)
  for (const app of apps) {
    const at = `Application ${app.metadata.name}`
    const project = projects.find((p) => p.metadata.name === app.spec.project)
    t.ok(project, `${at}: its project ${app.spec.project} is rendered`)
    if (!project) continue
    t.ok(project.spec.sourceRepos.some((r: string) => glob(r, app.spec.source.repoURL)), `${at}: source repo allowed`)
    const dest = app.spec.destination
    t.ok(project.spec.destinations.some((d: any) => glob(d.server, dest.server) && glob(d.namespace, dest.namespace)), `${at}: destination allowed`)
    t.same(app.metadata.finalizers, ['resources-finalizer.argocd.argoproj.io'], `${at}: resources finalizer`)
    t.same(app.spec.syncPolicy.retry, argocd.retry, `${at}: retry with backoff`)
    t.ok(app.spec.syncPolicy.retry.backoff.factor > 1, `${at}: the backoff grows`)
    if (app.spec.source.path) {
      t.ok(existsSync(join(root, app.spec.source.path, 'kustomization.yaml')), `${at}: path ${app.spec.source.path} exists`)
      const built = builds.get(app.spec.source.path)!
      t.ok(built.length > 0, `${at}: path builds`)
      for (const o of built) {
        if (isClusterScoped(o)) {
          const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : ''
          t.ok(project.spec.clusterResourceWhitelist.some((w: any) => glob(w.group, group) && glob(w.kind, o.kind)),
            `${at}: cluster-scoped ${o.kind}/${o.metadata.name} is allow-listed`)
        } else {
          t.equal(o.metadata.namespace, dest.namespace, `${at}: ${o.kind}/${o.metadata.name} lands in the destination namespace`)
        }
      }
      t.same(app.metadata.labels?.['todo-gitops/repository'], sourceLabel['todo-gitops/repository'], `${at}: labelled as synced from this repository`)
    }
  }
})

t.test('the todo-app project allows only this repository and these namespaces', async (t) => {
  const project = one(projects, 'AppProject', argocd.project)
  t.same(project.spec.sourceRepos, [repository.url], 'only this repository')
  const expected = new Set(apps.filter((a) => a.spec.project === argocd.project).map((a) => `${a.spec.destination.server} ${a.spec.destination.namespace}`))
  t.same(new Set(project.spec.destinations.map((d: any) => `${d.server} ${d.namespace}`)), expected, 'exactly the namespaces its Applications deploy to')
  for (const env of Object.values(environments)) t.ok(expected.has(`${env.cluster} ${env.namespace}`), `${env.name}'s namespace`)
  t.notOk(project.spec.clusterResourceWhitelist.some((w: any) => w.kind === '*' || w.group === '*'), 'no wildcard cluster kinds')
})

t.test('one Application per environment, synced as the table says', async (t) => {
  for (const name of promotionOrder) {
    const env = environments[name]
    const app = one(apps, 'Application', `todo-app-${name}`)
    t.same(app.spec.source, { repoURL: repository.url, targetRevision: repository.targetRevision, path: `overlays/${name}` }, `${name}: source`)
    t.same(app.spec.destination, { server: env.cluster, namespace: env.namespace }, `${name}: destination`)
    if (env.sync === 'automated') t.same(app.spec.syncPolicy.automated, { prune: true, selfHeal: true }, `${name}: automated, prune, selfHeal`)
    else t.notOk(app.spec.syncPolicy.automated, `${name}: synced by hand`)
    if (env.autoscaling) {
      t.ok(app.spec.ignoreDifferences?.some((d: any) => d.kind === 'Deployment' && d.jsonPointers.includes('/spec/replicas')), `${name}: the HPA owns the replica count`)
    }
  }
})

t.test('each namespace and each object has one owner', async (t) => {
  const owners = new Map<string, string[]>()
  for (const app of apps.filter((a) => a.spec.source.path)) {
    for (const o of builds.get(app.spec.source.path)!) {
      const key = `${app.spec.destination.server} ${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`
      owners.set(key, [...(owners.get(key) ?? []), app.metadata.name])
    }
  }
  const shared = [...owners].filter(([, by]) => by.length > 1)
  t.same(shared, [], 'no object is rendered by two Applications')
  for (const env of Object.values(environments)) {
    const key = `${env.cluster} Namespace /${env.namespace}`
    t.same(owners.get(key), [`todo-app-${env.name}`], `${env.namespace} is owned by todo-app-${env.name}`)
  }
})

t.test('sync waves: projects, then the Sealed Secrets controller, then log shipping, then the environments', async (t) => {
  const controller = one(apps, 'Application', argocd.sealedSecrets.releaseName)
  for (const p of projects) t.ok(wave(p) < wave(controller), `${p.metadata.name} before the controller`)
  for (const app of apps.filter((a) => a.metadata.name.startsWith('todo-app-'))) t.ok(wave(controller) < wave(app), `controller before ${app.metadata.name}`)
  for (const app of apps.filter((a) => a.metadata.name.startsWith('log-shipping-'))) {
    t.ok(wave(controller) < wave(app) && wave(app) < Number(appWaves.environments), `${app.metadata.name} between them`)
  }
  const cm = parseYaml(readFileSync(join(root, 'argocd/argocd-cm-patch.yaml'), 'utf8'))[0]
  t.equal(cm.metadata.name, 'argocd-cm')
  t.match(cm.data['resource.customizations.health.argoproj.io_Application'], /obj\.status\.health/, 'Applications get a health status, so waves wait for them')
  for (const name of promotionOrder) {
    const built = await kustomize(`overlays/${name}`)
    const deployment = one(built, 'Deployment', 'todo-app-deployment')
    // What the pods need before they can start: their config, identity, volume and secret.
    const prerequisites = built.filter((o) => ['ServiceAccount', 'PersistentVolumeClaim', 'SealedSecret'].includes(o.kind) ||
      (o.kind === 'ConfigMap' && o.metadata.name.startsWith('todo-app-config-')))
    t.ok(prerequisites.length >= 3, `${name}: ${prerequisites.length} prerequisites`)
    for (const o of prerequisites) {
      t.ok(wave(o) < wave(deployment), `${name}: ${o.kind}/${o.metadata.name} before the Deployment`)
    }
  }
})

t.test('namespaces Argo CD creates get their labels from git', async (t) => {
  const creators = apps.filter((a) => a.spec.syncPolicy.syncOptions?.includes('CreateNamespace=true'))
  t.ok(creators.length > 0, `${creators.length} Applications create their namespace`)
  for (const app of creators) {
    const labels = app.spec.syncPolicy.managedNamespaceMetadata?.labels
    t.equal(labels?.['pod-security.kubernetes.io/enforce'], 'privileged', `${app.metadata.name}: its namespace's Pod Security level is set in git`)
    // Applications sharing a namespace must not fight over its labels.
    for (const other of creators.filter((o) => o.spec.destination.namespace === app.spec.destination.namespace)) {
      t.same(other.spec.syncPolicy.managedNamespaceMetadata, app.spec.syncPolicy.managedNamespaceMetadata, `${app.metadata.name} and ${other.metadata.name} agree`)
    }
  }
})

t.test('the Sealed Secrets controller: pinned chart, found by kubeseal', async (t) => {
  const s = argocd.sealedSecrets
  const app = one(apps, 'Application', s.releaseName)
  t.same([app.spec.source.repoURL, app.spec.source.chart, app.spec.source.targetRevision], [s.chartRepo, s.chart, s.version], 'the pinned chart')
  t.equal(app.spec.source.helm.releaseName, 'sealed-secrets-controller', 'release name kubeseal expects')
  t.equal(app.spec.source.helm.valuesObject.fullnameOverride, 'sealed-secrets-controller', 'so its Service is sealed-secrets-controller')
  t.equal(app.spec.destination.namespace, 'kube-system', 'in kube-system')
  t.not(app.spec.project, argocd.project, 'in a project of its own: the todo-app project allows this repository only')
})
