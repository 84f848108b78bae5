// One command from a clone to the dev environment running under Argo CD on Minikube (FR-32..35, AC-4).
//   npm run bootstrap [-- --dry-run] [--cni calico] [--local] [--repo-url URL] [--repo-token-env VAR | --repo-ssh-key FILE]
// Every step first looks at what is there and only changes what is missing, so a second run changes nothing.
// The guide: docs/deployment.md.
import os from 'node:os'
import fs from 'node:fs'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { parseArgv, retry, which } from 'zx'
import YAML from 'yaml'
import semver from 'semver'
import { argocd, clusters, environments, repository } from '../../gen/environments.ts'
import { names } from '../../gen/constants.ts'
import { JWT_SECRET_MIN_BYTES, SECRET_KEYS } from '../../src/contract.ts'
import { createRunner, commandLine, CommandError } from '../lib/run.ts'
import { messageOf } from '../lib/message.ts'
import { jwtSecretProblem } from '../lib/jwt-secret.ts'
import { isIgnored, parseDockerignore } from '../image/dockerfile.ts'
import { readArgoTree, environmentApplication, chartApplication, retargetRootApplication, type ArgoTree } from '../lib/argocd-tree.ts'

const ROOT = path.resolve(import.meta.dirname, '..', '..')
const CLUSTER = clusters.minikube
if (!CLUSTER.minikube) throw new Error('gen/environments.ts: the minikube cluster has no `minikube` settings (profile, size)')
const MINIKUBE = CLUSTER.minikube
const PROFILE = MINIKUBE.profile
const ARGOCD_VERSION = argocd.version
/** Argo CD itself: the pinned install plus our argocd-cm, the same directory its own Application syncs. */
const ARGOCD_INSTALL_DIR = argocd.installDir
const ROOT_DIR = `${argocd.clustersDir}/${CLUSTER.name}`
const ADDONS = ['ingress', 'storage-provisioner', 'metrics-server']
/** Where Argo CD finds the credentials of a private repository (never in git). */
const REPO_SECRET = 'repo-todo-gitops'
const SECRET_NAME = names.secret
const SEALING_KEY_LABEL = 'sealedsecrets.bitnami.com/sealed-secrets-key'
const KEY_BACKUP = path.join(ROOT, '.secrets', PROFILE, 'sealing-keys.yaml')
const dev = environments.dev
/** A first start pulls the Ollama image and the model: wait at least as long as the Deployment may take. */
const DEFAULT_TIMEOUT = Math.max(600, dev.ollama?.firstStartSeconds ?? 0)

const USAGE = `Usage: node scripts/bootstrap-minikube.mjs [options]   (npm run bootstrap -- [options])

Starts (or reuses) the Minikube profile ${PROFILE}, builds ${dev.image} inside it, installs Argo CD ${ARGOCD_VERSION}
(${ARGOCD_INSTALL_DIR}), creates the dev Secret and applies the Minikube root ${ROOT_DIR}/root-app.yaml, so Argo CD
deploys this cluster's environments only (dev). Safe to rerun: only what is missing is done.

Options:
  --dry-run                  print every command in order, run none
  --cni NAME                 CNI for a new cluster, e.g. calico (NetworkPolicies are enforced only with such a CNI)
  --kubernetes-version V     Kubernetes version of a new cluster (default v1.28.0, FR-33)
  --driver NAME              Minikube driver of a new cluster (default docker)
  --repo-url URL             the git repository Argo CD reads (default: the clone's origin remote)
  --repo-username NAME       user for --repo-token-env (default: git; GitHub accepts any name with a token)
  --repo-token-env VAR       a private repository or fork over https: the token is read from environment variable VAR
  --repo-ssh-key FILE        a private repository or fork over ssh (git@host:org/repo.git): the private key file
  --local                    serve this clone to the cluster with git daemon instead of using a remote
  --git-port N               git daemon port for --local (default 9418)
  --rotate-jwt               new JWT signing key for dev; the current one stays valid as jwt-secret-previous (nobody is logged out)
  --timeout SECONDS          how long to wait for each rollout/sync (default ${DEFAULT_TIMEOUT}: a first start pulls Ollama and its model)

Environment: JWT_SECRET (at least ${JWT_SECRET_MIN_BYTES} bytes; default: generated once, then kept), OPENAI_API_KEY (optional).`

