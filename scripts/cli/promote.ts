// Moves a release forward through the environments, one commit per promotion:
//   npm run promote -- --env staging --image ghcr.io/org/todo-app:<git-sha>[@sha256:...]   (what CI built)
//   npm run promote -- --from staging --to prod                                       (prod gets what staging runs)
// It sets the environment's entry of gen/images.yaml (data the table gen/environments.ts reads; written with the
// yaml library, comments kept), re-renders (npm run synth), runs the validation tests and commits
// gen/images.yaml + overlays/<env>. `git push` is the promotion; `git revert <commit>` is the rollback.
// dev is never a target: it runs the image that scripts/bootstrap-minikube.mjs builds inside Minikube.
import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgv } from 'zx'
import { parseDocument } from 'yaml'
import { environments, imagesFile, promotionOrder, type EnvName, type Environment } from '../../gen/environments.ts'
import { parseImageRef } from '../../gen/image.ts'
import { exec, commandLine } from '../lib/run.ts'
import { messageOf } from '../lib/message.ts'

const ROOT = path.resolve(import.meta.dirname, '..', '..')
const TABLE = 'gen/environments.ts'
const IMAGES = imagesFile
// Overridable so the script's own tests do not run the real renderer and suite.
const SYNTH = process.env.PROMOTE_SYNTH_CMD ?? 'npm run synth'
const VALIDATE = process.env.PROMOTE_TEST_CMD ?? 'npx tap test/gen'

const USAGE = `Usage (npm run promote -- ...):
  --env staging --image REF      set staging to an image CI built and pushed
  --from staging --to prod       give prod exactly the image staging runs
REF must be pinned: a digest (@sha256:<64 hex>) or a tag that is a git SHA (7-40 hex characters).
Order: ${promotionOrder.join(' -> ')}. dev runs the image the bootstrap builds in Minikube and is not promoted to.`

class Refusal extends Error {}

/** A digest, or a tag that is a git commit SHA: a reference that cannot move under the environment. A
 *  reference the renderer would refuse (gen/image.ts) is not pinned either. */
function isPinned(ref: string): boolean {
  let parsed: ReturnType<typeof parseImageRef>
  try {
    parsed = parseImageRef(ref)
  } catch {
    return false
  }
  return parsed.digest !== undefined || /^[0-9a-f]{7,40}$/.test(parsed.tag ?? '')
}

function environment(name: string | undefined, flag: string): Environment {
  if (!name) throw new Refusal(`${flag} is required`)
  const env = Object.hasOwn(environments, name) ? environments[name as EnvName] : undefined
  if (!env) throw new Refusal(`${flag} ${name}: unknown environment (known: ${promotionOrder.join(', ')})`)
  if (name === 'dev') {
    throw new Refusal(`${flag} dev: dev runs ${env.image}, built inside Minikube by scripts/bootstrap-minikube.mjs; it is neither promoted to nor from (CI images enter at staging)`)
  }
  return env
}

/** Which environment gets which image, after every rule of the promotion order is checked. */
/** The parsed command line. */
interface PromoteArgs {
  env?: string
  image?: string
  from?: string
  to?: string
  help?: boolean
  _: string[]
}

function plan(args: PromoteArgs): { target: Environment; image: string } {
  if (args.from !== undefined || args.to !== undefined) {
    if (args.image !== undefined || args.env !== undefined) throw new Refusal('use either --env ENV --image REF or --from ENV --to ENV')
    const from = environment(args.from, '--from')
    const to = environment(args.to, '--to')
    const gap = promotionOrder.indexOf(to.name) - promotionOrder.indexOf(from.name)
    if (gap < 1) throw new Refusal(`${from.name} -> ${to.name} goes backwards (order: ${promotionOrder.join(' -> ')}); to undo a promotion, git revert its commit`)
    if (gap > 1) throw new Refusal(`${from.name} -> ${to.name} skips ${promotionOrder[promotionOrder.indexOf(from.name) + 1]}: an image reaches an environment only from the one before it`)
    return { target: to, image: from.image }
  }
  const target = environment(args.env, '--env')
  if (!args.image) throw new Refusal('--image REF is required with --env')
  const previous = environments[promotionOrder[promotionOrder.indexOf(target.name) - 1]]
  if (previous.name !== 'dev' && previous.image !== args.image) {
    throw new Refusal(`${target.name} only gets what ${previous.name} runs (${previous.image}), not ${args.image}: promote to ${previous.name} first, then --from ${previous.name} --to ${target.name}`)
  }
  return { target, image: args.image }
}

async function git(...args: string[]): Promise<string> {
  const result = await exec('git', ['-C', ROOT, ...args])
  if (!result.ok) throw new Error(`\`${commandLine('git', args)}\` failed: ${result.stderr.trim()}`)
  return result.stdout
}

