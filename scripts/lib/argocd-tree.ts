// Reads a rendered cluster root (argocd/clusters/<cluster>/, written by `npm run synth`) and, for a cluster
// that cannot reach the git remote, rewrites the root Application so that every object reads from another
// repository URL.
import fs from 'node:fs'
import path from 'node:path'
import YAML from 'yaml'

/** An Application source, as far as the bootstrap reads and rewrites it. */
interface AppSource {
  repoURL?: string
  path?: string
  chart?: string
  targetRevision?: string
  kustomize?: { patches?: unknown[]; [field: string]: unknown }
}

/** An object of the rendered root (Application, AppProject, …), as far as the bootstrap reads it. */
export interface ArgoObject {
  apiVersion?: string
  kind?: string
  metadata: { name: string; namespace?: string; [field: string]: unknown }
  spec?: { source?: AppSource; sources?: AppSource[]; sourceRepos?: string[]; [field: string]: unknown }
  [field: string]: unknown
}

export interface ArgoTree {
  objects: ArgoObject[]
  rootApp: ArgoObject
  rootDir: string
}

function loadAll(file: string, rootDir: string): ArgoObject[] {
  if (!fs.existsSync(file)) {
    throw new Error(`${rootDir}/${path.basename(file)} not found: render the tree with \`npm run synth\``)
  }
  return YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'))
    .map((doc) => doc.toJS())
    .filter((obj): obj is ArgoObject => obj && typeof obj === 'object')
}

/** The objects listed by <rootDir>/kustomization.yaml, and the root app of apps <rootDir>/root-app.yaml. */
export function readArgoTree(root: string, rootDir: string): ArgoTree {
  const dir = path.join(root, rootDir)
  const [kustomization] = loadAll(path.join(dir, 'kustomization.yaml'), rootDir) as { resources?: string[] }[]
  const objects = (kustomization.resources ?? []).flatMap((file) => loadAll(path.join(dir, file), rootDir))
  const rootApp = loadAll(path.join(dir, 'root-app.yaml'), rootDir).find((o) => o.kind === 'Application')
  if (!rootApp) throw new Error(`${rootDir}/root-app.yaml holds no Application: render the tree with \`npm run synth\``)
  return { objects, rootApp, rootDir }
}

/** An Application's sources, single or multiple, with the JSON-pointer path of each. */
function appSources(app: ArgoObject): { pointer: string; source: AppSource }[] {
  if (app.spec?.source) return [{ pointer: '/spec/source', source: app.spec.source }]
  return (app.spec?.sources ?? []).map((source, i) => ({ pointer: `/spec/sources/${i}`, source }))
}

function applications(objects: readonly ArgoObject[]): ArgoObject[] {
  return objects.filter((o) => o.kind === 'Application')
}

/** The Application that deploys overlays/<env>. */
export function environmentApplication(objects: readonly ArgoObject[], env: string): ArgoObject {
  const app = applications(objects).find((a) => appSources(a).some(({ source }) => source.path === `overlays/${env}`))
  if (!app) throw new Error(`the cluster root has no Application for overlays/${env}: render the tree with \`npm run synth\``)
  return app
}

/** The Application that installs a Helm chart (the Sealed Secrets controller), or undefined. */
export function chartApplication(objects: readonly ArgoObject[], chart: string): ArgoObject | undefined {
  return applications(objects).find((a) => appSources(a).some(({ source }) => source.chart === chart))
}

function jsonPatch(operations: unknown[]): string {
  return YAML.stringify(operations)
}

/**
 * The root Application, reading from `to` instead of `from`, with Kustomize patches (applied by Argo CD
 * when it renders argocd/) that make every child Application and the AppProject use `to` as well.
 * Sources that are not `from` (the Helm chart repository) are left alone.
 */
export function retargetRootApplication(rootApp: ArgoObject, objects: readonly ArgoObject[], { from, to }: { from: string; to: string }): ArgoObject {
  const app = structuredClone(rootApp)
  for (const { source } of appSources(app)) if (source.repoURL === from) source.repoURL = to

  const patches: { target: Record<string, string>; patch: string }[] = []
  for (const child of applications(objects)) {
    const ops = appSources(child)
      .filter(({ source }) => source.repoURL === from)
      .map(({ pointer }) => ({ op: 'replace', path: `${pointer}/repoURL`, value: to }))
    if (ops.length) {
      patches.push({ target: { group: 'argoproj.io', kind: 'Application', name: child.metadata.name }, patch: jsonPatch(ops) })
    }
  }
  for (const project of objects.filter((o) => o.kind === 'AppProject')) {
    const repos = (project.spec?.sourceRepos ?? []).map((repo) => (repo === from ? to : repo))
    patches.push({
      target: { group: 'argoproj.io', kind: 'AppProject', name: project.metadata.name },
      patch: jsonPatch([{ op: 'replace', path: '/spec/sourceRepos', value: repos }]),
    })
  }

  const [{ source }] = appSources(app)
  source.kustomize = { ...source.kustomize, patches: [...(source.kustomize?.patches ?? []), ...patches] }
  return app
}