const OPTIONS = { boolean: ['dry-run', 'local', 'help', 'rotate-jwt'], string: ['cni', 'kubernetes-version', 'driver', 'repo-url', 'repo-username', 'repo-token-env', 'repo-ssh-key', 'git-port', 'timeout'] }
/** The parsed command line (zx's parseArgv with OPTIONS). */
interface BootstrapArgs {
  'dry-run'?: boolean
  local?: boolean
  help?: boolean
  'rotate-jwt'?: boolean
  cni?: string
  'kubernetes-version'?: string
  driver?: string
  'repo-url'?: string
  'repo-username'?: string
  'repo-token-env'?: string
  'repo-ssh-key'?: string
  'git-port'?: string
  timeout?: string
  _: string[]
}
const args = parseArgv(process.argv.slice(2), OPTIONS) as BootstrapArgs
const known = new Set([...OPTIONS.boolean, ...OPTIONS.string, '_'])
const unknown = Object.keys(args).filter((k) => !known.has(k))
if (args.help) {
  console.log(USAGE)
  process.exit(0)
}
if (unknown.length || args._.length) {
  console.error(`Unknown argument: ${unknown.map((k) => `--${k}`).concat(args._).join(' ')}\n\n${USAGE}`)
  process.exit(2)
}
const timeoutSeconds = Number(args.timeout ?? DEFAULT_TIMEOUT)
const gitPort = Number(args['git-port'] ?? 9418)
if (!(timeoutSeconds > 0) || !Number.isInteger(gitPort) || gitPort < 1 || gitPort > 65535) {
  console.error('--timeout must be a positive number of seconds and --git-port a port number (1-65535)')
  process.exit(2)
}
if (args['repo-token-env'] && args['repo-ssh-key']) {
  console.error('--repo-token-env and --repo-ssh-key exclude each other: give the credentials of one kind')
  process.exit(2)
}
if (args['repo-token-env'] && !process.env[args['repo-token-env']]) {
  console.error(`--repo-token-env ${args['repo-token-env']}: that environment variable is empty or unset`)
  process.exit(2)
}
if (args['repo-ssh-key'] && !fs.existsSync(args['repo-ssh-key'])) {
  console.error(`--repo-ssh-key ${args['repo-ssh-key']}: no such file`)
  process.exit(2)
}
// Before anything runs: a short JWT_SECRET would only show up later as a pod that never starts.
const jwtProblem = process.env.JWT_SECRET ? jwtSecretProblem(process.env.JWT_SECRET, 'environment variable JWT_SECRET') : undefined
if (jwtProblem) {
  console.error(jwtProblem)
  process.exit(2)
}
/** Seconds between two looks at an Argo CD Application while waiting (tests shorten it). */
const pollSeconds = Number(process.env.BOOTSTRAP_POLL_SECONDS ?? 5)

const sh = createRunner({ dryRun: args['dry-run'], cwd: ROOT })
const kubectl = (...rest: string[]) => ['--context', PROFILE, ...rest]
let changes = 0
const changed = (message: string) => {
  changes++
  if (!sh.dryRun) console.log(`  ✓ ${message}`)
}
const same = (message: string) => console.log(`  = ${message}`)
const note = (message: string) => console.log(`  ! ${message}`)

// Filled in by the steps, used by later ones.
interface DevNamespace {
  apiVersion: 'v1'
  kind: 'Namespace'
  metadata: { name: string; labels: Record<string, string> }
}
const state: { argo?: ArgoTree; argoSettings: Record<string, string>; devNamespace?: DevNamespace; repoUrl?: string } = { argoSettings: {} }
/** What the first step read; a later step cannot run without it. */
const argoTree = (): ArgoTree => {
  if (!state.argo) throw new Error('the rendered root was not read (step 1)')
  return state.argo
}

// ---- 1. prerequisites ----------------------------------------------------------------------------------

const TOOLS = [
  { name: 'minikube', min: '1.32.0', args: ['version', '--short'], install: 'https://minikube.sigs.k8s.io/docs/start/' },
  { name: 'kubectl', min: '1.28.0', args: ['version', '--client', '-o', 'json'], install: 'https://kubernetes.io/docs/tasks/tools/' },
  { name: 'docker', min: '24.0.0', args: ['--version'], install: 'https://docs.docker.com/engine/install/' },
  { name: 'git', min: '2.0.0', args: ['--version'], install: 'https://git-scm.com/downloads' },
]

/** The tool's version (x.y.z) from its version output, as semver reads it out of the text. */
function toolVersion(tool: (typeof TOOLS)[number], stdout: string): string | undefined {
  let text = stdout
  if (tool.name === 'kubectl') {
    try {
      text = JSON.parse(stdout).clientVersion.gitVersion
    } catch {
      // not JSON: read the version out of the text
    }
  }
  return semver.coerce(text)?.version
}

async function checkPrerequisites() {
  const problems: string[] = []
  for (const tool of TOOLS) {
    if (!sh.dryRun && !(await which(tool.name, { nothrow: true }))) {
      problems.push(`${tool.name} is not installed (need ${tool.min} or newer): see ${tool.install}`)
      continue
    }
    const result = await sh.probe(tool.name, tool.args)
    if (sh.dryRun) continue
    const version = result.ok ? toolVersion(tool, result.stdout) : undefined
    if (!version) problems.push(`${tool.name}: could not read its version from \`${commandLine(tool.name, tool.args)}\``)
    else if (semver.lt(version, tool.min)) problems.push(`${tool.name} ${version} is too old (need ${tool.min} or newer): see ${tool.install}`)
    else same(`${tool.name} ${version}`)
  }
  try {
    state.argo = readArgoTree(ROOT, ROOT_DIR)
    state.argoSettings = readArgoSettings()
    same(`rendered root ${ROOT_DIR} and ${ARGOCD_INSTALL_DIR} found`)
  } catch (error) {
    problems.push(messageOf(error))
  }
  try {
    state.devNamespace = renderedDevNamespace()
  } catch (error) {
    problems.push(messageOf(error))
  }
  if (problems.length) throw new Error(problems.join('\n  '))
}

/** The data of the rendered argocd-cm patch in argocd/install: the settings Argo CD must run with. */
function readArgoSettings(): Record<string, string> {
  const file = path.join(ROOT, ARGOCD_INSTALL_DIR, 'argocd-cm.yaml')
  const cm = fs.existsSync(file) ? YAML.parse(fs.readFileSync(file, 'utf8')) : undefined
  if (!cm?.data || !Object.keys(cm.data).length) throw new Error(`${ARGOCD_INSTALL_DIR}/argocd-cm.yaml has no settings: render the tree with \`npm run synth\``)
  return cm.data
}

