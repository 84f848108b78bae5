// The kubeseal workflow per environment (FR-42, AC-7): seal todo-app-secrets for staging or prod into
// sealed-secrets/<env>/, re-seal one key, fetch the controller's certificate, verify what is committed.
// Plaintext is read from the environment, a file or stdin, and is never written to disk or printed.
// After sealing it re-renders (npm run synth): overlays/<env> lists ../../sealed-secrets/<env> only once
// that directory exists, so the two are committed together.
import fs from 'node:fs'
import path from 'node:path'
import { parseArgv, which } from 'zx'
import YAML from 'yaml'
import { argocd, environments, type EnvName, type Environment } from '../../gen/environments.ts'
import { exec } from '../lib/run.ts'
import { messageOf } from '../lib/message.ts'
import { JWT_SECRET_MIN_BYTES } from '../../src/contract.ts'
import { jwtSecretProblem } from '../lib/jwt-secret.ts'
import { JWT_KEYS, REQUIRED_KEYS, SECRET_KEYS, SECRET_NAME, CERT_ANNOTATION, loadCertificate, sealValue, sealedSecretDocument, verifySealedSecret } from '../lib/sealing.ts'

const ROOT = path.resolve(import.meta.dirname, '..', '..')
// Overridable so the script's own tests do not run the real renderer (like promote's PROMOTE_SYNTH_CMD).
const SYNTH = process.env.SEAL_SYNTH_CMD ?? 'npm run synth'
const USAGE = `Usage (npm run seal -- ...):
  --env ENV --from-env OPENAI_API_KEY --from-env JWT_SECRET     seal both keys (variable NAME -> key name-in-kebab-case)
  --env ENV --from-file openai-api-key=FILE --from-file jwt-secret=-   values from files; "-" is stdin
  --env ENV --merge --from-env OPENAI_API_KEY                   re-seal one key, keep the others as they are
  --env ENV --fetch-cert                                        save the controller's certificate as sealed-secrets/ENV/pub-cert.pem
  --verify [--env ENV]                                          check every committed SealedSecret

Options:
  --cert FILE        seal with this certificate (default: sealed-secrets/ENV/pub-cert.pem, else fetched from the controller)
  --context NAME     kube context of ENV's cluster, for fetching the certificate
  --in-process       seal with Node's crypto even when kubeseal is installed
  --from-env KEY=VAR also works, to name the key explicitly

Keys: ${SECRET_KEYS.join(', ')} (the JWT keys: at least ${JWT_SECRET_MIN_BYTES} bytes; jwt-secret-previous is optional).
Rotating the JWT key without logging anyone out (docs/secrets.md):
  JWT_SECRET_PREVIOUS=<the current key> JWT_SECRET=$(openssl rand -base64 48) npm run seal -- --env ENV --merge --from-env JWT_SECRET --from-env JWT_SECRET_PREVIOUS Environments with sealed secrets: ${sealedEnvironments().join(', ')}.
Sealing then runs npm run synth, so overlays/ENV lists sealed-secrets/ENV: commit the two together.`

const OPTIONS = { boolean: ['merge', 'verify', 'fetch-cert', 'in-process', 'help'], string: ['env', 'from-env', 'from-file', 'cert', 'context'] }

/** The parsed command line (zx's parseArgv with OPTIONS). */
interface SealArgs {
  env?: string
  'from-env'?: string | string[]
  'from-file'?: string | string[]
  cert?: string
  context?: string
  merge?: boolean
  verify?: boolean
  'fetch-cert'?: boolean
  'in-process'?: boolean
  help?: boolean
  _: string[]
}

function sealedEnvironments(): EnvName[] {
  return Object.values(environments).filter((e) => e.secret === 'sealed').map((e) => e.name)
}

class UsageError extends Error {}

const envDir = (name: string) => path.join(ROOT, 'sealed-secrets', name)
const rel = (file: string) => path.relative(ROOT, file)
const list = (value: string | string[] | undefined): string[] => (value === undefined ? [] : [value].flat())

function environmentFor(name: string | undefined): Environment {
  if (!name) throw new UsageError('--env is required')
  const env = Object.hasOwn(environments, name) ? environments[name as EnvName] : undefined
  if (!env) throw new UsageError(`unknown environment "${name}" (known: ${Object.keys(environments).join(', ')})`)
  if (env.secret !== 'sealed') {
    throw new UsageError(`${name} does not use a SealedSecret: its Secret is created by scripts/bootstrap-minikube.mjs and never committed`)
  }
  return env
}

