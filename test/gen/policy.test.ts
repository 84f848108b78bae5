// Policy over what kustomize builds (what the cluster would get), not only over the generator's objects:
// the restricted Pod Security Standard, requests/limits, the three probes (FR-45), NetworkPolicy coverage
// (FR-46), Services that select pods, no Secret data in git, and a config change that renames the ConfigMap.
import t from 'tap'
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { environments, promotionOrder } from '../../gen/environments.ts'
import { partOf, probes } from '../../gen/constants.ts'
import { canonicalQuantity } from '../../gen/quantity.ts'
import { ownedDirs, renderAll } from '../../gen/render.ts'
import { writeTree } from '../../gen/write.ts'
import type { K8sObject } from './helpers.ts'
import { find, kustomize, kustomizeAll, one, parseYaml, podTemplates, root, selects, tempDir } from './helpers.ts'
import type { Parsed } from '../helpers/parsed.ts'

const rendered = renderAll(root)
const builds = Object.keys(rendered)
  .filter((p) => /^(overlays|log-shipping)\/[^/]+\/kustomization\.yaml$/.test(p))
  .map((p) => p.slice(0, -'/kustomization.yaml'.length))
const all = await kustomizeAll(builds)

// Fluent Bit reads the node's log files through hostPath volumes, which the restricted standard forbids by
// design; it runs in its own namespace, which is exempt from this check only because git labels it
// privileged (the Application that creates it sets the label).
const roots = Object.keys(rendered).filter((p) => /^argocd\/clusters\/[^/]+\/kustomization\.yaml$/.test(p)).map((p) => p.slice(0, -'/kustomization.yaml'.length))
const pssExempt = new Set([...(await kustomizeAll(roots)).values()].flatMap((objects) => find(objects, 'Application'))
  .filter((a) => a.spec.syncPolicy?.managedNamespaceMetadata?.labels?.['pod-security.kubernetes.io/enforce'] === 'privileged')
  .map((a) => a.spec.destination.namespace as string))
const allowedVolumes = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']

function restrictedViolations(pod: Record<string, Parsed>): string[] {
  const v: string[] = []
  const psc = pod.securityContext ?? {}
  for (const f of ['hostNetwork', 'hostPID', 'hostIPC']) if (pod[f]) v.push(`${f} is set`)
  for (const vol of pod.volumes ?? []) {
    const type = Object.keys(vol).find((k) => k !== 'name')!
    if (!allowedVolumes.includes(type)) v.push(`volume ${vol.name} is ${type}`)
  }
  if (psc.runAsUser === 0) v.push('pod runs as UID 0')
  for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
    const sc = c.securityContext ?? {}
    const at = `container ${c.name}`
    if (sc.privileged) v.push(`${at} is privileged`)
    if (sc.allowPrivilegeEscalation !== false) v.push(`${at} may escalate privileges`)
    if ((sc.runAsNonRoot ?? psc.runAsNonRoot) !== true) v.push(`${at} is not runAsNonRoot`)
    if ((sc.runAsUser ?? psc.runAsUser) === 0) v.push(`${at} runs as UID 0`)
    if (!(sc.capabilities?.drop ?? []).includes('ALL')) v.push(`${at} does not drop ALL capabilities`)
    for (const cap of sc.capabilities?.add ?? []) if (cap !== 'NET_BIND_SERVICE') v.push(`${at} adds ${cap}`)
    const seccomp = (sc.seccompProfile ?? psc.seccompProfile)?.type
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') v.push(`${at} has no seccomp profile`)
    for (const p of c.ports ?? []) if (p.hostPort) v.push(`${at} uses hostPort ${p.hostPort}`)
  }
  return v
}