// ---- 2-3. cluster and addons ---------------------------------------------------------------------------

async function startCluster() {
  const status = await sh.probe('minikube', ['status', '-p', PROFILE, '-o', 'json'])
  let running = false
  try {
    const s = JSON.parse(status.stdout)
    running = s.Host === 'Running' && s.APIServer === 'Running'
  } catch {
    // no such profile yet, or minikube printed no JSON: start it
  }
  if (running) {
    same(`Minikube profile ${PROFILE} is running`)
    if (args.cni) note(`--cni is chosen when a cluster is created; to change it: minikube delete -p ${PROFILE}, then rerun`)
    return
  }
  await sh.run('minikube', [
    'start', '-p', PROFILE,
    `--cpus=${MINIKUBE.cpus}`, `--memory=${MINIKUBE.memoryMiB}`, `--disk-size=${MINIKUBE.diskSize}`,
    `--driver=${args.driver ?? 'docker'}`,
    `--kubernetes-version=${args['kubernetes-version'] ?? MINIKUBE.kubernetesVersion}`,
    `--addons=${ADDONS.join(',')}`,
    ...(args.cni ? [`--cni=${args.cni}`] : []),
  ])
  changed(`Minikube profile ${PROFILE} started`)
}

async function enableAddons() {
  const list = await sh.probe('minikube', ['addons', 'list', '-p', PROFILE, '-o', 'json'])
  let addons: Record<string, { Status?: string }> = {}
  try {
    addons = JSON.parse(list.stdout)
  } catch {
    // unreadable list: enable all (enabling an enabled addon is harmless)
  }
  for (const addon of ADDONS) {
    if (addons[addon]?.Status === 'enabled') {
      same(`addon ${addon} is enabled`)
      continue
    }
    await sh.run('minikube', ['addons', 'enable', addon, '-p', PROFILE])
    changed(`addon ${addon} enabled`)
  }
}

// ---- 4. image ------------------------------------------------------------------------------------------

/** The environment `minikube docker-env` prints, so docker talks to the daemon inside Minikube. */
function parseDockerEnv(text: string): Record<string, string> {
  const env: Record<string, string> = {}
  for (const match of text.matchAll(/^export (\w+)="(.*)"$/gm)) env[match[1]] = match[2]
  return env
}

/** Whether .dockerignore keeps the sealing-key backup (.secrets/) out of the build context, as Docker reads it. */
function dockerignoreExcludesSecrets(text: string): boolean {
  return isIgnored(parseDockerignore(text), path.relative(ROOT, KEY_BACKUP))
}

async function buildImage() {
  const ignoreFile = path.join(ROOT, '.dockerignore')
  if (!dockerignoreExcludesSecrets(fs.existsSync(ignoreFile) ? fs.readFileSync(ignoreFile, 'utf8') : '')) {
    throw new Error('.dockerignore does not keep .secrets/ (sealing-key backups) out of the build context: add a line ".secrets/"')
  }
  const envResult = await sh.probe('minikube', ['-p', PROFILE, 'docker-env', '--shell', 'bash'])
  const env = parseDockerEnv(envResult.stdout)
  if (!sh.dryRun && !env.DOCKER_HOST) throw new Error(`\`minikube -p ${PROFILE} docker-env\` printed no DOCKER_HOST`)
  const inspect = ['image', 'inspect', '--format', '{{.Id}}', dev.image]
  const before = await sh.probe('docker', inspect, { env })
  // BuildKit: the Dockerfile's RUN --mount=type=secret needs it (the legacy builder rejects the flag).
  await sh.run('docker', ['build', '-t', dev.image, '.'], { env: { ...env, DOCKER_BUILDKIT: '1' }, note: `with the environment of minikube -p ${PROFILE} docker-env, DOCKER_BUILDKIT=1` })
  const after = await sh.probe('docker', inspect, { env })
  if (sh.dryRun) return
  if (before.ok && before.stdout.trim() === after.stdout.trim()) {
    same(`image ${dev.image} unchanged`)
    return
  }
  changed(`image ${dev.image} built (${after.stdout.trim().slice(0, 19)})`)
  // imagePullPolicy Never and the same tag: running pods keep the old image until they restart.
  const deployment = await sh.probe('kubectl', kubectl('-n', dev.namespace, 'get', 'deployment', names.deployment, '-o', 'name'))
  if (before.ok && deployment.ok) {
    await sh.run('kubectl', kubectl('-n', dev.namespace, 'rollout', 'restart', `deployment/${names.deployment}`))
  }
}

// ---- 5. Argo CD ----------------------------------------------------------------------------------------

async function ensureNamespace(name: string): Promise<boolean> {
  const ns = await sh.probe('kubectl', kubectl('get', 'namespace', name, '-o', 'name'))
  if (ns.ok) return false
  await sh.run('kubectl', kubectl('create', 'namespace', name))
  changed(`namespace ${name} created`)
  return true
}

