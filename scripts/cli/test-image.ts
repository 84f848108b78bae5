#!/usr/bin/env node
// npm run test:image — builds the Dockerfile and runs the image, so every claim about it is measured
// (FR-19..21, FR-46, AC-1). No Docker engine and no registry here: buildah builds it (chroot isolation)
// on a local stand-in for the base image (scripts/image/standin.ts), podman runs it with a read-only
// root filesystem, a /data volume, a /tmp tmpfs, no capabilities and no privilege escalation.
// Prints `ok - …` / `not ok - …` per check, `# figure: …` lines, and last `image: N passed, N failed`;
// exits 1 when a check failed. Skipped (exit 0) only where buildah, podman, runc or debootstrap are missing.
// Everything it creates lives under .tmp/image-test/run-<pid>/ and is removed at the end, also on failure.
// Options (environment): NPM_CA_FILE (extra CA for the build's npm; default $NODE_EXTRA_CA_CERTS),
// DEBIAN_MIRROR (default: the machine's apt mirror). docs/image.md has the details and measured figures.
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { sleep, which } from 'zx'
import { DEFAULT_PORT } from '../../src/contract.ts'
import { baseConfig } from '../../gen/constants.ts'
import { parseDockerfile } from '../image/dockerfile.ts'
import { createEngine, removeTree, type Engine, type EngineTool } from '../image/engine.ts'
import { parseNodeImage, debianMirror, standinTarball } from '../image/standin.ts'

const ROOT = path.resolve(import.meta.dirname, '..', '..')
const TMP = path.join(ROOT, '.tmp')
const RUNS = path.join(TMP, 'image-test')
const NPM_VERSION = '10.9.9' // the npm line Node 22 ships with
const IMAGE = 'localhost/todo-app:image-test'
const PROBE_IMAGE = 'localhost/todo-app:image-test-probe'
const STOP_GRACE_SECONDS = 10 // docker/podman stop's default
const TOOLS = ['buildah', 'podman', 'runc', 'debootstrap']

let passed = 0
let failed = 0
const check = (ok: boolean, name: string, detail?: unknown): boolean => {
  if (ok) passed++
  else failed++
  console.log(`${ok ? 'ok' : 'not ok'} - ${name}`)
  if (!ok && detail) console.log(String(detail).replace(/^/gm, '  # '))
  return ok
}
const figure = (text: string) => console.log(`# figure: ${text}`)
const note = (text: string) => console.log(`# ${text}`)
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`
const since = (start: number) => performance.now() - start


/** A free TCP port on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

/** JSON over HTTP to the container's published port (loopback only). */
/** A response of the service, as far as the checks read it. */
interface ApiResponse {
  status: number
  json: { token?: string; title?: string; tasks?: { title: string }[] } | null
  text: string
}

async function api(port: number, method: string, url: string, { body, token }: { body?: unknown; token?: string } = {}): Promise<ApiResponse> {
  const res = await fetch(`http://127.0.0.1:${port}${url}`, {
    method,
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(5000),
  })
  const text = await res.text()
  let json = null
  try {
    json = JSON.parse(text)
  } catch {}
  return { status: res.status, json, text }
}

/** Milliseconds until GET /health answers 200, or null after `limitMs`. */
async function waitForHealth(port: number, limitMs: number): Promise<number | null> {
  const start = performance.now()
  while (since(start) < limitMs) {
    try {
      if ((await api(port, 'GET', '/health')).status === 200) return since(start)
    } catch {}
    await sleep(50)
  }
  return null
}

/** Docker durations in image configs are nanoseconds. */
const nsToMs = (ns: number) => Number(ns) / 1e6

/**
 * Build steps from buildah's output: [{ step: 'RUN npm ci …', cached }]. A step that waits for another
 * stage (COPY --from) has that stage's steps printed inside it, so open steps are kept on a stack.
 * A step ends with `--> <id>`; a FROM prints none and ends with the next step of its stage.
 */
interface BuildStep {
  stage: string
  step: string
  cached: boolean
}

