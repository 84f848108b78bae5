// Everything `npm run synth` writes, as a map from repository-relative path to file content. Pure apart
// from reading which sealed-secrets/<env>/ directories exist under `root`.
import type { Cluster, ClusterName, Environment } from './environments.ts'
import type { KubeObject } from './chart.ts'
import { clusters, environments, promotionOrder } from './environments.ts'
import { checkEnvironment } from './check-table.ts'
import { renderBase } from './base.ts'
import { renderOverlay } from './overlay.ts'
import { logShippingOf, renderLogShipping } from './observability/index.ts'
import { renderArgocd } from './argocd.ts'

/** The directories the renderer owns: generated files in them that it no longer renders are removed. */
export const ownedDirs = ['base', 'overlays', 'argocd', 'log-shipping'] as const

export function renderAll(root: string, table: Record<string, Environment> = environments, clusterTable: Record<ClusterName, Cluster> = clusters): Record<string, string> {
  const envs = promotionOrder.map((name) => table[name])
  for (const env of envs) checkEnvironment(env, clusterTable[env.cluster])
  const logShipping = logShippingOf(envs)
  const files: Record<string, string> = { ...renderBase() }
  // Each root's AppProject allow-lists the cluster-scoped kinds among the objects its environments sync.
  const objects = new Map<string, KubeObject[]>()
  for (const env of envs) {
    const overlay = renderOverlay(root, env)
    Object.assign(files, overlay.files)
    objects.set(env.name, overlay.objects)
  }
  for (const ls of logShipping) Object.assign(files, renderLogShipping(ls))
  Object.assign(files, renderArgocd(envs, logShipping, (env) => objects.get(env.name) ?? [], clusterTable))
  return Object.fromEntries(Object.entries(files).sort(([a], [b]) => (a < b ? -1 : 1)))
}