async function installArgoCd() {
  const image = await sh.probe('kubectl', kubectl('-n', argocd.namespace, 'get', 'deployment', 'argocd-server', '-o', 'jsonpath={.spec.template.spec.containers[0].image}'))
  // Our settings are the rendered argocd-cm patch: installed when every key of it is in the live argocd-cm.
  const cm = await sh.probe('kubectl', kubectl('-n', argocd.namespace, 'get', 'configmap', 'argocd-cm', '-o', 'json'))
  let live: Record<string, string> = {}
  try {
    live = JSON.parse(cm.stdout).data ?? {}
  } catch {
    // not installed yet
  }
  const settings = Object.entries(state.argoSettings)
  if (image.ok && image.stdout.trim().endsWith(`:${ARGOCD_VERSION}`) && settings.every(([k, v]) => live[k] === v)) {
    same(`Argo CD ${ARGOCD_VERSION} is installed with the settings of ${ARGOCD_INSTALL_DIR}`)
  } else {
    await ensureNamespace(argocd.namespace)
    // Once, by hand; from then on the root's Application \`argocd\` syncs the same directory (Argo CD manages
    // itself). Server-side: the ApplicationSet CRD is too large for the last-applied annotation.
    await sh.run('kubectl', kubectl('apply', '--server-side', '--force-conflicts', '-k', ARGOCD_INSTALL_DIR))
    changed(`Argo CD ${ARGOCD_VERSION} applied from ${ARGOCD_INSTALL_DIR} (the pinned install and our argocd-cm)`)
  }
  for (const workload of ['deployment/argocd-server', 'deployment/argocd-repo-server', 'statefulset/argocd-application-controller']) {
    await sh.run('kubectl', kubectl('-n', argocd.namespace, 'rollout', 'status', workload, `--timeout=${timeoutSeconds}s`))
  }
}

// ---- 6, 11. sealing keys -------------------------------------------------------------------------------

async function clusterSealingKeys() {
  const result = await sh.probe('kubectl', kubectl('-n', argocd.sealedSecrets.namespace, 'get', 'secret', '-l', SEALING_KEY_LABEL, '-o', 'json'))
  if (!result.ok) return []
  const items: { metadata: { name: string; namespace: string; labels?: Record<string, string> }; type: string; data: Record<string, string> }[] = JSON.parse(result.stdout).items
  return items.map((s) => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: s.metadata.name, namespace: s.metadata.namespace, labels: s.metadata.labels },
    type: s.type,
    data: s.data,
  }))
}

function backedUpKeys() {
  if (!fs.existsSync(KEY_BACKUP)) return []
  return YAML.parseAllDocuments(fs.readFileSync(KEY_BACKUP, 'utf8')).map((d) => d.toJS()).filter(Boolean)
}

async function restoreSealingKeys() {
  if (!sealedSecretsApp()) return noSealedSecrets()
  const backup = backedUpKeys()
  if (!backup.length) {
    same(`no sealing-key backup in ${path.relative(ROOT, KEY_BACKUP)} yet (it is made after the controller starts)`)
    return
  }
  const inCluster = new Set((await clusterSealingKeys()).map((k) => k.metadata.name))
  const missing = backup.filter((k) => !inCluster.has(k.metadata.name))
  if (!missing.length) {
    same('the backed-up sealing keys are in the cluster')
    return
  }
  await sh.run('kubectl', kubectl('apply', '-f', '-'), {
    input: missing.map((k) => YAML.stringify(k)).join('---\n'),
    inputNote: `(${missing.length} sealing key(s) from ${path.relative(ROOT, KEY_BACKUP)})`,
  })
  changed(`restored ${missing.length} sealing key(s): committed SealedSecrets open again`)
  // A running controller reads its keys at start-up.
  const controller = `deployment/${argocd.sealedSecrets.releaseName}`
  const exists = await sh.probe('kubectl', kubectl('-n', argocd.sealedSecrets.namespace, 'get', controller, '-o', 'name'))
  if (exists.ok) await sh.run('kubectl', kubectl('-n', argocd.sealedSecrets.namespace, 'rollout', 'restart', controller))
}

async function backUpSealingKeys() {
  if (!sealedSecretsApp()) return noSealedSecrets()
  const ignored = await sh.probe('git', ['-C', ROOT, 'check-ignore', '-q', path.relative(ROOT, KEY_BACKUP)])
  if (!sh.dryRun && !ignored.ok) throw new Error(`${path.relative(ROOT, KEY_BACKUP)} is not git-ignored: refusing to write a private key where git would see it`)
  const keys = await clusterSealingKeys()
  const backup = backedUpKeys()
  const known = new Set(backup.map((k) => k.metadata.name))
  const fresh = keys.filter((k) => !known.has(k.metadata.name))
  if (sh.dryRun) {
    console.log(`  (write the sealing keys to ${path.relative(ROOT, KEY_BACKUP)}, mode 0600)`)
    return
  }
  if (!fresh.length) {
    same(`sealing keys already backed up in ${path.relative(ROOT, KEY_BACKUP)}`)
    return
  }
  fs.mkdirSync(path.dirname(KEY_BACKUP), { recursive: true, mode: 0o700 })
  fs.writeFileSync(KEY_BACKUP, [...backup, ...fresh].map((k) => YAML.stringify(k)).join('---\n'), { mode: 0o600 })
  changed(`backed up ${fresh.length} sealing key(s) to ${path.relative(ROOT, KEY_BACKUP)} (git-ignored; keep a copy somewhere safe)`)
}

// ---- 7. dev Secret -------------------------------------------------------------------------------------

const DEV_NAMESPACE_FILE = `overlays/${dev.name}/namespace.yaml`

/** The dev Namespace as the overlay renders it, cut to its name and labels (the restricted Pod Security
 *  level): the bootstrap creates it before Argo CD syncs, and it must enforce the same from the start. */
