// The Dockerfile's promises that can be read without building it (FR-19..21, FR-46): a pinned Node LTS base,
// a multi-stage build whose runtime stage gets only pruned dependencies and compiled code, a numeric non-root
// USER, WORKDIR /app, EXPOSE 8000, a HEALTHCHECK that needs no curl, and a build context that can carry
// nothing secret or dev-only. Building and running it: npm run test:image (scripts/test-image.mjs).
import t from 'tap'
import fs from 'node:fs'
import path from 'node:path'
import { execFileSync } from 'node:child_process'
import {
  parseDockerfile,
  stageChain,
  splitFlags,
  execForm,
  parseDockerignore,
  isIgnored,
  type Stage,
} from '../../scripts/image/dockerfile.ts'

const ROOT = path.resolve(import.meta.dirname, '../..')
const dockerfile = parseDockerfile(fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8'))
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'))
const ignoreRules = parseDockerignore(fs.readFileSync(path.join(ROOT, '.dockerignore'), 'utf8'))


const runtime: Stage = dockerfile.stages.at(-1)!
const stageNamed = (name: string) => dockerfile.stages.find((s) => s.name === name)
const all = (stage: Stage, keyword: string) => stage.instructions.filter((i) => i.keyword === keyword)
const last = (stage: Stage, keyword: string) => all(stage, keyword).at(-1)
const runs = (stage: Stage) => stageChain(stage).flatMap((s) => all(s, 'RUN').map((i) => i.args))

/** Seconds of a Docker duration such as `3s`, `1m30s`, `500ms`. */
function seconds(duration: string): number {
  let total = 0
  for (const [, n, unit] of duration.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
    total += Number(n) * { ms: 0.001, s: 1, m: 60, h: 3600 }[unit as 'ms' | 's' | 'm' | 'h']
  }
  return total
}

t.test('the base is a Node LTS image pinned to an exact version, the same for every stage', async (t) => {
  const base = dockerfile.args.NODE_IMAGE
  t.ok(base, 'ARG NODE_IMAGE declares the base before the first FROM')
  const m = /^node:(\d+)\.(\d+)\.(\d+)-(bookworm-slim|bookworm|alpine3\.\d+)(@sha256:[0-9a-f]{64})?$/.exec(base ?? '')
  t.ok(m, `${base} names an exact node:X.Y.Z-<slim|alpine> tag (never latest or a floating major)`)
  const major = Number(m?.[1])
  t.equal(major % 2, 0, 'an even Node major: an LTS line')
  t.equal(major, Number(pkg.devDependencies.node.split('.')[0]), 'the same Node major the project develops and tests on')
  t.ok(dockerfile.stages.length >= 2, 'multi-stage')
  for (const stage of dockerfile.stages) {
    t.ok(stage.image === base || stage.parent !== null, `stage ${stage.name} starts FROM the pinned base or an earlier stage`)
  }
  t.equal(runtime.image, base, 'the runtime stage starts from the clean base, not from a build stage')
})

t.test('dependencies are installed from the lockfile before any source is copied (cached layer)', async (t) => {
  const isCi = (i: { keyword: string; args: string }) => i.keyword === 'RUN' && /\bnpm ci\b/.test(i.args)
  const deps = dockerfile.stages.find((s) => s.instructions.some(isCi))
  t.ok(deps, 'a stage runs npm ci (exactly the lockfile)')
  if (!deps) return
  const ciIndex = deps.instructions.findIndex(isCi)
  const copiedBefore = deps.instructions
    .slice(0, ciIndex)
    .filter((i) => i.keyword === 'COPY')
    .flatMap((i) => splitFlags(i.args).words.slice(0, -1))
  t.same(copiedBefore.sort(), ['package-lock.json', 'package.json'], 'only package.json and the lockfile precede npm ci')
  for (const stage of stageChain(deps)) {
    t.notOk(all(stage, 'ADD').length, `stage ${stage.name} uses no ADD`)
  }
})

t.test('the runtime stage gets pruned dependencies, compiled code and the chat page bundle, nothing else from the build', async (t) => {
  const copies = all(runtime, 'COPY').map((i) => splitFlags(i.args))
  const fromStage = (dir: string) => copies.find((c) => c.words[0].endsWith(dir))
  const modules = fromStage('/node_modules')
  const dist = fromStage('/build/dist')
  const web = fromStage('/web/dist')
  t.ok(modules?.flags.from, 'node_modules comes from a build stage')
  t.ok(dist?.flags.from, 'dist comes from a build stage')
  const modulesStage = stageNamed(String(modules?.flags.from))
  const distStage = stageNamed(String(dist?.flags.from))
  t.ok(modulesStage && runs(modulesStage).some((r) => /\bnpm (prune|ci)\b.*--omit=dev/.test(r)), 'that node_modules had dev dependencies pruned')
  t.ok(distStage && runs(distStage).some((r) => /\bnpm run build\b/.test(r)), 'dist is compiled by npm run build')
  t.match(pkg.scripts.build, /^node src\/build\.ts$/, 'npm run build is the esbuild bundle of the service')
  t.ok(web?.flags.from, 'web/dist (the chat page) comes from a build stage')
  t.equal(web?.words.at(-1), './web/dist', 'next to dist/, where src/plugins/web-page.ts looks for it')
  const webStage = stageNamed(String(web?.flags.from))
  t.ok(webStage && runs(webStage).some((r) => /\bnpm run build:web\b/.test(r)), 'web/dist is bundled by npm run build:web')
  t.match(pkg.scripts['build:web'], /^node web\/build\.ts$/, 'npm run build:web is the esbuild script')
  for (const c of copies.filter((c) => !c.flags.from)) {
    t.same(c.words.slice(0, -1), ['package.json'], `only package.json comes from the context (${c.words.join(' ')})`)
  }
  t.notOk(all(runtime, 'ADD').length, 'no ADD in the runtime stage')
  t.notOk(runs(runtime).some((r) => /\bnpm (ci|install)\b/.test(r)), 'the runtime stage installs nothing')
})

t.test('the runtime runs as a numeric non-root user in /app on port 8000', async (t) => {
  const user = last(runtime, 'USER')?.args
  t.match(user, /^\d+(:\d+)?$/, 'USER is numeric (runAsNonRoot can verify it without /etc/passwd)')
  t.equal(user, '1000:1000', 'UID and GID 1000')
  const userIndex = runtime.instructions.findIndex((i) => i.keyword === 'USER')
  t.notOk(
    runtime.instructions.slice(userIndex).some((i) => i.keyword === 'RUN'),
    'nothing runs after USER (so nothing is left half-owned by root)',
  )
  t.equal(last(runtime, 'WORKDIR')?.args, '/app', 'WORKDIR /app')
  t.same(all(runtime, 'EXPOSE').map((i) => i.args), ['8000'], 'EXPOSE 8000, nothing else')
  const env = all(runtime, 'ENV').map((i) => i.args).join(' ')
  t.match(env, /\bSTORAGE_PATH=\/data\/todo\.db\b/, 'the store lives on /data')
  t.match(env, /\bPORT=8000\b/, 'PORT=8000')
  t.match(env, /\bNODE_ENV=production\b/, 'NODE_ENV=production')
  t.ok(runs(runtime).some((r) => /chown 1000:1000 \/data\b/.test(r)), '/data is created writable for UID 1000')
  // start:dist is `[VAR=value …] node [flags] dist/server.js`: the variables are the runtime stage's ENV, the rest
  // its ENTRYPOINT + CMD. With the heap sizes in it (docs/performance.md "Where the memory is"), `npm start` (the
  // TypeScript sources) must carry the same node flags: one heap configuration everywhere. The malloc variable is
  // glibc's, for the Linux image and start:dist only: `npm start` stays a plain command on any OS.
  const split = (script: string) => {
    const words = pkg.scripts[script].split(' ')
    const vars = words.filter((word: string) => /^[A-Z_]+=/.test(word))
    return { vars, command: words.slice(vars.length), flags: words.slice(vars.length).filter((word: string) => word.startsWith('--')) }
  }
  const dist = split('start:dist')
  const command = [...(execForm(last(runtime, 'ENTRYPOINT')?.args ?? '[]') ?? []), ...(execForm(last(runtime, 'CMD')?.args ?? '[]') ?? [])]
  t.same(command, dist.command, 'the process is `npm run start:dist` without npm (exec form: node is PID 1 and gets SIGTERM)')
  for (const assignment of dist.vars) t.match(env, new RegExp(`(^|\\s)${assignment}(\\s|$)`), `the image sets ${assignment}, as start:dist does`)
  t.ok(dist.flags.some((flag: string) => flag.startsWith('--max-old-space-size=')), 'the old generation is sized explicitly, not from the machine')
  t.ok(dist.flags.some((flag: string) => flag.startsWith('--max-semi-space-size=')), 'and the young generation')
  t.same(split('start').vars, [], 'npm start sets no environment variable (a plain command on any OS)')
  t.same(split('start').flags, dist.flags, 'npm start runs with the same node flags as the image')
})

t.test('HEALTHCHECK asks /health with node itself: no curl, no shell', async (t) => {
  const hc = last(runtime, 'HEALTHCHECK')
  t.ok(hc, 'the runtime stage has a HEALTHCHECK')
  const { flags, words } = splitFlags(hc?.args ?? '')
  t.equal(words[0], 'CMD', 'HEALTHCHECK CMD (not NONE)')
  const argv = execForm(words.slice(1).join(' '))
  t.ok(argv, 'exec form (works without /bin/sh)')
  t.equal(argv?.[0], 'node', 'runs node')
  t.match(argv?.join(' '), /\/health\b/, 'asks /health')
  t.notMatch(argv?.join(' '), /\b(curl|wget)\b/, 'no curl or wget')
  t.ok(seconds(String(flags.timeout)) <= 3, `--timeout=${flags.timeout} is at most 3 s (FR-21)`)
  t.ok(seconds(String(flags['start-period'])) > 0, 'a start period')
  t.ok(Number(flags.retries) >= 1, 'a number of retries')
})

t.test('no secret in the Dockerfile; the optional npm_ca build secret changes nothing when absent', async (t) => {
  for (const stage of dockerfile.stages) {
    for (const i of [...all(stage, 'ENV'), ...all(stage, 'ARG'), ...all(stage, 'LABEL')]) {
      t.notMatch(i.args, /(SECRET|TOKEN|PASSWORD|API_KEY|PRIVATE)\w*=/i, `${stage.name}: ${i.keyword} ${i.args} holds no credential`)
    }
  }
  const install = dockerfile.stages.flatMap((s) => all(s, 'RUN')).find((i) => /\bnpm ci\b/.test(i.args))
  t.match(install?.args, /--mount=type=secret,id=npm_ca\b/, 'the extra CA arrives as a build secret (never stored in a layer)')
  t.match(install?.args, /if \[ -f \/run\/secrets\/npm_ca \]; then export NODE_EXTRA_CA_CERTS=\/run\/secrets\/npm_ca; fi/, 'and is used only when given')
})

t.test('.dockerignore lets in only what the build copies', async (t) => {
  const allowed = (p: string) =>
    ['package.json', 'package-lock.json', 'tsconfig.json'].includes(p) ||
    (p.startsWith('src/') && !/\.test\.(ts|mjs)$/.test(p)) ||
    (p.startsWith('web/') && !p.startsWith('web/dist') && !/\.test\.(ts|mjs)$/.test(p))

  const mustStayOut = [
    '.git/HEAD', '.git/config', '.gitignore', 'node_modules/fastify/package.json', 'node_modules/.bin/node',
    'dist/server.js', '.env', '.env.local', '.env.production', 'src/.env', '.secrets/sealing-key.pem',
    'sealed-secrets/prod/todo-app-secrets.yaml', 'test/store/file-store.test.ts', 'src/store/file-store.test.ts',
    'src/certs/tls.key', 'docs/image.md', 'README.md', 'bench/run.ts', 'gen/main.ts', 'base/deployment.yaml',
    'overlays/prod/kustomization.yaml', 'argocd/root.yaml', 'scripts/test-image.mjs', '.ci/run', '.tmp/test.tap',
    'coverage/index.html', '.tap/report.json', 'Dockerfile', 'data/todo.db', 'data/tasks.json',
    'web/dist/index.html', 'web/dist/assets/main-ABCD1234.js', 'web/dist.tmp-42/index.html', 'test/web/chat-page.test.ts',
  ]
  for (const p of mustStayOut) t.ok(isIgnored(ignoreRules, p), `${p} stays out of the build context`)

  const mustGoIn = [
    'package.json', 'package-lock.json', 'tsconfig.json', 'src/server.ts', 'src/build.ts', 'src/routes/health.ts',
    'web/build.ts', 'web/src/main.ts', 'web/src/index.html',
  ]
  for (const p of mustGoIn) t.notOk(isIgnored(ignoreRules, p), `${p} is in the build context`)

  // Every COPY from the context must find its files there.
  for (const stage of dockerfile.stages) {
    for (const c of all(stage, 'COPY').map((i) => splitFlags(i.args)).filter((c) => !c.flags.from)) {
      for (const source of c.words.slice(0, -1)) {
        t.notOk(isIgnored(ignoreRules, source.replace(/\/$/, '')), `COPY ${source} (stage ${stage.name}) is in the context`)
      }
    }
  }

  // And the real tree: everything git knows or would pick up, filtered as the build would.
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
  const leaked = files.filter((p) => !isIgnored(ignoreRules, p) && !allowed(p))
  t.same(leaked, [], 'no file of this repository outside the allowlist reaches the build context')
})

t.test('the .dockerignore reader follows Docker: last match wins, directories cover their contents', async (t) => {
  const rules = parseDockerignore('# comment\n*\n!src/\nsrc/**/*.test.ts\n!src/keep.test.ts\n/docs\n')
  t.ok(isIgnored(rules, 'README.md'), '* covers the root')
  t.notOk(isIgnored(rules, 'src/a/b.ts'), 're-included directory')
  t.ok(isIgnored(rules, 'src/a/b.test.ts'), '** crosses directories')
  t.ok(isIgnored(rules, 'src/b.test.ts'), '** matches no directory too')
  t.notOk(isIgnored(rules, 'src/keep.test.ts'), 'a later ! wins')
  t.ok(isIgnored(rules, 'docs/x/y.md'), 'a leading / is the context root')
  t.notOk(isIgnored(parseDockerignore('*.md\n'), 'docs/a.md'), '* does not cross /')
  t.ok(isIgnored(parseDockerignore('?.md\n'), 'a.md'), '? is one character')
  t.notOk(isIgnored(parseDockerignore('?.md\n'), 'ab.md'), '? is only one character')
})