t.test('every pod template meets the restricted Pod Security Standard, and ours go further', async (t) => {
  let checked = 0
  for (const [dir, objects] of all) {
    for (const { owner, template } of podTemplates(objects)) {
      if (pssExempt.has(owner.metadata.namespace)) continue
      checked++
      const where = `${dir}: ${owner.kind}/${owner.metadata.name}`
      t.same(restrictedViolations(template.spec), [], `${where} is restricted`)
      const psc = template.spec.securityContext
      t.same([psc.runAsUser, psc.runAsGroup, psc.fsGroup], [1000, 1000, 1000], `${where} runs as UID/GID 1000`)
      for (const c of [...(template.spec.initContainers ?? []), ...template.spec.containers]) {
        t.equal(c.securityContext.readOnlyRootFilesystem, true, `${where} ${c.name}: read-only root filesystem`)
      }
      t.equal(template.spec.automountServiceAccountToken, false, `${where} mounts no API token`)
      t.not(template.spec.serviceAccountName ?? 'default', 'default', `${where} has its own ServiceAccount`)
    }
  }
  t.ok(checked >= 3, `checked ${checked} pod templates`)
  t.same(restrictedViolations({ hostNetwork: true, containers: [{ name: 'x', securityContext: {} }], volumes: [{ name: 'h', hostPath: {} }] }).length, 6,
    'the check itself catches violations')
})

t.test('every object that says what it is part of says todo-gitops', async (t) => {
  const objects = [...[...all.values()].flat(), ...[...(await kustomizeAll(roots)).values()].flat()]
  const labelled = objects.filter((o) => o.metadata.labels?.['app.kubernetes.io/part-of'] !== undefined)
  t.ok(labelled.length > 0, `${labelled.length} labelled objects`)
  for (const o of labelled) t.equal(o.metadata.labels['app.kubernetes.io/part-of'], partOf['app.kubernetes.io/part-of'], `${o.kind}/${o.metadata.name}`)
})