function renderedDevNamespace(): DevNamespace {
  const file = path.join(ROOT, DEV_NAMESPACE_FILE)
  const docs = fs.existsSync(file) ? YAML.parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJS()) : []
  const ns = docs.find((o) => o?.kind === 'Namespace' && o.metadata?.name === dev.namespace)
  if (!ns) throw new Error(`${DEV_NAMESPACE_FILE} has no Namespace ${dev.namespace}: render the tree with \`npm run synth\``)
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: dev.namespace, labels: ns.metadata.labels ?? {} } }
}

/** Creates the dev namespace with the rendered labels, or adds them to one that lacks them; idempotent. */
async function ensureDevNamespace() {
  const wanted = state.devNamespace
  if (!wanted) throw new Error('the rendered dev Namespace was not read (step 1)')
  const found = await sh.probe('kubectl', kubectl('get', 'namespace', dev.namespace, '-o', 'json'))
  let labels: Record<string, string> = {}
  try {
    labels = JSON.parse(found.stdout).metadata?.labels ?? {}
  } catch {
    // not there (or no JSON): apply it
  }
  if (found.ok && Object.entries(wanted.metadata.labels).every(([k, v]) => labels[k] === v)) {
    same(`namespace ${dev.namespace} has the labels of ${DEV_NAMESPACE_FILE}`)
    return
  }
  await sh.run('kubectl', kubectl('apply', '-f', '-'), {
    input: YAML.stringify(wanted),
    inputNote: `(Namespace ${dev.namespace} with the labels of ${DEV_NAMESPACE_FILE})`,
  })
  changed(`namespace ${dev.namespace} ${found.ok ? 'labelled' : 'created'} (Pod Security: ${wanted.metadata.labels['pod-security.kubernetes.io/enforce'] ?? 'as rendered'})`)
}

async function createDevSecret() {
  await ensureDevNamespace()
  const existing = await sh.probe('kubectl', kubectl('-n', dev.namespace, 'get', 'secret', SECRET_NAME, '-o', 'json'))
  const current: Record<string, string> = existing.ok ? JSON.parse(existing.stdout).data ?? {} : {}
  const decode = (b64: string | undefined) => (b64 === undefined ? undefined : Buffer.from(b64, 'base64').toString('utf8'))
  const currentJwt = decode(current[SECRET_KEYS.jwtSecret])
  const newKey = () => randomBytes(48).toString('base64url')
  // Kept across runs: a new JWT secret would log every user out. A rotation keeps the old one as the previous
  // key, which the service still accepts until the tokens it signed expire (docs/secrets.md).
  const rotate = args['rotate-jwt'] && currentJwt !== undefined
  const jwt = rotate ? process.env.JWT_SECRET || newKey() : process.env.JWT_SECRET || currentJwt || newKey()
  const wanted: Record<string, string> = {
    [SECRET_KEYS.jwtSecret]: jwt,
    [SECRET_KEYS.openaiApiKey]: process.env.OPENAI_API_KEY ?? decode(current[SECRET_KEYS.openaiApiKey]) ?? '',
  }
  const previous = rotate ? currentJwt : decode(current[SECRET_KEYS.jwtSecretPrevious])
  if (previous !== undefined && previous !== jwt) wanted[SECRET_KEYS.jwtSecretPrevious] = previous
  if (rotate && jwt === currentJwt) throw new Error('--rotate-jwt: JWT_SECRET is the key in use; unset it to get a new one, or give another')
  const data = Object.fromEntries(Object.entries(wanted).map(([k, v]) => [k, Buffer.from(v).toString('base64')]))
  if (existing.ok && Object.keys(data).every((k) => data[k] === current[k])) {
    same(`Secret ${dev.namespace}/${SECRET_NAME} is up to date`)
    return
  }
  const secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: SECRET_NAME, namespace: dev.namespace, labels: { 'app.kubernetes.io/managed-by': 'bootstrap-minikube' } },
    type: 'Opaque',
    data,
  }
  // Through stdin: the values never reach argv (ps), a file, or this script's output.
  await sh.run('kubectl', kubectl('apply', '-f', '-'), {
    input: YAML.stringify(secret),
    inputNote: `(Secret ${dev.namespace}/${SECRET_NAME}: ${Object.keys(data).join(', ')}; values not shown)`,
  })
  changed(`Secret ${dev.namespace}/${SECRET_NAME} ${existing.ok ? 'updated' : 'created'}${rotate ? ' (JWT key rotated; the previous one still verifies)' : ''}`)
  // Environment variables are read at start: running pods see a changed Secret only after a restart.
  const deployment = await sh.probe('kubectl', kubectl('-n', dev.namespace, 'get', 'deployment', names.deployment, '-o', 'name'))
  if (existing.ok && deployment.ok) await sh.run('kubectl', kubectl('-n', dev.namespace, 'rollout', 'restart', `deployment/${names.deployment}`))
}

// ---- 8. repository -------------------------------------------------------------------------------------

/** git@github.com:org/repo.git -> https://github.com/org/repo.git (Argo CD reads public repositories over https). */
function httpsUrl(url: string): string {
  const scp = /^[\w.-]+@([\w.-]+):(.+)$/.exec(url)
  return scp ? `https://${scp[1]}/${scp[2]}` : url
}

