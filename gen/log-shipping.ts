// log-shipping/<env>/: the optional Fluent Bit component (FR-43) of environments that enable it, as its own
// Kustomize directory synced by its own Application into the logging namespace.
import type { Environment } from './environments.ts'
import type { KubeObject } from './chart.ts'
import { clusterServices } from './environments.ts'
import { partOf } from './app.ts'
import { logShippingManifests } from './observability/index.ts'
import { yamlFile } from './yaml.ts'

export interface LogShipping {
  env: Environment
  dir: string
  objects: KubeObject[]
}

/** The environments whose log shipping is enabled and renders something. */
export function logShippingOf(envs: readonly Environment[]): LogShipping[] {
  return envs
    .filter((env) => env.logShipping.enabled)
    .map((env) => ({ env, dir: `log-shipping/${env.name}`, objects: logShippingManifests(env) as KubeObject[] }))
    .filter((ls) => ls.objects.length > 0)
}

export function renderLogShipping(ls: LogShipping): Record<string, string> {
  return {
    [`${ls.dir}/log-shipping.yaml`]: yamlFile(ls.objects),
    [`${ls.dir}/kustomization.yaml`]: yamlFile([{
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      namespace: clusterServices.loggingNamespace,
      resources: ['log-shipping.yaml'],
      labels: [{ pairs: { ...partOf, environment: ls.env.name }, includeSelectors: false }],
    }]),
  }
}
