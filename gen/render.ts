// Everything `npm run synth` writes, as a map from repository-relative path to file content. Pure apart
// from reading which sealed-secrets/<env>/ directories exist under `root`.
import { parseAllDocuments } from 'yaml'
import type { Environment } from './environments.ts'
import { environments, promotionOrder } from './environments.ts'
import { checkEnvironment } from './check-table.ts'
import { renderBase } from './base.ts'
import { renderOverlay } from './overlay.ts'
import { logShippingOf, renderLogShipping } from './log-shipping.ts'
import { renderArgocd } from './argocd.ts'

/** The directories the renderer owns: generated files in them that it no longer renders are removed. */
export const ownedDirs = ['base', 'overlays', 'argocd', 'log-shipping'] as const

const isObjectFile = (path: string) => !path.endsWith('/kustomization.yaml') && !path.endsWith('-patch.yaml')

export function renderAll(root: string, table: Record<string, Environment> = environments): Record<string, string> {
  const envs = promotionOrder.map((name) => table[name])
  for (const env of envs) checkEnvironment(env)
  const logShipping = logShippingOf(envs)
  const files: Record<string, string> = { ...renderBase() }
  for (const env of envs) Object.assign(files, renderOverlay(root, env))
  for (const ls of logShipping) Object.assign(files, renderLogShipping(ls))
  // The AppProject allow-lists the cluster-scoped kinds that the rendered objects actually contain.
  const objects = Object.entries(files)
    .filter(([path]) => isObjectFile(path))
    .flatMap(([, text]) => parseAllDocuments(text).map((d) => d.toJS()))
  Object.assign(files, renderArgocd(envs, logShipping, objects))
  return Object.fromEntries(Object.entries(files).sort(([a], [b]) => (a < b ? -1 : 1)))
}