/** key -> plaintext, from --from-env and --from-file. */
function readValues(args: SealArgs): Map<string, string> {
  const values = new Map<string, string>()
  const put = (key: string, value: string, origin: string) => {
    if (!SECRET_KEYS.includes(key)) throw new UsageError(`${origin}: unknown key "${key}" (allowed: ${SECRET_KEYS.join(', ')})`)
    if (values.has(key)) throw new UsageError(`${origin}: key "${key}" is given twice`)
    const problem = JWT_KEYS.includes(key) ? jwtSecretProblem(value, origin) : undefined
    if (problem) throw new UsageError(problem)
    values.set(key, value)
  }
  for (const spec of list(args['from-env'])) {
    const [key, variable] = spec.includes('=') ? spec.split('=', 2) : [spec.toLowerCase().replaceAll('_', '-'), spec]
    const value = process.env[variable]
    if (!value) throw new UsageError(`--from-env ${spec}: the environment variable ${variable} is not set or empty`)
    put(key, value, `--from-env ${spec}`)
  }
  for (const spec of list(args['from-file'])) {
    const at = spec.indexOf('=')
    if (at < 1) throw new UsageError(`--from-file ${spec}: write it as KEY=FILE (FILE "-" is stdin)`)
    const [key, file] = [spec.slice(0, at), spec.slice(at + 1)]
    let value: string
    try {
      value = fs.readFileSync(file === '-' ? 0 : file, 'utf8')
    } catch (error) {
      throw new UsageError(`--from-file ${spec}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? messageOf(error)})`)
    }
    if (!value) throw new UsageError(`--from-file ${spec}: ${file} is empty`)
    put(key, value, `--from-file ${spec}`)
  }
  return values
}

/** The controller's certificate, through kubeseal when installed, else the API server's service proxy. */
async function fetchCertificate(args: SealArgs): Promise<string> {
  const { releaseName, namespace } = argocd.sealedSecrets
  const context = args.context ? ['--context', args.context] : []
  const result = (await which('kubeseal', { nothrow: true }))
    ? await exec('kubeseal', ['--fetch-cert', '--controller-name', releaseName, '--controller-namespace', namespace, ...context])
    : await exec('kubectl', [...context, 'get', '--raw', `/api/v1/namespaces/${namespace}/services/http:${releaseName}:/proxy/v1/cert.pem`])
  if (!result.ok) {
    throw new Error(`cannot fetch the certificate of ${namespace}/${releaseName}: ${result.stderr.trim()}\n  Is the controller running in this cluster (--context)? Or pass --cert FILE.`)
  }
  return result.stdout
}

/** { pem, file } of the certificate to seal with; a fetched one is saved (it is public) for later offline use. */
async function certificateFor(env: Environment, args: SealArgs): Promise<{ pem: string; file: string }> {
  if (args.cert) return { pem: fs.readFileSync(args.cert, 'utf8'), file: args.cert }
  const committed = path.join(envDir(env.name), 'pub-cert.pem')
  if (fs.existsSync(committed)) return { pem: fs.readFileSync(committed, 'utf8'), file: committed }
  return saveFetchedCertificate(env, args)
}

async function saveFetchedCertificate(env: Environment, args: SealArgs): Promise<{ pem: string; file: string }> {
  const pem = await fetchCertificate(args)
  loadCertificate(pem, 'the fetched certificate')
  const file = path.join(envDir(env.name), 'pub-cert.pem')
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, pem)
  console.log(`saved the controller's certificate to ${rel(file)} (public: commit it)`)
  return { pem, file }
}

async function sealWithKubeseal(value: string, certFile: string, namespace: string): Promise<string> {
  // The value goes through stdin, never argv.
  const args = ['--raw', '--scope', 'strict', '--namespace', namespace, '--name', SECRET_NAME, '--cert', certFile, '--from-file=/dev/stdin']
  const result = await exec('kubeseal', args, { input: value })
  if (!result.ok) throw new Error(`kubeseal failed: ${result.stderr.trim()}`)
  return result.stdout.trim()
}

function header(envName: string): string {
  return `# Generated by scripts/seal-secret.mjs (npm run seal -- --env ${envName}). Encrypted for the ${envName} cluster: safe to commit.\n`
}

async function seal(args: SealArgs): Promise<void> {
  const env = environmentFor(args.env)
  const values = readValues(args)
  if (!values.size) throw new UsageError('nothing to seal: give --from-env or --from-file')
  const target = path.join(envDir(env.name), `${SECRET_NAME}.yaml`)
  const { pem, file: certFile } = await certificateFor(env, args)
  const { cert, fingerprint } = loadCertificate(pem, rel(path.resolve(certFile)))

  let encryptedData: Record<string, string> = {}
  if (args.merge) {
    if (!fs.existsSync(target)) throw new UsageError(`--merge: ${rel(target)} does not exist yet; seal all keys first`)
    const existing = YAML.parse(fs.readFileSync(target, 'utf8'))
    if (existing?.metadata?.annotations?.[CERT_ANNOTATION] !== fingerprint) {
      throw new Error(`--merge: the other keys in ${rel(target)} were sealed with another certificate; seal all keys again`)
    }
    encryptedData = { ...existing.spec.encryptedData }
  } else {
    const missing = REQUIRED_KEYS.filter((k) => !values.has(k))
    if (missing.length) throw new UsageError(`missing ${missing.join(', ')}: seal every key, or pass --merge to re-seal some and keep the others`)
  }

  const kubeseal = !args['in-process'] && (await which('kubeseal', { nothrow: true }))
  for (const [key, value] of values) {
    encryptedData[key] = kubeseal ? await sealWithKubeseal(value, certFile, env.namespace) : sealValue(value, cert, env.namespace, SECRET_NAME)
  }

  fs.mkdirSync(path.dirname(target), { recursive: true })
  fs.writeFileSync(target, header(env.name) + YAML.stringify(sealedSecretDocument({ namespace: env.namespace, encryptedData, fingerprint })))
  fs.writeFileSync(
    path.join(envDir(env.name), 'kustomization.yaml'),
    header(env.name) + YAML.stringify({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: [`${SECRET_NAME}.yaml`] }),
  )
  console.log(`sealed ${[...values.keys()].join(', ')} for ${env.namespace}/${SECRET_NAME} (strict scope, ${kubeseal ? 'kubeseal' : 'in-process'}) into ${rel(target)}`)
  await render(env, target)
  const dirs = [rel(envDir(env.name)), overlayDir(env)]
  console.log(`next: commit ${dirs.map((d) => `${d}/`).join(' and ')} together (the overlay lists the SealedSecret's directory;`)
  console.log(`      one without the other breaks the sync): git add ${dirs.join(' ')} && git commit, then push; Argo CD syncs it`)
}