/** Paths that differ from HEAD (porcelain v1, untracked included). */
async function changedPaths() {
  return (await git('status', '--porcelain', '--untracked-files=all'))
    .split('\n')
    .filter(Boolean)
    .map((l) => ({ untracked: l.startsWith('??'), path: l.slice(3) }))
}

/** gen/images.yaml with `envName` set to `image`; its header comment and the other entries stay as they are. */
function editImages(text: string, envName: EnvName, image: string): string {
  const doc = parseDocument(text)
  if (doc.errors.length) throw new Error(`${IMAGES} does not parse: ${doc.errors[0].message}`)
  doc.set(envName, image)
  return doc.toString()
}

/** The table as a fresh process reads it: each environment's image. */
async function imagesInTable(): Promise<Record<string, string>> {
  const url = `${pathToFileURL(path.join(ROOT, TABLE))}?at=${Date.now()}`
  const code = `const m = await import(${JSON.stringify(url)}); console.log(JSON.stringify(Object.fromEntries(Object.values(m.environments).map((e) => [e.name, e.image]))))`
  const result = await exec(process.execPath, ['--input-type=module', '-e', code])
  if (!result.ok) throw new Error(`${TABLE} no longer loads: ${result.stderr.trim()}`)
  return JSON.parse(result.stdout)
}

async function step(title: string, command: string): Promise<void> {
  console.log(`- ${title}: ${command}`)
  const result = await exec('bash', ['-c', command], { cwd: ROOT })
  if (!result.ok) throw new Error(`${title} failed (${command}):\n${(result.stdout + result.stderr).trim().split('\n').slice(-15).join('\n')}`)
}

async function restore() {
  for (const change of await changedPaths()) {
    if (change.untracked) fs.rmSync(path.join(ROOT, change.path), { force: true })
    else await git('checkout', 'HEAD', '--', change.path)
  }
}

async function promote(args: PromoteArgs): Promise<void> {
  const { target, image } = plan(args)
  if (!isPinned(image)) {
    throw new Refusal(`${image} is not pinned: use a digest (@sha256:<64 hex>) or a git-SHA tag, so ${target.name} cannot change under the same reference`)
  }
  const old = target.image
  if (old === image) {
    console.log(`${target.name} already runs ${image}: nothing to promote`)
    return
  }
  const dirty = await changedPaths()
  if (dirty.length) throw new Refusal(`the working tree is not clean (${dirty.map((d) => d.path).slice(0, 5).join(', ')}): commit or stash first, so the promotion commit holds only the promotion`)

  const overlay = `overlays/${target.name}`
  try {
    const imagesPath = path.join(ROOT, IMAGES)
    fs.writeFileSync(imagesPath, editImages(fs.readFileSync(imagesPath, 'utf8'), target.name, image))
    const images = await imagesInTable()
    for (const env of Object.values(environments)) {
      const want = env.name === target.name ? image : env.image
      if (images[env.name] !== want) throw new Error(`after writing ${IMAGES}, ${TABLE} gives ${env.name} ${images[env.name]}, want ${want}`)
    }
    await step('render', SYNTH)
    await step('validate', VALIDATE)
    const changed = (await changedPaths()).map((c) => c.path)
    const stray = changed.filter((p) => p !== IMAGES && !p.startsWith(`${overlay}/`))
    if (stray.length) throw new Error(`rendering changed more than ${overlay}: ${stray.join(', ')}. The committed tree was stale: run npm run synth and commit that first`)
    if (!changed.some((p) => p.startsWith(`${overlay}/`))) throw new Error(`rendering did not change ${overlay}: does the renderer read the image from ${IMAGES}?`)
    await git('add', '--', IMAGES, overlay)
    await git('commit', '-q', '-m', `promote(${target.name}): ${old} -> ${image}`, '-m', `Rollback: git revert this commit.`, '--', IMAGES, overlay)
  } catch (error) {
    await restore()
    throw error
  }
  const sha = (await git('rev-parse', '--short', 'HEAD')).trim()
  console.log(`promoted ${target.name}: ${old} -> ${image} (commit ${sha})`)
  console.log(`next: git push${target.sync === 'manual' ? `, then sync ${target.name} in the Argo CD UI` : ` (Argo CD syncs ${target.name})`}`)
  console.log(`rollback: git revert ${sha} && git push`)
}

const OPTIONS = { boolean: ['help'], string: ['env', 'image', 'from', 'to'] }
const args = parseArgv(process.argv.slice(2), OPTIONS) as PromoteArgs
const unknown = Object.keys(args).filter((k) => ![...OPTIONS.boolean, ...OPTIONS.string, '_'].includes(k))
try {
  if (args.help) console.log(USAGE)
  else if (unknown.length || args._.length) throw new Refusal(`unknown argument ${unknown.map((k) => `--${k}`).concat(args._).join(' ')}`)
  else await promote(args)
} catch (error) {
  console.error(`✖ ${error instanceof Refusal ? 'refused: ' : ''}${messageOf(error)}`)
  if (error instanceof Refusal) console.error(`\n${USAGE}`)
  process.exit(1)
}
