// An environment's SealedSecret is picked up from sealed-secrets/<env>/ (written by scripts/seal-secret.mjs)
// through its kustomization.yaml — a directory is the one way kustomize's default load restrictor (and so
// Argo CD) lets an overlay include files outside it. Tested on a fixture in a temp copy, never in git.
import t from 'tap'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { environments } from '../../gen/environments.ts'
import { postgresOf } from '../../gen/database.ts'
import { ownedDirs, renderAll } from '../../gen/render.ts'
import { writeTree } from '../../gen/write.ts'
import { find, kustomize, tempDir } from './helpers.ts'
import { validationErrors } from './validate.ts'
import { applyOrder, syncChild, type ClusterState } from './argocd-sync-model.ts'
import type { Parsed } from '../helpers/parsed.ts'

const env = environments.staging

function fixture(dir: string, withKustomization: boolean): void {
  const sealed = join(dir, `sealed-secrets/${env.name}`)
  mkdirSync(sealed, { recursive: true })
  writeFileSync(join(sealed, 'todo-app-secrets.yaml'), [
    'apiVersion: bitnami.com/v1alpha1',
    'kind: SealedSecret',
    'metadata:',
    '  name: todo-app-secrets',
    `  namespace: ${env.namespace}`,
    'spec:',
    '  encryptedData:',
    '    jwt-secret: AgB-test-not-real',
    '    openai-api-key: AgB-test-not-real',
    '  template:',
    '    metadata:',
    '      name: todo-app-secrets',
    `      namespace: ${env.namespace}`,
    '',
  ].join('\n'))
  if (withKustomization) {
    writeFileSync(join(sealed, 'kustomization.yaml'), 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - todo-app-secrets.yaml\n')
  }
}

t.test('with sealed-secrets/<env>/kustomization.yaml the overlay deploys the SealedSecret before the pods', async (t) => {
  const dir = tempDir(t)
  fixture(dir, true)
  writeTree(dir, renderAll(dir), ownedDirs)
  const objects = await kustomize(join(dir, `overlays/${env.name}`))
  const sealed = find(objects, 'SealedSecret')
  t.equal(sealed.length, 1, 'the overlay builds the SealedSecret')
  t.equal(sealed[0].metadata.namespace, env.namespace, 'in the namespace it was sealed for')
  t.equal(sealed[0].metadata.name, 'todo-app-secrets', 'under the name it was sealed for (strict scope)')
  t.equal(sealed[0].metadata.annotations['argocd.argoproj.io/sync-wave'], '-1', 'in the prerequisites wave')
  t.equal(await validationErrors(sealed[0]), '', 'valid against the SealedSecret schema')
  t.equal(find(objects, 'Secret').length, 0, 'and no plain Secret')

  // Argo CD's order: the SealedSecret before the Deployment; with the controller, the Secret it makes is there
  // when the pods start (argocd-sync-model.ts).
  const order = applyOrder(objects).map((o) => `${o.kind}/${o.metadata.name}`)
  t.ok(order.indexOf('SealedSecret/todo-app-secrets') < order.indexOf('Deployment/todo-app-deployment'), 'applied before the Deployment')
  const state: ClusterState = {
    name: 'staging', storageClasses: new Map([[postgresOf(env)!.storage.storageClass, 'WaitForFirstConsumer']]), crdGroups: new Set(['bitnami.com', 'monitoring.coreos.com', 'postgresql.cnpg.io']),
    objects: new Set(), localImages: new Set(), metricsApi: true, ingressController: true, sealedSecretsController: true, cnpgOperator: true,
  }
  const app = { metadata: { name: 'todo-app-staging' }, spec: { syncPolicy: { automated: {} } } } as Parsed
  const synced = syncChild({ app, objects }, state, new Set())
  t.equal(synced.health, 'Healthy', `with the controller the pods get their Secret ${synced.reasons.join('; ')}`)
  t.match(syncChild({ app, objects }, { ...state, sealedSecretsController: false }, new Set()).reasons.join(), /SealedSecret todo-app-secrets: no controller/, 'without it, the wave waits')

  const other = await kustomize(join(dir, 'overlays/prod'))
  t.equal(find(other, 'SealedSecret').length, 0, 'another environment does not pick it up')
})

t.test('without it, the overlay has no SealedSecret; a half-written directory is an error', async (t) => {
  const clean = tempDir(t)
  writeTree(clean, renderAll(clean), ownedDirs)
  t.equal(find(await kustomize(join(clean, `overlays/${env.name}`)), 'SealedSecret').length, 0, 'nothing sealed yet: nothing included')

  const half = tempDir(t)
  fixture(half, false)
  t.throws(() => renderAll(half), /sealed-secrets\/staging\/todo-app-secrets\.yaml has no kustomization\.yaml/, 'names the missing file')

  const dev = tempDir(t)
  mkdirSync(join(dev, 'sealed-secrets/dev'), { recursive: true })
  t.throws(() => renderAll(dev), /sealed-secrets\/dev\/ exists, but environments\.dev\.secret is 'bootstrap'/, 'dev\'s secret never comes from git')
})