const overlayDir = (env: Environment) => `overlays/${env.name}`

/** Re-renders the tree, so the overlay includes sealed-secrets/<env>/ (the renderer adds it once it exists). */
async function render(env: Environment, target: string): Promise<void> {
  console.log(`rendering ${overlayDir(env)}: ${SYNTH}`)
  const result = await exec('bash', ['-c', SYNTH], { cwd: ROOT })
  if (!result.ok) {
    const output = (result.stdout + result.stderr).trim().split('\n').slice(-10).join('\n    ')
    throw new Error(`${rel(target)} is written, but \`${SYNTH}\` failed, so ${overlayDir(env)} may not list it yet:\n    ${output}\n  Fix that, run npm run synth, then commit both directories.`)
  }
}

/** Every committed SealedSecret against its environment; exits 1 on any problem. */
function verify(args: SealArgs): void {
  const problems: string[] = []
  const notes: string[] = []
  const base = path.join(ROOT, 'sealed-secrets')
  const dirs = fs.existsSync(base) ? fs.readdirSync(base, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name) : []
  for (const name of dirs) {
    if (!(sealedEnvironments() as string[]).includes(name)) problems.push(`sealed-secrets/${name}/: not an environment with sealed secrets (${sealedEnvironments().join(', ')})`)
  }
  const names = args.env ? [environmentFor(args.env).name] : sealedEnvironments()
  for (const name of names) {
    const env = environments[name]
    const target = path.join(envDir(name), `${SECRET_NAME}.yaml`)
    if (!fs.existsSync(target)) {
      notes.push(`${name}: no SealedSecret committed yet (npm run seal -- --env ${name} ...)`)
      continue
    }
    const certFile = args.cert ?? path.join(envDir(name), 'pub-cert.pem')
    if (!fs.existsSync(certFile)) {
      problems.push(`${name}: no certificate to check against: commit ${rel(certFile)} (npm run seal -- --env ${name} --fetch-cert)`)
      continue
    }
    try {
      const { cert, fingerprint } = loadCertificate(fs.readFileSync(certFile, 'utf8'), rel(path.resolve(certFile)))
      const docs = YAML.parseAllDocuments(fs.readFileSync(target, 'utf8')).map((d) => d.toJS())
      if (docs.length !== 1) problems.push(`${rel(target)}: holds ${docs.length} documents, want one SealedSecret`)
      for (const p of verifySealedSecret(docs[0], { namespace: env.namespace, cert, fingerprint })) problems.push(`${rel(target)}: ${p}`)
    } catch (error) {
      problems.push(`${name}: ${messageOf(error)}`)
    }
    const kustomization = path.join(envDir(name), 'kustomization.yaml')
    const resources = fs.existsSync(kustomization) ? YAML.parse(fs.readFileSync(kustomization, 'utf8'))?.resources ?? [] : []
    if (!resources.includes(`${SECRET_NAME}.yaml`)) problems.push(`${rel(kustomization)}: does not list ${SECRET_NAME}.yaml`)
  }
  for (const n of notes) console.log(`note: ${n}`)
  if (problems.length) {
    console.error(`✖ ${problems.length} problem(s):\n  ${problems.join('\n  ')}`)
    process.exit(1)
  }
  console.log(`✓ every committed SealedSecret matches its environment (${names.join(', ')})`)
}

const args = parseArgv(process.argv.slice(2), OPTIONS) as SealArgs
const known = new Set([...OPTIONS.boolean, ...OPTIONS.string, '_'])
try {
  const unknown = Object.keys(args).filter((k) => !known.has(k))
  if (unknown.length || args._.length) throw new UsageError(`unknown argument ${unknown.map((k) => `--${k}`).concat(args._).join(' ')}`)
  if (args.help) console.log(USAGE)
  else if (args.verify) verify(args)
  else if (args['fetch-cert']) await saveFetchedCertificate(environmentFor(args.env), args)
  else await seal(args)
} catch (error) {
  console.error(`✖ ${messageOf(error)}`)
  if (error instanceof UsageError) console.error(`\n${USAGE}`)
  process.exit(error instanceof UsageError ? 2 : 1)
}