function buildSteps(output: string): BuildStep[] {
  const steps: BuildStep[] = []
  const open: BuildStep[] = []
  for (const line of output.split('\n')) {
    const header = /^(?:\[(\d+)\/\d+\] )?STEP \d+\/\d+: (.*)$/.exec(line)
    if (header) {
      const step = { stage: header[1] ?? '1', step: header[2].replace(/\s+/g, ' '), cached: false }
      for (let top = open.at(-1); top && (top.stage === step.stage || /^FROM /.test(top.step)); top = open.at(-1)) open.pop()
      steps.push(step)
      open.push(step)
    } else if (line.startsWith('--> Using cache ')) {
      const top = open.at(-1)
      if (top) top.cached = true
    } else if (line.startsWith('--> ')) {
      open.pop()
    }
  }
  return steps
}

/** The layers of an image, oldest first, each with the instruction that made it. */
/** `podman image inspect`, as far as the checks read it. */
interface ImageInfo {
  Size: number
  RootFS: { Layers: string[] }
  History?: { empty_layer?: boolean; created_by?: string }[]
  Config?: { User?: string; WorkingDir?: string; ExposedPorts?: Record<string, unknown>; Env?: string[]; Healthcheck?: HealthConfig }
  Healthcheck?: HealthConfig
  HealthCheck?: HealthConfig
}
interface HealthConfig {
  Test?: string[]
  StartPeriod?: number
}

async function inspectImage(podman: EngineTool, ref: string): Promise<ImageInfo> {
  const [image] = JSON.parse((await podman(['image', 'inspect', ref])).stdout) as ImageInfo[]
  return image
}

async function imageLayers(podman: EngineTool, ref: string): Promise<{ digest: string; createdBy: string }[]> {
  const image = await inspectImage(podman, ref)
  const made = (image.History ?? []).filter((h) => !h.empty_layer).map((h) => h.created_by ?? '')
  return image.RootFS.Layers.map((digest, i) => ({ digest, createdBy: made[i] ?? '?' }))
}

/** Gzip sizes of an image's layers, oldest first, as a registry would store them (pushed to an OCI dir). */
async function compressedLayerSizes(buildah: EngineTool, ref: string, dir: string): Promise<number[]> {
  await buildah(['push', '--quiet', ref, `oci:${dir}:image`])
  const blob = (digest: string) => path.join(dir, 'blobs', ...digest.split(':'))
  const index = JSON.parse(fs.readFileSync(path.join(dir, 'index.json'), 'utf8'))
  const manifest = JSON.parse(fs.readFileSync(blob(index.manifests[0].digest), 'utf8'))
  fs.rmSync(dir, { recursive: true, force: true })
  return (manifest.layers as { size: number }[]).map((l) => l.size)
}

/** Apparent size of a directory tree in bytes. */
function treeSize(dir: string): number {
  let total = 0
  walk(dir, (p) => (total += fs.lstatSync(path.join(dir, p)).size))
  return total
}

/** A copy of the build inputs with one source file changed, for the cache probe. */
function probeContext(dir: string): void {
  for (const f of ['Dockerfile', '.dockerignore', 'package.json', 'package-lock.json', 'tsconfig.json']) {
    fs.cpSync(path.join(ROOT, f), path.join(dir, f), { preserveTimestamps: true })
  }
  fs.cpSync(path.join(ROOT, 'src'), path.join(dir, 'src'), { recursive: true, preserveTimestamps: true })
  const notBuilt = (p: string) => !/[/\\]web[/\\]dist(\.tmp-\d+)?([/\\]|$)/.test(p) // the bundle is built in the image
  fs.cpSync(path.join(ROOT, 'web'), path.join(dir, 'web'), { recursive: true, preserveTimestamps: true, filter: notBuilt })
  fs.appendFileSync(path.join(dir, 'src/server.ts'), `\n// image cache probe ${Date.now()}\n`)
}

function walk(dir: string, visit: (p: string, entry: fs.Dirent) => void, rel = ''): void {
  for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const p = path.join(rel, entry.name)
    visit(p, entry)
    if (entry.isDirectory()) walk(dir, visit, p)
  }
}

