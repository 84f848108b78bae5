// The rendered cluster roots (argocd/clusters/<cluster>/): each root's Application, the children its
// kustomization builds, and what each child's path builds. Shared by the Argo CD tests.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ClusterName } from '../../gen/environments.ts'
import { clusters } from '../../gen/environments.ts'
import { inCluster, installDir, rootDir, rootsOf } from '../../gen/argocd.ts'
import type { K8sObject } from './helpers.ts'
import { find, kustomize, kustomizeAll, parseYaml, root } from './helpers.ts'

export interface RenderedRoot {
  cluster: ClusterName
  dir: string
  rootApp: K8sObject
  children: K8sObject[]
  apps: K8sObject[]
  projects: K8sObject[]
  /** What each child Application's path builds (not argocd/install, which needs the network). */
  builds: Map<string, K8sObject[]>
}

export async function loadRoots(): Promise<RenderedRoot[]> {
  const roots: RenderedRoot[] = []
  for (const cluster of rootsOf(clusters).keys()) {
    const dir = rootDir(cluster)
    const children = await kustomize(dir)
    const apps = find(children, 'Application')
    const paths = apps.map((a) => a.spec.source.path as string | undefined).filter((p): p is string => !!p && p !== installDir)
    roots.push({
      cluster,
      dir,
      rootApp: parseYaml(readFileSync(join(root, dir, 'root-app.yaml'), 'utf8'))[0],
      children,
      apps,
      projects: find(children, 'AppProject'),
      builds: await kustomizeAll(paths),
    })
  }
  return roots
}

/** The cluster an Application of `root` deploys to: in-cluster is the root's own, a name is that cluster. */
export function destinationCluster(app: K8sObject, rootCluster: ClusterName): string {
  const d = app.spec.destination
  if (d.name) return d.name
  return d.server === inCluster ? rootCluster : `unknown server ${d.server}`
}

export const waveOf = (o: K8sObject) => Number(o.metadata.annotations?.['argocd.argoproj.io/sync-wave'] ?? 0)
