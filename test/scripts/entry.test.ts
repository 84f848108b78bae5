// The operator scripts start the same three ways (node, npm run, zx) with the same arguments, and a Node.js
// older than package.json's engines gets one line naming the version needed. The plan printed by a dry run
// of the real bootstrap applies the Minikube root only.
import fs from 'node:fs'
import path from 'node:path'
import t from 'tap'
import { nodeTooOld, ownArguments } from '../../scripts/lib/entry.mjs'
import { makeFixture, REPO, runCommand, type RunResult } from './helpers/fixture.ts'
import { systemTool } from '../helpers/system-tool.ts'

/** The real rendered roots of every cluster (so "only the Minikube root" can fail) and what the bootstrap
 *  reads, copied into a fixture. */
function realTree(): Record<string, string> {
  const files: Record<string, string> = { '.gitignore': '.secrets/\n', '.dockerignore': fs.readFileSync(path.join(REPO, '.dockerignore'), 'utf8') }
  const roots = fs.readdirSync(path.join(REPO, 'argocd/clusters')).map((cluster) => `argocd/clusters/${cluster}`)
  for (const dir of [...roots, 'argocd/install', 'overlays/dev']) {
    for (const f of fs.readdirSync(path.join(REPO, dir))) files[`${dir}/${f}`] = fs.readFileSync(path.join(REPO, dir, f), 'utf8')
  }
  return files
}

function run(cmd: string, args: string[], cwd: string, env: Record<string, string | undefined> = {}): Promise<RunResult> {
  return runCommand(cmd, args, { cwd, env })
}

const node = process.execPath
const zxCli = path.join(REPO, 'node_modules', 'zx', 'build', 'cli.js')
// npm runs package.json scripts with node_modules/.bin first on PATH, where the project's Node.js is.
const forms = (npm: string | undefined) => [
  { name: 'node scripts/bootstrap-minikube.mjs', cmd: node, args: ['scripts/bootstrap-minikube.mjs', '--dry-run'] },
  { name: 'zx scripts/bootstrap-minikube.mjs', cmd: node, args: [zxCli, 'scripts/bootstrap-minikube.mjs', '--dry-run'] },
  ...(npm ? [{ name: 'npm run bootstrap --', cmd: npm, args: ['run', '--silent', 'bootstrap', '--', '--dry-run'] }] : []),
]

t.test('node, zx and npm run all print the same plan, which applies only the Minikube root', async (t) => {
  const npm = systemTool(t, { name: 'npm', why: 'the `npm run bootstrap -- --dry-run` form is', install: 'apt-get install npm' })
  const dir = makeFixture(t, realTree())
  const outputs: string[] = []
  for (const form of forms(npm)) {
    const r = await run(form.cmd, form.args, dir, { JWT_SECRET: undefined, OPENAI_API_KEY: undefined })
    t.equal(r.code, 0, `${form.name} exits 0 ${r.stderr}`)
    t.notMatch(r.stderr, /Unknown argument/, `${form.name}: its own path is not taken for an argument`)
    t.match(r.stdout, /Dry run: nothing was run/, `${form.name}: prints the plan`)
    const roots = [...r.stdout.matchAll(/apply -f - < (argocd\/\S+root-app\.yaml)/g)].map((m) => m[1])
    t.same(roots, ['argocd/clusters/minikube/root-app.yaml'], `${form.name}: applies the Minikube root and no other`)
    t.match(r.stdout, /apply --server-side --force-conflicts -k argocd\/install/, `${form.name}: Argo CD from argocd/install`)
    t.match(r.stdout, /no environment on minikube uses Sealed Secrets/, `${form.name}: no sealing-key steps on Minikube`)
    outputs.push(r.stdout.replace(dir, '<dir>'))
  }
  t.ok(outputs.every((o) => o === outputs[0]), 'the same plan every way')
})

t.test('every script takes its arguments the same three ways (seal, promote)', async (t) => {
  const dir = makeFixture(t, realTree())
  for (const [script, flag, expected] of [['seal-secret', '--help', /Usage \(npm run seal/], ['promote', '--help', /Usage \(npm run promote/]] as const) {
    for (const args of [[`scripts/${script}.mjs`, flag], [zxCli, `scripts/${script}.mjs`, flag]]) {
      const r = await run(node, args, dir)
      t.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`)
      t.match(r.stdout, expected)
    }
  }
})

t.test('a Node.js older than package.json\'s engines gets one line naming the version needed', async (t) => {
  const dir = makeFixture(t, realTree())
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'))
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ ...pkg, engines: { node: '>=99.1' } }))
  for (const script of ['bootstrap-minikube', 'seal-secret', 'promote']) {
    const r = await run(node, [`scripts/${script}.mjs`, '--help'], dir)
    t.equal(r.code, 1, script)
    t.equal(r.stdout, '', `${script}: nothing else runs`)
    const lines = r.stderr.trim().split('\n')
    t.equal(lines.length, 1, `${script}: one line`)
    t.match(lines[0], new RegExp(`scripts/${script}\\.mjs needs Node\\.js 99\\.1\\.0 or newer .*this is Node\\.js ${process.versions.node.replaceAll('.', '\\.')}`))
    t.notMatch(r.stderr, /ERR_UNKNOWN_FILE_EXTENSION/)
  }
})

t.test('with a real older Node.js (the system one, when it is older)', async (t) => {
  const system = '/usr/bin/node'
  const version = fs.existsSync(system) ? (await run(system, ['--version'], REPO)).stdout.trim().slice(1) : undefined
  const engines: string = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')).engines.node
  const minimum = version === undefined ? undefined : nodeTooOld(engines, version)
  if (!version || !minimum) {
    t.comment(`skipped: no Node.js outside ${engines} at ${system}`)
    t.pass('nothing to run it with')
    return
  }
  const dir = makeFixture(t, realTree())
  const r = await run(system, ['scripts/bootstrap-minikube.mjs', '--dry-run'], dir)
  t.equal(r.code, 1)
  t.match(r.stderr, new RegExp(`needs Node\\.js ${minimum.replaceAll('.', '\\.')} or newer.*this is Node\\.js ${version.replaceAll('.', '\\.')}`))
  t.notMatch(r.stderr, /ERR_UNKNOWN_FILE_EXTENSION/, 'not the loader\'s error')
})

t.test('the pieces', async (t) => {
  t.equal(nodeTooOld('>=22.18', '20.20.2'), '22.18.0')
  t.equal(nodeTooOld('>=22.18', '22.18.0'), undefined)
  t.equal(nodeTooOld('>=22.18', '23.0.0'), undefined)
  t.equal(nodeTooOld('^22.18', '24.1.0'), '22.18.0', 'any semver range, as npm reads engines')
  t.equal(nodeTooOld(undefined, '20.0.0'), undefined, 'no engines: nothing to check')
  const self = path.join(REPO, 'scripts', 'promote.mjs')
  t.same(ownArguments(self, ['node', self, '--a']), ['--a'], 'node')
  t.same(ownArguments(self, ['node', '/x/zx/build/cli.js', '--quiet', 'scripts/promote.mjs', '--a'].map((a) => (a === 'scripts/promote.mjs' ? path.relative(process.cwd(), self) : a))), ['--a'], 'zx, with its own flags before the script')
})
