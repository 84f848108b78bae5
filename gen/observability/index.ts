// What the renderer (gen/) asks of observability, per environment: monitoring objects for the
// overlay (namespace set by kustomize) and the optional log shipping objects (namespace `logging`).
import type { Environment } from '../environments.ts'
import { dashboardConfigMap } from './dashboard.ts'
import { fluentBitManifests } from './log-shipping.ts'
import { prometheusRule, serviceMonitor } from './monitoring.ts'

/** ServiceMonitor, PrometheusRule and the Grafana dashboard ConfigMap; [] where monitoring is 'annotations'
 *  (dev: Prometheus finds the pods by their scrape annotations). */
export function monitoringManifests(env: Environment): object[] {
  if (env.monitoring !== 'prometheus-operator') return []
  return [serviceMonitor(env), prometheusRule(env), dashboardConfigMap(env)]
}

/** Fluent Bit (FR-43) for environments with logShipping.enabled; [] otherwise. */
export function logShippingManifests(env: Environment): object[] {
  return fluentBitManifests(env)
}