async function chooseRepository() {
  if (args['repo-url']) {
    state.repoUrl = args['repo-url']
    same(`Argo CD reads ${state.repoUrl} (--repo-url)`)
    return
  }
  if (!args.local) {
    const origin = await sh.probe('git', ['-C', ROOT, 'remote', 'get-url', 'origin'])
    const raw = origin.ok ? origin.stdout.trim() : repository.url
    // An SSH key authenticates an SSH URL; anything else is read over https.
    const url = args['repo-ssh-key'] ? raw : httpsUrl(raw)
    const reach = await sh.probe('git', ['ls-remote', '--exit-code', url, repository.targetRevision], { env: { GIT_TERMINAL_PROMPT: '0' } })
    if (reach.ok || sh.dryRun) {
      state.repoUrl = url
      same(`Argo CD reads ${url} (branch ${repository.targetRevision}); push your commits for it to see them`)
      return
    }
    note(`${url} is not reachable from this machine (or has no branch ${repository.targetRevision}): serving this clone to the cluster instead`)
  }
  await serveLocalClone()
}

/** git daemon on the host, reached from the cluster as host.minikube.internal. Argo CD sees committed work only. */
async function serveLocalClone() {
  const pidFile = path.join(os.tmpdir(), `todo-gitops-git-daemon-${gitPort}.pid`)
  state.repoUrl = `git://host.minikube.internal:${gitPort}/`
  if (!sh.dryRun && isRunning(pidFile)) {
    same(`git daemon is serving this clone as ${state.repoUrl}`)
    return
  }
  // Listen only on the address the cluster reaches the host by, not on every interface.
  const hosts = await sh.probe('minikube', ['-p', PROFILE, 'ssh', '--', 'grep', 'host.minikube.internal', '/etc/hosts'])
  const address = /^(\S+)\s+host\.minikube\.internal/m.exec(hosts.stdout)?.[1] ?? (sh.dryRun ? '<host.minikube.internal address>' : '0.0.0.0')
  await sh.run('git', [
    'daemon', '--reuseaddr', '--export-all', `--base-path=${ROOT}`, `--listen=${address}`, `--port=${gitPort}`,
    `--pid-file=${pidFile}`, '--detach', ROOT,
  ])
  // --detach forks before it binds: exit 0 says nothing about the port. Ask the daemon itself.
  const local = `git://${address}:${gitPort}/`
  await retry(10, 500, async () => {
    const answer = await sh.probe('git', ['ls-remote', '--exit-code', local, repository.targetRevision], { env: { GIT_TERMINAL_PROMPT: '0' } })
    if (answer.ok || sh.dryRun) return
    throw new Error(`git daemon did not answer on ${address}:${gitPort} (port in use, or the address is not this machine's?): ${(answer.stderr || answer.stdout).trim().split('\n').at(-1) ?? ''}`)
  })
  changed(`git daemon serves this clone as ${state.repoUrl} (branch ${repository.targetRevision}; commit to deploy)`)
}

function isRunning(pidFile: string): boolean {
  try {
    process.kill(Number(fs.readFileSync(pidFile, 'utf8')), 0)
    return true
  } catch {
    return false
  }
}

/** The repository Secret Argo CD reads a private repository or fork with, from what the user gave. */
function repositorySecretData(): Record<string, string> | undefined {
  const url = state.repoUrl ?? repository.url
  if (args['repo-token-env']) {
    return { type: 'git', url, username: args['repo-username'] ?? 'git', password: process.env[args['repo-token-env']] ?? '' }
  }
  if (args['repo-ssh-key']) return { type: 'git', url, sshPrivateKey: fs.readFileSync(args['repo-ssh-key'], 'utf8') }
  return undefined
}

async function storeRepositoryCredentials() {
  const wanted = repositorySecretData()
  if (!wanted) {
    same('no repository credentials given (a public repository, or --local): Argo CD reads anonymously')
    return
  }
  const encoded = Object.fromEntries(Object.entries(wanted).map(([k, v]) => [k, Buffer.from(v).toString('base64')]))
  const existing = await sh.probe('kubectl', kubectl('-n', argocd.namespace, 'get', 'secret', REPO_SECRET, '-o', 'json'))
  let current: Record<string, string> = {}
  try {
    current = JSON.parse(existing.stdout).data ?? {}
  } catch {
    // not there yet
  }
  if (existing.ok && Object.keys(encoded).every((k) => encoded[k] === current[k])) {
    same(`repository Secret ${argocd.namespace}/${REPO_SECRET} is up to date`)
    return
  }
  const secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: REPO_SECRET,
      namespace: argocd.namespace,
      // Argo CD reads every Secret with this label as a repository it may need credentials for.
      labels: { 'argocd.argoproj.io/secret-type': 'repository', 'app.kubernetes.io/managed-by': 'bootstrap-minikube' },
    },
    type: 'Opaque',
    data: encoded,
  }
  // Through stdin, like the dev Secret: the token or key never reaches argv, a file in the repository, or the output.
  await sh.run('kubectl', kubectl('apply', '-f', '-'), {
    input: YAML.stringify(secret),
    inputNote: `(Secret ${argocd.namespace}/${REPO_SECRET}, label argocd.argoproj.io/secret-type=repository: ${Object.keys(wanted).join(', ')}; values not shown)`,
  })
  changed(`repository credentials stored in ${argocd.namespace}/${REPO_SECRET} (${args['repo-ssh-key'] ? 'SSH key' : 'token'}; never in git)`)
}

// ---- 9. root Application -------------------------------------------------------------------------------

