// What the renderer (gen/) asks of observability, per environment: monitoring objects for the overlay
// (namespace set by kustomize), and the optional log shipping directory log-shipping/<env>/ (FR-43): the
// Fluent Bit objects as their own Kustomize directory, synced by their own Application into the logging namespace.
import { ApiObject } from 'cdk8s'
import { k8s } from 'cdk8s-plus-28'
import type { Environment } from '../environments.ts'
import { clusterServices } from '../environments.ts'
import { objectsOf, type KubeObject } from '../chart.ts'
import { partOf } from '../constants.ts'
import { yamlFile } from '../yaml.ts'
import { dashboardConfigMap } from './dashboard.ts'
import { fluentBitManifests } from './log-shipping.ts'
import { prometheusRule, serviceMonitor } from './monitoring.ts'

/** ServiceMonitor, PrometheusRule and the Grafana dashboard ConfigMap; [] where monitoring is 'annotations'
 *  (dev: Prometheus finds the pods by their scrape annotations). */
export function monitoringManifests(env: Environment): KubeObject[] {
  if (env.monitoring !== 'prometheus-operator') return []
  return objectsOf((chart) => {
    // Prometheus Operator kinds: typed by their CRDs' models, rendered as they are.
    new ApiObject(chart, 'service-monitor', serviceMonitor(env))
    new ApiObject(chart, 'rule', prometheusRule(env))
    new k8s.KubeConfigMap(chart, 'dashboard', dashboardConfigMap(env))
  })
}

/** Fluent Bit (FR-43) for environments with logShipping.enabled; [] otherwise. */
export function logShippingManifests(env: Environment): KubeObject[] {
  return fluentBitManifests(env)
}

/** One environment's log shipping directory. */
export interface LogShipping {
  readonly env: Environment
  readonly dir: string
  readonly objects: readonly KubeObject[]
}

/** The environments whose log shipping is enabled and renders something. */
export function logShippingOf(envs: readonly Environment[]): LogShipping[] {
  return envs
    .filter((env) => env.logShipping.enabled)
    .map((env) => ({ env, dir: `log-shipping/${env.name}`, objects: logShippingManifests(env) }))
    .filter((ls) => ls.objects.length > 0)
}

/** The files of log-shipping/<env>/: the objects, and a kustomization that puts them in the logging namespace. */
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
