// Reads a rendered cluster root (argocd/clusters/<cluster>/, written by `npm run synth`) and, for a cluster
// that cannot reach the git remote, rewrites the root Application so that every object reads from another
// repository URL.
import fs from 'node:fs'
import path from 'node:path'
import YAML from 'yaml'

function loadAll(file, rootDir) {
  if (!fs.existsSync(file)) {
    throw new Error(`${rootDir}/${path.basename(file)} not found: render the tree with \`npm run synth\``)
  }
  return YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'))
    .map((doc) => doc.toJS())
    .filter((obj) => obj && typeof obj === 'object')
}

/** The objects listed by <rootDir>/kustomization.yaml, and the root app of apps <rootDir>/root-app.yaml. */
export function readArgoTree(root, rootDir) {
  const dir = path.join(root, rootDir)
  const [kustomization] = loadAll(path.join(dir, 'kustomization.yaml'), rootDir)
  const objects = (kustomization.resources ?? []).flatMap((file) => loadAll(path.join(dir, file), rootDir))
  const rootApp = loadAll(path.join(dir, 'root-app.yaml'), rootDir).find((o) => o.kind === 'Application')
  if (!rootApp) throw new Error(`${rootDir}/root-app.yaml holds no Application: render the tree with \`npm run synth\``)
  return { objects, rootApp, rootDir }
}

/** An Application's sources, single or multiple, with the JSON-pointer path of each. */
export function appSources(app) {
  if (app.spec?.source) return [{ pointer: '/spec/source', source: app.spec.source }]
  return (app.spec?.sources ?? []).map((source, i) => ({ pointer: `/spec/sources/${i}`, source }))
}

export function applications(objects) {
  return objects.filter((o) => o.kind === 'Application')
}

/** The Application that deploys overlays/<env>. */
export function environmentApplication(objects, env) {
  const app = applications(objects).find((a) => appSources(a).some(({ source }) => source.path === `overlays/${env}`))
  if (!app) throw new Error(`the cluster root has no Application for overlays/${env}: render the tree with \`npm run synth\``)
  return app
}

/** The Application that installs a Helm chart (the Sealed Secrets controller), or undefined. */
export function chartApplication(objects, chart) {
  return applications(objects).find((a) => appSources(a).some(({ source }) => source.chart === chart))
}

function jsonPatch(operations) {
  return YAML.stringify(operations)
}

/**
 * The root Application, reading from `to` instead of `from`, with Kustomize patches (applied by Argo CD
 * when it renders argocd/) that make every child Application and the AppProject use `to` as well.
 * Sources that are not `from` (the Helm chart repository) are left alone.
 */
export function retargetRootApplication(rootApp, objects, { from, to }) {
  const app = structuredClone(rootApp)
  for (const { source } of appSources(app)) if (source.repoURL === from) source.repoURL = to

  const patches = []
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