async function applyRootApplication() {
  const { rootApp, objects, rootDir } = argoTree()
  const file = `${rootDir}/root-app.yaml`
  const repoUrl = state.repoUrl ?? repository.url
  const app = repoUrl === repository.url ? rootApp : retargetRootApplication(rootApp, objects, { from: repository.url, to: repoUrl })
  const result = await sh.run('kubectl', kubectl('apply', '-f', '-'), {
    input: YAML.stringify(app),
    inputNote: state.repoUrl === repository.url ? file : `(${file} reading ${state.repoUrl})`,
  })
  if (sh.dryRun) return
  if (/ unchanged\s*$/.test(result.stdout)) same(`root Application ${app.metadata.name} is up to date`)
  else changed(`root Application ${app.metadata.name} applied`)
}

/** Argo CD's repo server (inside the cluster) fetched the repository: the root has a revision, not an error. */
async function checkRepositoryFromCluster() {
  const name = argoTree().rootApp.metadata.name
  const query = kubectl('-n', argocd.namespace, 'get', 'application', name, '-o', 'json')
  if (sh.dryRun) {
    console.log(`  $ ${commandLine('kubectl', query)}    # repeated until .status.sync.revision is set; a ComparisonError fails the step`)
    return
  }
  // A poll (zx's retry), not kubectl wait: besides the revision it looks for an error condition, which ends the
  // step at once.
  const limit = Math.min(timeoutSeconds, 300)
  let last = 'no status yet'
  let unreadable: Error | undefined
  const revision = await retry(Math.max(1, Math.ceil(limit / pollSeconds)), pollSeconds * 1000, async () => {
    const result = await sh.probe('kubectl', query)
    let status: { sync?: { revision?: string }; conditions?: { type?: string; message?: string }[] } = {}
    try {
      status = JSON.parse(result.stdout).status ?? {}
    } catch {
      // not created yet
    }
    if (status.sync?.revision) return String(status.sync.revision)
    const error = (status.conditions ?? []).find((c) => /Error$/.test(c.type ?? ''))
    if (error) last = `${error.type}: ${error.message}`
    if (error && /auth|credential|permission denied|repository not found|could not read|unable to resolve/i.test(error.message ?? '')) {
      unreadable = new Error(`Argo CD cannot read ${state.repoUrl} from inside the cluster: ${error.message}\n  A private repository or fork needs credentials: --repo-token-env VAR (https) or --repo-ssh-key FILE (ssh)`)
      return undefined
    }
    throw new Error(last)
  }).catch(() => undefined)
  if (unreadable) throw unreadable
  if (!revision) throw new Error(`Argo CD has not read ${state.repoUrl} after ${limit}s (${last})`)
  same(`Argo CD (inside the cluster) reads ${state.repoUrl} at ${revision.slice(0, 12)}`)
}

// ---- 10, 12. waiting for Argo CD -----------------------------------------------------------------------

/** Until the Application is Synced and Healthy: kubectl wait on each status field, once the root has created it. */
async function waitForApplication(name: string): Promise<void> {
  const app = `application/${name}`
  // kubectl wait needs the object to exist; the root creates its children a moment after it syncs.
  const attempts = Math.max(1, Math.ceil(timeoutSeconds / pollSeconds))
  await retry(attempts, pollSeconds * 1000, () => sh.run('kubectl', kubectl('-n', argocd.namespace, 'get', app, '-o', 'name')))
  try {
    for (const condition of ['jsonpath={.status.sync.status}=Synced', 'jsonpath={.status.health.status}=Healthy']) {
      await sh.run('kubectl', kubectl('-n', argocd.namespace, 'wait', `--for=${condition}`, app, `--timeout=${timeoutSeconds}s`))
    }
  } catch (error) {
    if (!(error instanceof CommandError)) throw error
    const status = await sh.probe('kubectl', kubectl('-n', argocd.namespace, 'get', app, '-o', 'jsonpath={.status.sync.status} {.status.health.status}'))
    throw new Error(`Application ${name} is "${status.stdout.trim() || 'not synced yet'}" after ${timeoutSeconds}s (want "Synced Healthy")`)
  }
  if (!sh.dryRun) same(`Application ${name} is Synced and Healthy`)
}

/** The root's Sealed Secrets controller Application, when an environment of this cluster uses sealed secrets. */
const sealedSecretsApp = () => chartApplication(argoTree().objects, argocd.sealedSecrets.chart)
const noSealedSecrets = () => same(`no environment on ${CLUSTER.name} uses Sealed Secrets (its root has no controller): nothing to do`)

async function waitForSealedSecrets() {
  const app = sealedSecretsApp()
  if (!app) return noSealedSecrets()
  await waitForApplication(app.metadata.name)
  await sh.run('kubectl', kubectl('-n', argocd.sealedSecrets.namespace, 'rollout', 'status', `deployment/${argocd.sealedSecrets.releaseName}`, `--timeout=${timeoutSeconds}s`))
}

// ---- 13. how to reach it -------------------------------------------------------------------------------

/** The port of todo-app-service in the rendered base (80 when it cannot be read). */
function servicePort(): number {
  const dir = path.join(ROOT, 'base')
  for (const file of fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')) : []) {
    for (const doc of YAML.parseAllDocuments(fs.readFileSync(path.join(dir, file), 'utf8'))) {
      const obj = doc.toJS()
      if (obj?.kind === 'Service' && obj.metadata?.name === names.service) return obj.spec?.ports?.[0]?.port ?? 80
    }
  }
  return 80
}

