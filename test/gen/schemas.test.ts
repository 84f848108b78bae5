// Every rendered object validates against its schema: Kubernetes kinds with kubernetes-models, Argo CD
// with @kubernetes-models/argo-cd, monitoring.coreos.com with @kubernetes-models/prometheus-operator.
// (SealedSecrets: test/gen/sealed-secrets.test.ts, with a fixture.)
import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { renderAll } from '../../gen/render.ts'
import { installDir } from '../../gen/argocd.ts'
import { kustomize, kustomizeAll, parseYaml, root } from './helpers.ts'
import { validationErrors } from './validate.ts'

const rendered = renderAll(root)
// argocd/install is the remote upstream install plus our patch: built offline in argocd.test.ts.
const builds = Object.keys(rendered)
  .filter((p) => p.endsWith('/kustomization.yaml'))
  .map((p) => p.slice(0, -'/kustomization.yaml'.length))
  .filter((dir) => dir !== installDir)
// Files applied directly rather than through a kustomization (and the argocd-cm patch, a whole ConfigMap).
const standalone = Object.keys(rendered).filter((p) => p.endsWith('/root-app.yaml')).concat(`${installDir}/argocd-cm.yaml`)

t.test('every kustomization builds, and every object it builds is valid', async (t) => {
  t.ok(builds.includes('base') && builds.includes('argocd/clusters/minikube') && builds.includes('overlays/dev'), 'the builds include base, the cluster roots and the overlays')
  const all = await kustomizeAll(builds)
  for (const dir of builds) {
    for (const obj of all.get(dir)!) {
      t.equal(await validationErrors(obj), '', `${dir}: ${obj.apiVersion} ${obj.kind} ${obj.metadata?.name}`)
    }
  }
})

t.test('the files applied directly are valid', async (t) => {
  for (const file of standalone) {
    const objects = parseYaml(readFileSync(join(root, file), 'utf8'))
    t.ok(objects.length > 0, `${file} has objects`)
    for (const obj of objects) t.equal(await validationErrors(obj), '', `${file}: ${obj.kind} ${obj.metadata.name}`)
  }
})

t.test('the validator rejects what it should', async (t) => {
  const deployment = (await kustomize('overlays/dev')).find((o) => o.kind === 'Deployment')!
  const broken = structuredClone(deployment)
  broken.spec.template.spec.containers[0].ports[0].containerPort = 'eight thousand'
  t.match(await validationErrors(broken), /containerPort/, 'a wrong type')
  const app = parseYaml(readFileSync(join(root, 'argocd/clusters/minikube/root-app.yaml'), 'utf8'))[0]
  const noSpec = structuredClone(app)
  delete noSpec.spec.destination
  t.match(await validationErrors(noSpec), /destination/, 'an Application without a destination')
  t.match(await validationErrors({ ...deployment, apiVersion: 'apps/v1beta9' }), /no schema|not an API version/, 'an unknown API version')
  t.match(await validationErrors({ ...deployment, apiVersion: 'extensions/v1beta1' }), /not an API version|no schema/, 'an API version Kubernetes 1.28 no longer serves')
})