async function main(engine: Engine, workDir: string): Promise<void> {
  const { podman, buildah } = engine
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'))

  // 1. The stand-in for the base image, tagged with the name the Dockerfile's FROM uses.
  const baseName = parseDockerfile(fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8')).args.NODE_IMAGE ?? ''
  const base = parseNodeImage(baseName)
  if (!check(base !== null, `the Dockerfile's base ${baseName} is a pinned node:X.Y.Z-<debian>[-slim] image`) || !base) return
  const nodeVersion = process.versions.node
  if (!check(Number(nodeVersion.split('.')[0]) === base.major, `this Node (v${nodeVersion}) has the base's Node major ${base.major}`, 'run it with npm run test:image (Node from node_modules/.bin)')) return
  const mirror = debianMirror(base.suite)
  let start = performance.now()
  const standin = await standinTarball({ cacheDir: path.join(TMP, 'image-base'), suite: base.suite, nodeBinary: process.execPath, nodeVersion, npmVersion: NPM_VERSION, mirror })
  note(`stand-in root filesystem: ${path.relative(ROOT, standin.file)} (${standin.built ? `built from ${mirror} in ${seconds(since(start))}` : 'cached'})`)
  // A FROM pinned by digest cannot be matched by a local tag: then the build gets the stand-in by name.
  const standinName = base.digest ? `localhost/node-standin:${base.version}` : baseName.includes('/') ? baseName : `docker.io/library/${baseName}`
  await podman(['import', '--change', `ENV NODE_VERSION=${nodeVersion}`, '--change', 'CMD ["node"]', standin.file, standinName])
  const version = (await podman(['run', '--rm', '--network', 'none', standinName, 'node', '--version'])).stdout.trim()
  check(version === `v${nodeVersion}`, `stand-in base ${standinName} runs Node ${version}`)

  // 2. The cold build, from the repository itself (its .dockerignore decides the context).
  const caFile = process.env.NPM_CA_FILE || process.env.NODE_EXTRA_CA_CERTS
  const buildArgs = [
    'bud', '--isolation', 'chroot', '--format', 'docker', '--layers', '--pull-never',
    ...(base.digest ? ['--build-arg', `NODE_IMAGE=${standinName}`] : []),
    ...(caFile && fs.existsSync(caFile) ? ['--secret', `id=npm_ca,src=${caFile}`] : []),
  ]
  note(`build secret npm_ca: ${caFile && fs.existsSync(caFile) ? caFile : 'none'}`)
  start = performance.now()
  const cold = await buildah([...buildArgs, '-t', IMAGE, '-f', path.join(ROOT, 'Dockerfile'), ROOT], { check: false })
  const coldMs = since(start)
  fs.writeFileSync(path.join(RUNS, 'build-cold.log'), cold.stdout + cold.stderr)
  if (!check(cold.ok, 'the Dockerfile builds (buildah bud)', `${(cold.stderr || cold.stdout).trim().split('\n').slice(-15).join('\n')}\n(full log: .tmp/image-test/build-cold.log)`)) return
  figure(`cold build (base present, empty cache): ${seconds(coldMs)}  [AC-1: < 2 min]`)

  // 3. The image's configuration and contents.
  const image = await inspectImage(podman, IMAGE)
  const baseImage = await inspectImage(podman, standinName)
  const config = image.Config ?? {}
  const health = image.Healthcheck ?? image.HealthCheck ?? config.Healthcheck
  check(config.User === '1000:1000', `image USER is 1000:1000 (${config.User})`)
  check(config.WorkingDir === '/app', `image WORKDIR is /app (${config.WorkingDir})`)
  check(Object.keys(config.ExposedPorts ?? {}).join() === `${DEFAULT_PORT}/tcp`, `image exposes ${DEFAULT_PORT}/tcp only (the service's port)`)
  check((config.Env ?? []).includes(`STORAGE_PATH=${baseConfig.STORAGE_PATH}`), `image sets STORAGE_PATH=${baseConfig.STORAGE_PATH} (as the base ConfigMap does)`)
  check(Array.isArray(health?.Test) && health.Test[0] === 'CMD' && health.Test[1] === 'node', `image HEALTHCHECK runs node (${JSON.stringify(health?.Test?.slice(0, 2))})`)
  const gzip = await compressedLayerSizes(buildah, IMAGE, path.join(workDir, 'oci'))
  const baseLayers = baseImage.RootFS.Layers.length
  const gzBase = gzip.slice(0, baseLayers).reduce((a, b) => a + b, 0)
  const gzAdded = gzip.slice(baseLayers).reduce((a, b) => a + b, 0)
  figure(`stand-in base (Debian ${base.suite} minbase, no docs + Node ${nodeVersion} + npm ${NPM_VERSION}): ${mb(baseImage.Size)} (${mb(gzBase)} gzip)`)
  figure(`added by the Dockerfile on top of the base: ${mb(image.Size - baseImage.Size)} (${mb(gzAdded)} gzip)`)
  figure(`image total with the real ${baseName}, estimated as stand-in + added: ${mb(image.Size)} on disk, ${mb(gzBase + gzAdded)} gzip as pushed and pulled  [AC-1: < 200 MB]`)
  const mount = (await podman(['image', 'mount', IMAGE])).stdout.trim()
  try {
    const app = path.join(mount, 'app')
    check(fs.readdirSync(app).sort().join() === 'dist,node_modules,package.json,web', `/app holds only dist, node_modules, package.json, web (${fs.readdirSync(app).sort().join(', ')})`)
    check(fs.existsSync(path.join(app, 'dist/server.js')), '/app/dist/server.js is there (bundled in the builder)')
    check(fs.readdirSync(path.join(app, 'web')).join() === 'dist' && fs.existsSync(path.join(app, 'web/dist/index.html')), '/app/web holds only the chat page bundle (web/dist, built in the image)')
    // Dev-only as npm resolved it (the lockfile's "dev" flag): a devDependency that a dependency needs too
    // (semver, through fastify) belongs in the image.
    const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> }
    const devOnly = Object.keys(pkg.devDependencies).filter((d) => lock.packages[`node_modules/${d}`]?.dev === true)
    const devInImage = devOnly.filter((d) => fs.existsSync(path.join(app, 'node_modules', d)))
    check(devInImage.length === 0, 'no dev-only package in /app/node_modules (pruned)', `found: ${devInImage.join(', ')}`)
    check(!fs.existsSync(path.join(app, 'node_modules/.bin/node')), 'no node binary from node_modules (the dev-only `node` package)')
    const prodMissing = Object.keys(pkg.dependencies).filter((d) => !fs.existsSync(path.join(app, 'node_modules', d, 'package.json')))
    check(prodMissing.length === 0, 'every dependency is in /app/node_modules', `missing: ${prodMissing.join(', ')}`)
    check(!fs.existsSync(path.join(mount, 'usr/local/bin/npm')) && !fs.existsSync(path.join(mount, 'usr/local/lib/node_modules')), 'no npm/npx/corepack in the runtime image')
    const writable: string[] = []
    const unwanted: string[] = []
    walk(app, (p, entry) => {
      const st = fs.lstatSync(path.join(app, p))
      if (st.uid !== 0 || (!entry.isSymbolicLink() && st.mode & 0o022)) writable.push(p)
      const ours = !p.startsWith('node_modules/') // packages may ship their own tests; ours must not be here
      if (/^(\.env.*|\.git|\.secrets|sealed-secrets|\.npmrc)$/.test(entry.name) || (ours && /\.(ts|mts|mjs)$/.test(p))) unwanted.push(p)
    })
    check(writable.length === 0, 'everything in /app belongs to root and is read-only for the service user', writable.slice(0, 10).join('\n'))
    check(unwanted.length === 0, 'no .env, .git, secrets, tests or TypeScript sources in /app', unwanted.slice(0, 10).join('\n'))
    figure(`of which /app/node_modules ${mb(treeSize(path.join(app, 'node_modules')))}, /app/dist ${mb(treeSize(path.join(app, 'dist')))}`)
    const data = fs.statSync(path.join(mount, 'data'))
    check(data.uid === 1000 && data.gid === 1000, `/data belongs to 1000:1000 (${data.uid}:${data.gid})`)
  } finally {
    await podman(['image', 'unmount', IMAGE], { check: false })
  }

  // 4. Run it as Kubernetes will (FR-46): read-only root, writable /data and /tmp, no capabilities.
  const name = `todo-image-test-${process.pid}`
  const volume = `todo-image-test-data-${process.pid}`
  const port = await freePort()
  await podman(['volume', 'create', volume])
  const runArgs = [
    'run', '--detach', '--name', name,
    '--read-only', '--read-only-tmpfs=false', '--tmpfs', '/tmp:rw,nosuid,nodev,size=64m',
    '--volume', `${volume}:/data`,
    '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges',
    '--publish', `127.0.0.1:${port}:${DEFAULT_PORT}`,
    IMAGE,
  ]
  const startPeriod = nsToMs(health?.StartPeriod ?? 5e9)
  const logs = async () => (await podman(['logs', '--tail', '20', name], { check: false })).stdout.trim()
  /** Starts the container and waits for /health: ms from the command, and from the container's process start. */
  const startAndWait = async (args: string[]): Promise<{ command: number; process: number } | null> => {
    const t0 = performance.now()
    await podman(args)
    if ((await waitForHealth(port, 30_000)) === null) return null
    const healthyAt = Date.now()
    const [info] = JSON.parse((await podman(['container', 'inspect', name])).stdout)
    const startedAt = Date.parse(info.State.StartedAt.replace(/(\.\d{3})\d*/, '$1'))
    return { command: since(t0), process: healthyAt - startedAt }
  }
  const up = await startAndWait(runArgs)
  if (!check(up !== null, 'GET /health answers 200 after the container starts', await logs()) || !up) return
  // A time is a figure to read, not a check: a slow machine must not fail the test.
  figure(`container start → /health 200: ${seconds(up.process)} [HEALTHCHECK start period: ${seconds(startPeriod)}]; podman run command → /health 200: ${seconds(up.command)}`)

  const status = (await podman(['exec', name, 'cat', '/proc/1/status'])).stdout
  const field = (k: string) => new RegExp(`^${k}:\\s*(.*)$`, 'm').exec(status)?.[1].trim().split(/\s+/)
  check(!!field('Uid')?.every((u) => u === '1000') && !!field('Gid')?.every((g) => g === '1000'), `the process runs as UID/GID 1000 (Uid ${field('Uid')?.join(' ')}, Gid ${field('Gid')?.join(' ')})`)
  check(field('CapEff')?.[0] === '0000000000000000' && field('NoNewPrivs')?.[0] === '1', 'no capabilities, no privilege escalation')

  const probe = `const fs = require('fs'); const out = {};
    for (const d of process.argv.slice(1)) { const p = d.replace(/\\/$/, '') + '/.write-probe';
      try { fs.writeFileSync(p, 'x'); fs.unlinkSync(p); out[d] = 'writable' } catch (e) { out[d] = e.code } }
    console.log(JSON.stringify(out))`
  const dirs = ['/', '/app', '/app/dist', '/app/node_modules', '/etc', '/usr/local/bin', '/home/node', '/var/tmp', '/run', '/data', '/tmp']
  const writes = JSON.parse((await podman(['exec', name, 'node', '-e', probe, ...dirs])).stdout)
  const wrong = dirs.filter((d) => writes[d] !== (d === '/data' || d === '/tmp' ? 'writable' : 'EROFS'))
  check(wrong.length === 0, 'the root filesystem is read-only (EROFS); /data and /tmp are writable', JSON.stringify(writes))

  const email = `image-test-${randomBytes(4).toString('hex')}@example.test`
  const password = randomBytes(12).toString('base64url')
  const title = `survives a restart ${randomBytes(3).toString('hex')}`
  const signup = await api(port, 'POST', '/auth/signup', { body: { email, password } })
  check(signup.status === 201 && typeof signup.json?.token === 'string', `POST /auth/signup → 201 with a token (${signup.status})`, signup.text)
  const created = await api(port, 'POST', '/tasks', { token: signup.json?.token, body: { title } })
  check(created.status === 201 && created.json?.title === title, `POST /tasks → 201 (${created.status})`, created.text)
  const page = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(5000) })
  const pageText = await page.text()
  check(
    page.status === 200 && /^text\/html/.test(page.headers.get('content-type') ?? '') && /default-src 'self'/.test(page.headers.get('content-security-policy') ?? '') && pageText.includes('/assets/main-'),
    `GET / serves the chat page with its Content-Security-Policy (${page.status})`,
    pageText.slice(0, 200),
  )

  start = performance.now()
  const hc = await podman(['healthcheck', 'run', name], { check: false })
  const hcMs = since(start)
  check(hc.ok, 'the image HEALTHCHECK command succeeds inside the container', hc.stderr || hc.stdout)
  figure(`HEALTHCHECK run (podman healthcheck run, node fetch /health): ${seconds(hcMs)}  [AC-1: < 3 s]`)

  const stopCleanly = async (label: string) => {
    const t0 = performance.now()
    await podman(['stop', '--time', String(STOP_GRACE_SECONDS), name])
    const ms = since(t0)
    const exitCode = (await podman(['inspect', name, '--format', '{{.State.ExitCode}}'])).stdout.trim()
    // Exit 0 means the service drained and exited on SIGTERM: had it outlived the grace period, podman's
    // SIGKILL would have ended it with 137.
    check(exitCode === '0', `${label}: SIGTERM stops it with exit 0 before the ${STOP_GRACE_SECONDS} s grace period ends (exit ${exitCode})`, await logs())
    figure(`${label}: SIGTERM → exited: ${seconds(ms)}`)
  }
  await stopCleanly('first stop')

  const again = await startAndWait(['start', name])
  if (!check(again !== null, 'started again on the same /data: /health 200', await logs()) || !again) return
  figure(`restart: container start → /health 200: ${seconds(again.process)}; podman start command → /health 200: ${seconds(again.command)}`)
  const login = await api(port, 'POST', '/auth/login', { body: { email, password } })
  check(login.status === 200, `the user is still there: POST /auth/login → 200 (${login.status})`, login.text)
  const list = await api(port, 'GET', '/tasks', { token: login.json?.token })
  check(list.status === 200 && (list.json?.tasks ?? []).some((task) => task.title === title), 'the task created before the restart is still there', list.text)
  await stopCleanly('second stop')

  // 5. Layer caching (FR-20): rebuild after a source change; the dependency layers must come from the cache.
  const context = path.join(workDir, 'context')
  probeContext(context)
  start = performance.now()
  const warm = await buildah([...buildArgs, '-t', PROBE_IMAGE, '-f', path.join(context, 'Dockerfile'), context], { check: false })
  const warmMs = since(start)
  fs.writeFileSync(path.join(RUNS, 'build-warm.log'), warm.stdout + warm.stderr)
  if (!check(warm.ok, 'the rebuild after a source change succeeds', warm.stderr.trim().split('\n').slice(-10).join('\n'))) return
  const steps = buildSteps(warm.stdout)
  const matching = (re: RegExp) => steps.filter((s) => re.test(s.step))
  const allCached = (re: RegExp) => matching(re).length > 0 && matching(re).every((s) => s.cached)
  const noneCached = (re: RegExp) => matching(re).length > 0 && matching(re).every((s) => !s.cached)
  check(allCached(/^RUN .*\bnpm ci\b/) && allCached(/^RUN .*\bnpm prune\b/), 'after a source change, npm ci and npm prune come from the cache')
  check(noneCached(/^COPY src\b/) && noneCached(/^RUN npm run build\b/), '… while the changed source is copied and compiled again')
  const before = await imageLayers(podman, IMAGE)
  const after = await imageLayers(podman, PROBE_IMAGE)
  const same = after.filter((l, i) => before[i]?.digest === l.digest)
  const modulesLayer = (layers: { digest: string; createdBy: string }[]) => layers.find((l) => /COPY dir:\S+ in \S*node_modules/.test(l.createdBy))?.digest
  check(modulesLayer(after) !== undefined && modulesLayer(after) === modulesLayer(before), "… and the runtime image's node_modules layer is the same layer as before (only the dist layer is new)")
  const short = (step: string) => {
    const npm = /^RUN .*?\b(npm (?:run )?\w+)/.exec(step)
    return npm ? `RUN ${npm[1]}` : step.split(' ').slice(0, 3).join(' ')
  }
  figure(`rebuild after a source change: ${seconds(warmMs)}; steps cached: ${steps.filter((s) => s.cached).map((s) => short(s.step)).join(' | ')}`)
  figure(`rebuild: steps run again: ${steps.filter((s) => !s.cached && !/^FROM /.test(s.step)).map((s) => short(s.step)).join(' | ')}`)
  figure(`rebuild: runtime image layers reused ${same.length} of ${after.length} (new: ${after.filter((l) => !same.includes(l)).map((l) => l.createdBy.replace(/^\/bin\/sh -c #\(nop\) /, '').replace(/:[0-9a-f]{64}/, '').trim()).join(', ')})`)
}