async function printAccess() {
  const ipResult = await sh.probe('minikube', ['-p', PROFILE, 'ip'])
  const ip = ipResult.ok ? ipResult.stdout.trim() : '<minikube ip>'
  const k = `kubectl --context ${PROFILE}`
  console.log(`
The dev environment runs in Minikube profile ${PROFILE}, namespace ${dev.namespace}, under Argo CD.
  NodePort      http://${ip}:${dev.exposure.nodePort}/health
                (or: minikube -p ${PROFILE} service ${names.service} -n ${dev.namespace} --url)
  Ingress       http://${dev.exposure.host}/health after adding this line to /etc/hosts:
                  ${ip} ${dev.exposure.host}
  Port-forward  ${k} -n ${dev.namespace} port-forward service/${names.service} 8000:${servicePort()}
                then http://localhost:8000/health
  Logs          ${k} -n ${dev.namespace} logs -f deployment/${names.deployment}
  Argo CD UI    ${k} -n ${argocd.namespace} port-forward service/argocd-server 8080:443
                then https://localhost:8080, user admin, password from:
                ${k} -n ${argocd.namespace} get secret argocd-initial-admin-secret -o jsonpath='{.data.password}' | base64 -d`)
}

// ---- the run -------------------------------------------------------------------------------------------

const STEPS = [
  { title: 'Check prerequisites', run: checkPrerequisites, next: 'install or upgrade the tools named above (docs/deployment.md, "Prerequisites"), then rerun' },
  { title: `Start or reuse the Minikube profile ${PROFILE}`, run: startCluster, next: `is Docker running? See \`minikube -p ${PROFILE} logs\`; to start over: minikube delete -p ${PROFILE}, then rerun` },
  { title: `Enable the addons ${ADDONS.join(', ')}`, run: enableAddons, next: `see \`minikube -p ${PROFILE} addons list\`, enable the addon by hand, then rerun` },
  { title: `Build ${dev.image} inside Minikube`, run: buildImage, next: `run \`eval $(minikube -p ${PROFILE} docker-env) && DOCKER_BUILDKIT=1 docker build -t ${dev.image} .\` to see the whole build output, fix it, rerun` },
  { title: `Install Argo CD ${ARGOCD_VERSION} (${ARGOCD_INSTALL_DIR})`, run: installArgoCd, next: `check access to raw.githubusercontent.com and \`kubectl --context ${PROFILE} -n ${argocd.namespace} get pods\`, then rerun` },
  { title: 'Restore the backed-up sealing keys', run: restoreSealingKeys, next: `check ${path.relative(ROOT, KEY_BACKUP)} (a YAML list of kube-system Secrets), then rerun` },
  { title: `Create the dev Secret ${dev.namespace}/${SECRET_NAME}`, run: createDevSecret, next: `see \`kubectl --context ${PROFILE} -n ${dev.namespace} get secret ${SECRET_NAME}\`, then rerun` },
  { title: 'Choose the repository Argo CD reads', run: chooseRepository, next: `pass --repo-url URL of a reachable repository, or --local (git daemon needs port ${gitPort} free)` },
  { title: 'Store the repository credentials (private repository or fork)', run: storeRepositoryCredentials, next: `check the token or key, and \`kubectl --context ${PROFILE} -n ${argocd.namespace} get secret ${REPO_SECRET}\`` },
  { title: `Apply the Minikube root ${ROOT_DIR}/root-app.yaml (app of apps)`, run: applyRootApplication, next: `render the tree with \`npm run synth\` and see \`kubectl --context ${PROFILE} -n ${argocd.namespace} get applications\`` },
  { title: 'Check that Argo CD reads the repository from inside the cluster', run: checkRepositoryFromCluster, next: `see \`kubectl --context ${PROFILE} -n ${argocd.namespace} get application todo-gitops -o yaml\` (status.conditions); a private repository needs --repo-token-env or --repo-ssh-key` },
  { title: `Wait for the Sealed Secrets controller (chart ${argocd.sealedSecrets.chart} ${argocd.sealedSecrets.version}), if this cluster uses it`, run: waitForSealedSecrets, next: `see the Application's status.conditions: \`kubectl --context ${PROFILE} -n ${argocd.namespace} get applications -o yaml\`` },
  { title: 'Back up the sealing keys', run: backUpSealingKeys, next: `check that .secrets/ is in .gitignore and \`kubectl --context ${PROFILE} -n kube-system get secret -l ${SEALING_KEY_LABEL}\`` },
  { title: 'Wait for the dev Application to be Synced and Healthy', run: async () => waitForApplication(environmentApplication(argoTree().objects, dev.name).metadata.name), next: `a first start pulls Ollama and its model (up to ${dev.ollama?.firstStartSeconds ?? timeoutSeconds}s); open the Argo CD UI (commands below) or \`kubectl --context ${PROFILE} -n ${dev.namespace} get pods\`; rerun when fixed` },
]

if (sh.dryRun) console.log('Dry run: every command in order, none is run.')
for (const [i, step] of STEPS.entries()) {
  console.log(`\n[${i + 1}/${STEPS.length}] ${step.title}`)
  try {
    await step.run()
  } catch (error) {
    console.error(`\n✖ Step ${i + 1}/${STEPS.length} "${step.title}" failed:\n  ${messageOf(error)}\n  Next: ${step.next}`)
    process.exit(1)
  }
}
await printAccess()
if (sh.dryRun) console.log('\nDry run: nothing was run.')
else if (changes === 0) console.log('\nNothing changed: the dev environment was already up to date.')
else console.log(`\nDone: ${changes} change(s) made.`)
