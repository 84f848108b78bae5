// Everything `npm run synth` writes, as a map from repository-relative path to file content. Pure apart
// from reading which sealed-secrets/<env>/ directories exist under `root`.
import type { Environment } from './environments.ts'
import type { KubeObject } from './chart.ts'
import { environments, promotionOrder } from './environments.ts'
import { checkEnvironment } from './check-table.ts'
import { renderBase } from './base.ts'
import { renderOverlay } from './overlay.ts'
import { logShippingOf, renderLogShipping } from './log-shipping.ts'
import { renderArgocd } from './argocd.ts'

/** The directories the renderer owns: generated files in them that it no longer renders are removed. */
export const ownedDirs = ['base', 'overlays', 'argocd', 'log-shipping'] as const

export function renderAll(root: string, table: Record<string, Environment> = environments): Record<string, string> {
  const envs = promotionOrder.map((name) => table[name])
  for (const env of envs) checkEnvironment(env)
  const logShipping = logShippingOf(envs)
  const files: Record<string, string> = { ...renderBase() }
  // The AppProject allow-lists the cluster-scoped kinds among the objects the environments' Applications sync.
  const objects: KubeObject[] = []
  for (const env of envs) {
    const overlay = renderOverlay(root, env)
    Object.assign(files, overlay.files)
    objects.push(...overlay.objects)
  }
  for (const ls of logShipping) {
    Object.assign(files, renderLogShipping(ls))
    objects.push(...ls.objects)
  }
  Object.assign(files, renderArgocd(envs, logShipping, objects))
  return Object.fromEntries(Object.entries(files).sort(([a], [b]) => (a < b ? -1 : 1)))
}