t.test('no cdk8s-plus-28 default leaks into what is rendered', async (t) => {
  for (const [path, text] of Object.entries(rendered)) t.notMatch(text, /cdk8s\.io\//, `${path}: no construct-path label`)
  for (const [dir, objects] of all) {
    const quantities: [string, string][] = []
    for (const { owner, template } of podTemplates(objects)) {
      for (const c of [...(template.spec.initContainers ?? []), ...template.spec.containers]) {
        for (const kind of ['requests', 'limits']) {
          for (const [res, q] of Object.entries(c.resources?.[kind] ?? {})) quantities.push([`${owner.metadata.name} ${c.name} ${kind}.${res}`, String(q)])
        }
      }
    }
    for (const pvc of find(objects, 'PersistentVolumeClaim')) quantities.push([`${pvc.metadata.name} storage`, pvc.spec.resources.requests.storage])
    for (const [where, q] of quantities) t.equal(q, canonicalQuantity(q), `${dir}: ${where} is canonical (${q})`)
    for (const { owner, template } of podTemplates(objects)) {
      if (pssExempt.has(owner.metadata.namespace)) continue
      t.equal(template.spec.securityContext.runAsUser, 1000, `${dir}: ${owner.metadata.name} has a numeric UID`)
    }
  }
})

t.test('the namespaces enforce the restricted standard', async (t) => {
  for (const name of promotionOrder) {
    const ns = one(await kustomize(`overlays/${name}`), 'Namespace')
    t.equal(ns.metadata.labels['pod-security.kubernetes.io/enforce'], 'restricted', `${ns.metadata.name} enforces restricted`)
  }
})

t.test('every container has requests, limits, an explicit pull policy; long-running ones the three probes', async (t) => {
  for (const [dir, objects] of all) {
    for (const { owner, template } of podTemplates(objects)) {
      const where = `${dir}: ${owner.kind}/${owner.metadata.name}`
      for (const c of [...(template.spec.initContainers ?? []), ...template.spec.containers]) {
        for (const kind of ['requests', 'limits']) {
          for (const res of ['cpu', 'memory']) t.ok(c.resources?.[kind]?.[res], `${where} ${c.name}: ${kind}.${res}`)
        }
        t.ok(c.imagePullPolicy, `${where} ${c.name}: imagePullPolicy is set`)
      }
      for (const c of template.spec.containers) {
        for (const p of ['startupProbe', 'readinessProbe', 'livenessProbe']) t.ok(c[p], `${where} ${c.name}: ${p}`)
      }
    }
  }
  for (const name of promotionOrder) {
    const c = one(await kustomize(`overlays/${name}`), 'Deployment', 'todo-app-deployment').spec.template.spec.containers[0]
    t.same([c.startupProbe.httpGet.path, c.readinessProbe.httpGet.path, c.livenessProbe.httpGet.path],
      [probes.startup.path, probes.readiness.path, probes.liveness.path], `${name}: FR-45 probe endpoints`)
    t.ok(c.lifecycle.preStop, `${name}: a preStop pause before SIGTERM`)
  }
})

t.test('every workload is selected by a NetworkPolicy of its own and isolated both ways', async (t) => {
  for (const [dir, objects] of all) {
    const policies = find(objects, 'NetworkPolicy')
    for (const { owner, template } of podTemplates(objects)) {
      const where = `${dir}: ${owner.kind}/${owner.metadata.name}`
      const selecting = policies.filter((p) => p.metadata.namespace === owner.metadata.namespace && selects(p.spec.podSelector, template.metadata.labels))
      t.ok(selecting.some((p) => Object.keys(p.spec.podSelector).length > 0), `${where}: a NetworkPolicy selects its pods by label`)
      // A pod selected by a policy of a type admits only what some policy allows for that direction.
      const types = new Set(selecting.flatMap((p) => p.spec.policyTypes ?? []))
      t.ok(types.has('Ingress') && types.has('Egress'), `${where}: isolated for ingress and egress (default deny)`)
    }
  }
  t.ok(selects({}, { app: 'x' }) && !selects({ matchLabels: { app: 'y' } }, { app: 'x' }), 'selector matching works')
})

t.test('every Service selects pods', async (t) => {
  for (const [dir, objects] of all) {
    const pods = podTemplates(objects)
    for (const svc of find(objects, 'Service')) {
      t.ok(svc.spec.selector && Object.keys(svc.spec.selector).length > 0, `${dir}: ${svc.metadata.name} has a selector`)
      t.ok(pods.some(({ owner, template }) => owner.metadata.namespace === svc.metadata.namespace && selects({ matchLabels: svc.spec.selector }, template.metadata.labels)),
        `${dir}: ${svc.metadata.name} selects a workload's pods`)
      for (const p of svc.spec.ports) {
        const target = p.targetPort
        t.ok(pods.some(({ template }) => template.spec.containers.some((c: Parsed) => (c.ports ?? []).some((cp: Parsed) => cp.containerPort === target || cp.name === target))),
          `${dir}: ${svc.metadata.name} port ${p.name} targets a container port`)
      }
    }
  }
})

t.test('no Secret with data anywhere in git', async (t) => {
  const files = execFileSync('git', ['ls-files', '-z', '--', '*.yaml', '*.yml'], { cwd: root, encoding: 'utf8' }).split('\0').filter(Boolean)
  const secretsWithData = (objects: K8sObject[]) =>
    objects.filter((o) => o?.kind === 'Secret' && (Object.keys(o.data ?? {}).length > 0 || Object.keys(o.stringData ?? {}).length > 0))
  for (const file of files) {
    let objects: K8sObject[]
    try {
      objects = parseYaml(readFileSync(join(root, file), 'utf8'))
    } catch {
      continue // not Kubernetes YAML we can read (a template of another tool); nothing we render
    }
    t.same(secretsWithData(objects).map((o) => o.metadata?.name), [], `${file} has no Secret with data`)
  }
  for (const [dir, objects] of all) t.same(secretsWithData(objects), [], `${dir} builds no Secret with data`)
  t.equal(secretsWithData([{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' }, stringData: { k: 'test-key-not-real' } }]).length, 1, 'the check finds one')
})

t.test('changing a config value changes the generated ConfigMap name, so the pods roll', async (t) => {
  const before = await kustomize('overlays/dev')
  const oldName = find(before, 'ConfigMap').find((c) => c.metadata.name.startsWith('todo-app-config-'))!.metadata.name

  const dir = tempDir(t)
  const changed = structuredClone(environments)
  changed.dev.config.LOG_LEVEL = changed.dev.config.LOG_LEVEL === 'DEBUG' ? 'INFO' : 'DEBUG'
  writeTree(dir, renderAll(dir, changed), ownedDirs)
  const after = await kustomize(join(dir, 'overlays/dev'))
  const config = find(after, 'ConfigMap').find((c) => c.metadata.name.startsWith('todo-app-config-'))!
  t.equal(config.data.LOG_LEVEL, changed.dev.config.LOG_LEVEL, 'the new value is in the ConfigMap')
  t.not(config.metadata.name, oldName, 'under a new name')
  const envFrom = one(after, 'Deployment', 'todo-app-deployment').spec.template.spec.containers[0].envFrom
  t.same(envFrom, [{ configMapRef: { name: config.metadata.name } }], 'and the pod template follows it (a rollout)')
})