// --- entry
// debootstrap (and ip) live in /usr/sbin, which a non-login PATH may lack.
for (const dir of ['/usr/sbin', '/sbin']) if (!(process.env.PATH ?? '').split(':').includes(dir)) process.env.PATH = `${process.env.PATH}:${dir}`
const found = await Promise.all(TOOLS.map((tool) => which(tool, { nothrow: true })))
const missing = TOOLS.filter((_, i) => !found[i])
if (missing.length > 0) {
  note(`SKIP image test: ${missing.join(', ')} not installed (apt-get install buildah podman runc debootstrap; .ci/run does)`)
  console.log('image: 0 passed, 0 failed (skipped)')
  process.exit(0)
}
if (process.getuid?.() !== 0) {
  check(false, 'the image test needs root (rootful buildah/podman, debootstrap)')
  console.log(`image: ${passed} passed, ${failed} failed`)
  process.exit(1)
}

fs.mkdirSync(RUNS, { recursive: true })
// Runs that were killed before their cleanup leave their directory behind: remove those of dead processes.
for (const dir of fs.readdirSync(RUNS).filter((d) => /^run-\d+$/.test(d))) {
  const pid = Number(dir.slice(4))
  let alive = true
  try {
    process.kill(pid, 0)
  } catch {
    alive = false
  }
  if (!alive) await createEngine(path.join(RUNS, dir)).cleanup()
}

const workDir = path.join(RUNS, `run-${process.pid}`)
const engine = createEngine(workDir)
let cleaning: Promise<boolean> | null = null
const cleanup = () => (cleaning ??= engine.cleanup())
// Interrupted or crashed outside the main try (a callback, a signal): still clean up, then fail.
const abort = async (reason: unknown) => {
  check(false, 'the image test ran to its end', reason)
  await cleanup()
  console.log(`image: ${passed} passed, ${failed} failed`)
  process.exit(1)
}
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => abort(`interrupted by ${signal}`))
const described = (err: unknown) => (err instanceof Error ? err.stack : err)
process.on('uncaughtException', (err) => abort(described(err)))
process.on('unhandledRejection', (err) => abort(described(err)))

const started = performance.now()
try {
  await main(engine, workDir)
} catch (err) {
  check(false, 'the image test ran to its end', described(err))
} finally {
  const removed = await cleanup()
  check(removed && !fs.existsSync(workDir), 'cleanup: every container, volume, image and file of this run is removed')
  await removeTree(path.join(TMP, 'image-base', `rootfs-${process.pid}`))
}
figure(`image test total: ${seconds(since(started))}`)
console.log(`image: ${passed} passed, ${failed} failed`)
process.exit(failed === 0 ? 0 : 1)
