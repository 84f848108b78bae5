// scripts/bootstrap-minikube.mjs against stub minikube/kubectl/docker/git: the order of the commands, their
// flags, the idempotent second run, --dry-run (which applies only the Minikube root), local-clone mode with the
// daemon's bind checked, repository credentials for a private repository, the in-cluster reachability check,
// sealing-key restore (for a root that has the controller), the dev namespace's labels and the failure messages.
import fs from 'node:fs'
import path from 'node:path'
import t from 'tap'
import YAML from 'yaml'
import { argocd, environments, repository } from '../../gen/environments.ts'
import { makeStubs, line, type Rule, type Call } from './helpers/stubs.ts'
import { REPO, makeFixture, runScript } from './helpers/fixture.ts'

const ss = argocd.sealedSecrets
const R = 'argocd/clusters/minikube'
// The rendered argocd-cm settings, as committed: "installed" means the live argocd-cm holds every one of them.
const ARGOCD_CM = fs.readFileSync(path.join(REPO, 'argocd', 'install', 'argocd-cm.yaml'), 'utf8')
const argoSettings: Record<string, string> = YAML.parse(ARGOCD_CM).data
// The rendered dev Namespace, as committed: the bootstrap takes its labels from this file.
const DEV_NAMESPACE = fs.readFileSync(path.join(REPO, 'overlays', 'dev', 'namespace.yaml'), 'utf8')
const devLabels: Record<string, string> = YAML.parse(DEV_NAMESPACE).metadata.labels
const ARGO_TREE = {
  [`${R}/kustomization.yaml`]: YAML.stringify({ resources: ['project.yaml', 'applications.yaml'] }),
  [`${R}/project.yaml`]: YAML.stringify({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AppProject',
    metadata: { name: argocd.project, namespace: argocd.namespace },
    spec: { sourceRepos: [repository.url, ss.chartRepo] },
  }),
  // A root with the Sealed Secrets controller, so the sealing-key steps run (the real Minikube root has none).
  [`${R}/applications.yaml`]: [
    ...Object.values(environments).map((env) => ({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: `todo-app-${env.name}`, namespace: argocd.namespace },
      spec: { project: argocd.project, source: { repoURL: repository.url, targetRevision: repository.targetRevision, path: `overlays/${env.name}` } },
    })),
    {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'sealed-secrets', namespace: argocd.namespace },
      spec: { project: argocd.project, source: { repoURL: ss.chartRepo, chart: ss.chart, targetRevision: ss.version } },
    },
  ].map((o) => YAML.stringify(o)).join('---\n'),
  [`${R}/root-app.yaml`]: YAML.stringify({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: 'todo-app-root', namespace: argocd.namespace },
    spec: { project: argocd.project, source: { repoURL: repository.url, targetRevision: repository.targetRevision, path: R } },
  }),
  'overlays/dev/namespace.yaml': DEV_NAMESPACE,
  'argocd/install/argocd-cm.yaml': ARGOCD_CM,
  '.gitignore': '.secrets/\n',
  // An allowlist, like the real one: everything out, then the build inputs back in.
  '.dockerignore': '*\n!package.json\n!src/\n',
}

const FAKE_KEY = {
  metadata: { name: 'sealed-secrets-keyabc12', namespace: 'kube-system', labels: { 'sealedsecrets.bitnami.com/sealed-secrets-key': 'active' } },
  type: 'kubernetes.io/tls',
  data: { 'tls.crt': Buffer.from('test-cert-not-real').toString('base64'), 'tls.key': Buffer.from('test-key-not-real').toString('base64') },
}

/** Tools that are installed and new enough, and a repository remote that answers. */
const healthyTools: Rule[] = [
  { match: '^minikube version', stdout: 'v1.34.0\n' },
  { match: '^kubectl version --client', stdout: JSON.stringify({ clientVersion: { gitVersion: 'v1.32.3' } }) },
  { match: '^docker --version', stdout: 'Docker version 27.3.1, build ce12230\n' },
  { match: '^git --version', stdout: 'git version 2.39.5\n' },
  { match: '^git -C .* remote get-url origin', stdout: `${repository.url}\n` },
  { match: '^git ls-remote', stdout: 'abc123\trefs/heads/main\n' },
  { match: '^git -C .* check-ignore', code: 0 },
  { match: 'docker-env', stdout: 'export DOCKER_TLS_VERIFY="1"\nexport DOCKER_HOST="tcp://192.168.49.2:2376"\n' },
  { match: '^minikube -p todo-app-dev ip', stdout: '192.168.49.2\n' },
  // Argo CD's repo server read the repository: the root has a revision.
  { match: 'get application todo-app-root -o json', stdout: JSON.stringify({ status: { sync: { status: 'Synced', revision: 'abc123def4567890' } } }) },
  // The Applications the bootstrap waits for exist, and kubectl wait sees them Synced, then Healthy.
  { match: 'get application/\\S+ -o name', stdout: 'application.argoproj.io/x\n' },
  { match: ' wait --for=jsonpath=', stdout: 'condition met\n' },
  { match: 'rollout status', stdout: 'successfully rolled out\n' },
]

/** A machine where nothing has been set up yet. */
const freshCluster: Rule[] = [
  ...healthyTools,
  { match: '^minikube status', code: 85, stdout: '* Profile "todo-app-dev" not found.\n' },
  { match: '^minikube addons list', stdout: JSON.stringify({ ingress: { Status: 'disabled' }, 'storage-provisioner': { Status: 'enabled' }, 'metrics-server': { Status: 'enabled' } }) },
  { match: '^docker image inspect', responses: [{ code: 1, stderr: 'Error: No such image' }, { stdout: 'sha256:1111111111111111111111\n' }] },
  { match: 'get deployment argocd-server', code: 1, stderr: 'Error from server (NotFound)' },
  { match: 'get namespace', code: 1, stderr: 'Error from server (NotFound)' },
  { match: 'get secret todo-app-secrets', code: 1, stderr: 'Error from server (NotFound)' },
  { match: 'get secret -l sealedsecrets', stdout: JSON.stringify({ items: [FAKE_KEY] }) },
  { match: 'get deployment todo-app-deployment', code: 1 },
  { match: 'apply -f -', stdout: 'created\n' },
]

/** The same machine after a successful run: everything is in place. `secretData` is what the first run applied. */
const readyCluster = (secretData: Record<string, string>): Rule[] => [
  ...healthyTools,
  { match: '^minikube status', stdout: JSON.stringify({ Name: 'todo-app-dev', Host: 'Running', Kubelet: 'Running', APIServer: 'Running' }) },
  { match: '^minikube addons list', stdout: JSON.stringify({ ingress: { Status: 'enabled' }, 'storage-provisioner': { Status: 'enabled' }, 'metrics-server': { Status: 'enabled' } }) },
  { match: '^docker image inspect', stdout: 'sha256:1111111111111111111111\n' },
  { match: 'get deployment argocd-server', stdout: 'quay.io/argoproj/argocd:v3.5.1' },
  { match: 'get configmap argocd-cm', stdout: JSON.stringify({ data: { ...argoSettings, 'url': 'https://argocd.example.invalid' } }) },
  { match: 'get namespace todo-app -o json', stdout: JSON.stringify({ metadata: { name: 'todo-app', labels: { ...devLabels, 'kubernetes.io/metadata.name': 'todo-app' } } }) },
  { match: 'get namespace', stdout: 'namespace/x\n' },
  { match: 'get secret todo-app-secrets', stdout: JSON.stringify({ data: secretData }) },
  { match: 'get secret -l sealedsecrets', stdout: JSON.stringify({ items: [FAKE_KEY] }) },
  { match: 'get deployment todo-app-deployment', stdout: 'deployment.apps/todo-app-deployment\n' },
  { match: 'apply -f -', stdout: 'application.argoproj.io/todo-app-root unchanged\n' },
]

const cleanEnv = { JWT_SECRET: undefined, OPENAI_API_KEY: undefined, BOOTSTRAP_POLL_SECONDS: '0.01' }

function setup(t: { teardown(fn: () => void): void }, tools = ['minikube', 'kubectl', 'docker', 'git'], files: Record<string, string> = ARGO_TREE) {
  const repo = makeFixture(t, files)
  const stubs = makeStubs(t, tools)
  const run = (args: string[] = [], env: Record<string, string | undefined> = {}) =>
    runScript(path.join(repo, 'scripts', 'bootstrap-minikube.mjs'), args, { ...cleanEnv, ...env, PATH: stubs.path })
  return { repo, stubs, run }
}

const indexOf = (calls: Call[], pattern: RegExp) => calls.findIndex((c) => pattern.test(line(c)))

t.test('a fresh machine: every step in order, then a second run changes nothing', async (t) => {
  const { repo, stubs, run } = setup(t)
  stubs.setRules(freshCluster)
  const first = await run()
  t.equal(first.code, 0, first.stderr)
  const calls = stubs.calls()

  const order = [
    /^minikube start -p todo-app-dev --cpus=2 --memory=6144 --disk-size=20g --driver=docker --kubernetes-version=v1\.28\.0 --addons=ingress,storage-provisioner,metrics-server$/,
    /^minikube addons enable ingress -p todo-app-dev$/,
    /^docker build -t todo-app:3\.0\.0-dev \.$/,
    /^kubectl --context todo-app-dev create namespace argocd$/,
    /^kubectl --context todo-app-dev apply --server-side --force-conflicts -k argocd\/install$/,
    /rollout status statefulset\/argocd-application-controller/,
    /^kubectl --context todo-app-dev get namespace todo-app -o json$/,
    /^kubectl --context todo-app-dev apply -f -$/, // the dev Namespace
    /^kubectl --context todo-app-dev apply -f -$/, // the dev Secret
    /^git ls-remote --exit-code https:\/\/github\.com\/evolution-of-todo\/todo-gitops\.git main$/,
    /apply -f -$/, // the root Application
    /get application todo-app-root -o json/, // Argo CD read the repository from inside the cluster
    /get application\/sealed-secrets -o name/, // the root created it
    /wait --for=jsonpath=\{\.status\.sync\.status\}=Synced application\/sealed-secrets --timeout=\d+s$/,
    /wait --for=jsonpath=\{\.status\.health\.status\}=Healthy application\/sealed-secrets --timeout=\d+s$/,
    /rollout status deployment\/sealed-secrets-controller/,
    /get secret -l sealedsecrets\.bitnami\.com\/sealed-secrets-key/,
    /wait --for=jsonpath=\{\.status\.sync\.status\}=Synced application\/todo-app-dev/,
    /wait --for=jsonpath=\{\.status\.health\.status\}=Healthy application\/todo-app-dev/,
  ]
  let at = -1
  for (const pattern of order) {
    const next = calls.findIndex((c, i) => i > at && pattern.test(line(c)))
    t.ok(next > at, `${pattern} comes next`)
    at = next
  }
  t.notOk(calls.some((c) => /addons enable (storage-provisioner|metrics-server)/.test(line(c))), 'enabled addons are left alone')
  t.ok(calls.filter((c) => c.cmd === 'kubectl' && c.args[0] !== 'version').every((c) => c.args[0] === '--context' && c.args[1] === 'todo-app-dev'), 'kubectl never touches another context')
  t.ok(calls.filter((c) => / apply /.test(line(c)) && c.args.includes('argocd/install')).every((c) => c.args.includes('--server-side')), 'Argo CD only by server-side apply')
  t.notOk(calls.some((c) => c.args.includes('patch') && c.args.includes('argocd-cm')), 'argocd-cm is never patched: it comes with argocd/install')
  const build = calls.find((c) => c.cmd === 'docker' && c.args[0] === 'build')!
  t.equal(build.env.DOCKER_BUILDKIT, '1', 'BuildKit is on for the image build (RUN --mount=type=secret)')

  // The dev namespace exists, with the rendered overlay's Pod Security labels, before the Secret goes in.
  const applies = calls.filter((c) => /apply -f -$/.test(line(c)))
  const kinds = applies.map((c) => YAML.parse(c.stdin!).kind)
  t.same(kinds, ['Namespace', 'Secret', 'Application'], 'namespace, then Secret, then the root app')
  const namespace = YAML.parse(applies[0].stdin!)
  t.same(namespace.metadata, { name: 'todo-app', labels: devLabels }, 'the labels of overlays/dev/namespace.yaml')
  t.equal(namespace.metadata.labels['pod-security.kubernetes.io/enforce'], 'restricted')
  t.notOk(calls.some((c) => /create namespace todo-app/.test(line(c))), 'not created without its labels')
  t.match(first.stdout, /namespace todo-app created \(Pod Security: restricted\)/)

  // The dev Secret goes through stdin; nothing of it on argv or in the output.
  const secret = YAML.parse(applies[1].stdin!)
  t.equal(secret.kind, 'Secret')
  t.same([secret.metadata.name, secret.metadata.namespace], ['todo-app-secrets', 'todo-app'])
  const jwt = Buffer.from(secret.data['jwt-secret'], 'base64').toString()
  t.ok(jwt.length >= 32, 'a random JWT secret was generated')
  t.equal(secret.data['openai-api-key'], '', 'no OpenAI key given: empty')
  t.notOk(calls.some((c) => c.args.some((a) => a.includes(jwt))), 'the JWT secret is on no command line')
  t.notOk(first.stdout.includes(jwt) || first.stderr.includes(jwt), 'nor in the output')
  const root = YAML.parse(applies[2].stdin!)
  t.same([root.kind, root.metadata.name, root.spec.source.repoURL], ['Application', 'todo-app-root', repository.url], 'the committed root app as is')

  // The sealing key is backed up, private, where git does not look.
  const backup = path.join(repo, '.secrets', 'todo-app-dev', 'sealing-keys.yaml')
  t.equal(fs.statSync(backup).mode & 0o777, 0o600)
  t.equal(YAML.parse(fs.readFileSync(backup, 'utf8')).metadata.name, 'sealed-secrets-keyabc12')

  t.match(first.stdout, /http:\/\/192\.168\.49\.2:30080\/health/, 'NodePort URL')
  t.match(first.stdout, /192\.168\.49\.2 todo-app\.local/, 'the /etc/hosts line')
  t.match(first.stdout, /port-forward service\/todo-app-service 8000:80/)
  t.match(first.stdout, /argocd-initial-admin-secret -o jsonpath='\{\.data\.password\}' \| base64 -d/)
  t.match(first.stdout, /Done: \d+ change\(s\) made/)

  // Second run against the cluster the first one left behind.
  stubs.reset()
  stubs.setRules(readyCluster(secret.data))
  const second = await run()
  t.equal(second.code, 0, second.stderr)
  t.match(second.stdout, /Nothing changed: the dev environment was already up to date/)
  const again = stubs.calls().map(line)
  for (const pattern of [/minikube start/, /addons enable/, /--server-side/, /create namespace/, /rollout restart/]) {
    t.notOk(again.some((l) => pattern.test(l)), `no ${pattern} on the second run`)
  }
  t.equal(again.filter((l) => /apply -f -$/.test(l)).length, 1, 'only the root app is re-applied (kubectl reports it unchanged)')
  t.match(second.stdout, /Secret todo-app\/todo-app-secrets is up to date/, 'the JWT secret is kept')
  t.match(second.stdout, /namespace todo-app has the labels of overlays\/dev\/namespace\.yaml/)
})

t.test('a dev namespace without the Pod Security labels (an older bootstrap) gets them', async (t) => {
  const { stubs, run } = setup(t)
  const data = { 'jwt-secret': Buffer.from('test-jwt-secret-not-real-0123456789').toString('base64'), 'openai-api-key': '' }
  stubs.setRules([
    { match: 'get namespace todo-app -o json', stdout: JSON.stringify({ metadata: { name: 'todo-app', labels: { 'kubernetes.io/metadata.name': 'todo-app' } } }) },
    ...readyCluster(data),
  ])
  const result = await run()
  t.equal(result.code, 0, result.stderr)
  const namespaces = stubs.calls().filter((c) => /apply -f -$/.test(line(c)) && YAML.parse(c.stdin!).kind === 'Namespace')
  t.equal(namespaces.length, 1, 'applied once')
  t.same(YAML.parse(namespaces[0].stdin!).metadata.labels, devLabels)
  t.match(result.stdout, /namespace todo-app labelled \(Pod Security: restricted\)/)
})

t.test('without a rendered dev Namespace the bootstrap stops at the prerequisites and says to render', async (t) => {
  const { 'overlays/dev/namespace.yaml': _, ...tree } = ARGO_TREE
  const { stubs, run } = setup(t, undefined, tree)
  stubs.setRules(freshCluster)
  const result = await run()
  t.equal(result.code, 1)
  t.match(result.stderr, /Step 1\/14 "Check prerequisites" failed/)
  t.match(result.stderr, /overlays\/dev\/namespace\.yaml has no Namespace todo-app: render the tree with `npm run synth`/)
  t.notOk(stubs.calls().some((c) => c.args.includes('start')), 'no cluster is started')
})

t.test('--dry-run prints every command in order and runs none', async (t) => {
  const { stubs, run } = setup(t)
  stubs.setRules(freshCluster)
  const result = await run(['--dry-run', '--cni', 'calico'])
  t.equal(result.code, 0, result.stderr)
  t.same(stubs.calls(), [], 'no command was run')
  const out = result.stdout
  const expected = [
    'minikube version --short',
    // zx's quoting: an argument with characters beyond [\w/.-@:=] is written $'…', which bash reads back as it was.
    "minikube start -p todo-app-dev --cpus=2 --memory=6144 --disk-size=20g --driver=docker --kubernetes-version=v1.28.0 $'--addons=ingress,storage-provisioner,metrics-server' --cni=calico",
    'minikube addons enable metrics-server -p todo-app-dev',
    'docker build -t todo-app:3.0.0-dev .    # with the environment of minikube -p todo-app-dev docker-env, DOCKER_BUILDKIT=1',
    'apply --server-side --force-conflicts -k argocd/install',
    'apply -f - < (Namespace todo-app with the labels of overlays/dev/namespace.yaml)',
    'apply -f - < (Secret todo-app/todo-app-secrets: jwt-secret, openai-api-key; values not shown)',
    'apply -f - < argocd/clusters/minikube/root-app.yaml',
    'get application todo-app-root -o json',
    'get application/sealed-secrets -o name',
    "wait $'--for=jsonpath={.status.sync.status}=Synced' application/sealed-secrets",
    "wait $'--for=jsonpath={.status.health.status}=Healthy' application/sealed-secrets",
    `wait $'--for=jsonpath={.status.sync.status}=Synced' application/todo-app-dev --timeout=${environments.dev.ollama!.firstStartSeconds}s`,
    `wait $'--for=jsonpath={.status.health.status}=Healthy' application/todo-app-dev --timeout=${environments.dev.ollama!.firstStartSeconds}s`,
  ]
  t.match(out, `Wait for the Sealed Secrets controller (chart ${ss.chart} ${ss.version})`, 'the pinned chart from the table')
  let at = -1
  for (const text of expected) {
    const next = out.indexOf(text, at + 1)
    t.ok(next > at, `prints "${text}" next`)
    at = next
  }
  t.match(out, /Dry run: nothing was run/)
})

t.test('prerequisites: one clear message per missing or old tool, and nothing else runs', async (t) => {
  const { stubs, run } = setup(t, ['minikube', 'kubectl', 'git'])
  stubs.setRules([{ match: '^minikube version', stdout: 'v1.30.1\n' }, ...freshCluster])
  const result = await run()
  t.equal(result.code, 1)
  t.match(result.stderr, /Step 1\/14 "Check prerequisites" failed/)
  t.match(result.stderr, /minikube 1\.30\.1 is too old \(need 1\.32\.0 or newer\)/)
  t.match(result.stderr, /docker is not installed \(need 24\.0\.0 or newer\)/)
  t.notMatch(result.stderr, /kubectl/, 'kubectl is fine, so it is not mentioned')
  t.match(result.stderr, /Next: install or upgrade the tools/)
  t.notOk(stubs.calls().some((c) => c.args.includes('start')), 'no cluster is started')
})

t.test('a JWT_SECRET shorter than the service accepts stops the run before anything runs', async (t) => {
  const { stubs, run } = setup(t)
  stubs.setRules(freshCluster)
  const result = await run([], { JWT_SECRET: 'short-test-secret' })
  t.equal(result.code, 2)
  t.match(result.stderr, /environment variable JWT_SECRET: the JWT secret \(JWT_SECRET, key jwt-secret\) is 17 bytes; it must be at least 32 bytes/)
  t.notMatch(result.stderr + result.stdout, /short-test-secret/, 'the value is not shown')
  t.same(stubs.calls(), [], 'no command ran')
})

t.test('a long enough JWT_SECRET is what the dev Secret gets', async (t) => {
  const { stubs, run } = setup(t)
  stubs.setRules(freshCluster)
  const secret = 'test-jwt-secret-not-real-'.padEnd(32, 'x')
  const result = await run([], { JWT_SECRET: secret })
  t.equal(result.code, 0, result.stderr)
  const applied = stubs.calls().filter((c) => /apply -f -/.test(line(c))).map((c) => c.stdin ?? '').find((text) => /kind: Secret\b/.test(text))
  t.ok(applied, 'the Secret was applied')
  t.equal(Buffer.from(YAML.parse(applied!).data['jwt-secret'], 'base64').toString('utf8'), secret, 'with the given JWT_SECRET')
})

t.test('a failing step is named with what to do next, and the run stops there', async (t) => {
  const { stubs, run } = setup(t)
  stubs.setRules([{ match: '--server-side', code: 1, stderr: 'error: unable to recognize "install.yaml": no matches\n' }, ...freshCluster])
  const result = await run()
  t.equal(result.code, 1)
  t.match(result.stderr, /Step 5\/14 "Install Argo CD v3\.5\.1 \(argocd\/install\)" failed/)
  t.match(result.stderr, /unable to recognize/)
  t.match(result.stderr, /Next: check access to raw\.githubusercontent\.com/)
  t.notOk(stubs.calls().some((c) => /get application/.test(line(c))), 'later steps did not run')
})

t.test('an Application that never becomes healthy fails with its status', async (t) => {
  const { stubs, run } = setup(t)
  stubs.setRules([
    { match: 'wait .*=Healthy application/todo-app-dev', code: 1, stderr: 'error: timed out waiting for the condition on applications/todo-app-dev\n' },
    { match: 'get application/todo-app-dev -o jsonpath=', stdout: 'OutOfSync Degraded' },
    ...freshCluster,
  ])
  const result = await run(['--timeout', '0.05'])
  t.equal(result.code, 1)
  t.match(result.stderr, /Step 14\/14 "Wait for the dev Application to be Synced and Healthy" failed/)
  t.match(result.stderr, /Application todo-app-dev is "OutOfSync Degraded"/)
})

t.test('an Application the root has not created yet is looked for again before kubectl wait watches it', async (t) => {
  const { stubs, run } = setup(t)
  const notFound = { code: 1, stderr: 'Error from server (NotFound): applications.argoproj.io "todo-app-dev" not found\n' }
  stubs.setRules([{ match: 'get application/todo-app-dev -o name', responses: [notFound, notFound, { stdout: 'application.argoproj.io/todo-app-dev\n' }] }, ...freshCluster])
  const result = await run()
  t.equal(result.code, 0, result.stderr)
  const calls = stubs.calls()
  t.equal(calls.filter((c) => /get application\/todo-app-dev -o name$/.test(line(c))).length, 3, 'asked until it exists')
  t.ok(indexOf(calls, /wait .*application\/todo-app-dev/) > calls.findLastIndex((c) => /get application\/todo-app-dev -o name$/.test(line(c))), 'then waited on')
  t.match(result.stdout, /Application todo-app-dev is Synced and Healthy/)
})

t.test('a recreated cluster with no reachable remote: the sealing key is restored, the clone is served by git daemon', async (t) => {
  const { repo, stubs, run } = setup(t)
  const backup = path.join(repo, '.secrets', 'todo-app-dev', 'sealing-keys.yaml')
  fs.mkdirSync(path.dirname(backup), { recursive: true })
  fs.writeFileSync(backup, YAML.stringify({ apiVersion: 'v1', kind: 'Secret', ...FAKE_KEY }), { mode: 0o600 })
  stubs.setRules([
    { match: 'get secret -l sealedsecrets', responses: [{ stdout: JSON.stringify({ items: [] }) }, { stdout: JSON.stringify({ items: [FAKE_KEY] }) }] },
    // The daemon answers on its address once it has bound; the remote does not answer at all.
    { match: '^git ls-remote --exit-code git://192\\.168\\.49\\.1:9418/ main', responses: [{ code: 128, stderr: 'fatal: unable to connect' }, { stdout: 'abc\trefs/heads/main\n' }] },
    { match: '^git ls-remote', code: 128, stderr: 'fatal: unable to access' },
    { match: 'ssh -- grep host.minikube.internal', stdout: '192.168.49.1\thost.minikube.internal\n' },
    ...freshCluster,
  ])
  const result = await run()
  t.equal(result.code, 0, result.stderr)
  const calls = stubs.calls()

  const restore = calls.findIndex((c) => /apply -f -$/.test(line(c)) && c.stdin?.includes('sealed-secrets-keyabc12'))
  t.ok(restore >= 0, 'the key is applied from the backup')
  t.ok(restore < indexOf(calls, /get application\/sealed-secrets/), 'before the controller is waited for')
  t.match(result.stdout, /restored 1 sealing key/)
  t.match(result.stdout, /sealing keys already backed up/)

  const daemon = calls.find((c) => c.cmd === 'git' && c.args[0] === 'daemon')!
  t.ok(daemon, 'git daemon started')
  t.ok(daemon.args.includes(`--base-path=${repo}`) && daemon.args.includes('--listen=192.168.49.1') && daemon.args.includes('--port=9418'))
  t.equal(daemon.args.at(-1), repo, 'only this clone is exported')
  t.ok(indexOf(calls, /^git daemon/) < indexOf(calls, /get application\/sealed-secrets/))

  const root = YAML.parse(calls.filter((c) => /apply -f -$/.test(line(c))).find((c) => c.stdin!.includes('kind: Application'))!.stdin!)
  const local = 'git://host.minikube.internal:9418/'
  t.equal(root.spec.source.repoURL, local)
  const patches = root.spec.source.kustomize.patches as { target: { kind: string; name: string }; patch: string }[]
  const apps = patches.filter((p) => p.target.kind === 'Application').map((p) => p.target.name).sort()
  t.same(apps, ['todo-app-dev', 'todo-app-prod', 'todo-app-staging'], 'the chart Application keeps its Helm repository')
  t.same(YAML.parse(patches.find((p) => p.target.name === 'todo-app-dev')!.patch), [{ op: 'replace', path: '/spec/source/repoURL', value: local }])
  const project = patches.find((p) => p.target.kind === 'AppProject')!
  t.same(YAML.parse(project.patch)[0].value, [local, ss.chartRepo])
})

t.test('a private repository: the token becomes an Argo CD repository Secret, through stdin only', async (t) => {
  const { stubs, run } = setup(t)
  stubs.setRules(freshCluster)
  const token = 'test-token-not-real-0123'
  const result = await run(['--repo-token-env', 'FORK_TOKEN', '--repo-username', 'me'], { FORK_TOKEN: token })
  t.equal(result.code, 0, result.stderr)
  const calls = stubs.calls()
  const applies = calls.filter((c) => /apply -f -$/.test(line(c))).map((c) => YAML.parse(c.stdin!))
  t.same(applies.map((o) => o.kind), ['Namespace', 'Secret', 'Secret', 'Application'], 'the repository Secret before the root')
  const repo = applies[2]
  t.same([repo.metadata.name, repo.metadata.namespace], ['repo-todo-gitops', 'argocd'])
  t.equal(repo.metadata.labels['argocd.argoproj.io/secret-type'], 'repository', 'labelled so Argo CD uses it')
  const data = Object.fromEntries(Object.entries(repo.data as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]))
  t.same(data, { type: 'git', url: repository.url, username: 'me', password: token })
  t.notOk(calls.some((c) => c.args.some((a) => a.includes(token))), 'the token is on no command line')
  t.notOk(result.stdout.includes(token) || result.stderr.includes(token), 'nor in the output')
  t.match(result.stdout, /repository credentials stored in argocd\/repo-todo-gitops \(token; never in git\)/)
})

t.test('a fork over ssh: the key is stored for the ssh URL', async (t) => {
  const { repo, stubs, run } = setup(t)
  const keyFile = path.join(repo, 'id_test')
  fs.writeFileSync(keyFile, 'test-ssh-key-not-real\n')
  stubs.setRules([{ match: '^git -C .* remote get-url origin', stdout: 'git@github.com:someone/todo-gitops.git\n' }, ...freshCluster])
  const result = await run(['--repo-ssh-key', keyFile])
  t.equal(result.code, 0, result.stderr)
  const secret = stubs.calls().filter((c) => /apply -f -$/.test(line(c))).map((c) => YAML.parse(c.stdin!)).find((o) => o.metadata.name === 'repo-todo-gitops')
  t.equal(Buffer.from(secret.data.url, 'base64').toString(), 'git@github.com:someone/todo-gitops.git', 'the ssh URL, not rewritten to https')
  t.equal(Buffer.from(secret.data.sshPrivateKey, 'base64').toString(), 'test-ssh-key-not-real\n')
  t.ok(stubs.calls().some((c) => line(c) === 'git ls-remote --exit-code git@github.com:someone/todo-gitops.git main'))
})

t.test('Argo CD cannot read the repository from inside the cluster: the step says so and what to pass', async (t) => {
  const { stubs, run } = setup(t)
  stubs.setRules([
    { match: 'get application todo-app-root -o json', stdout: JSON.stringify({ status: { conditions: [{ type: 'ComparisonError', message: 'rpc error: authentication required' }] } }) },
    ...freshCluster,
  ])
  const result = await run()
  t.equal(result.code, 1)
  t.match(result.stderr, /Step 11\/14 "Check that Argo CD reads the repository from inside the cluster" failed/)
  t.match(result.stderr, /Argo CD cannot read https:\/\/github\.com\/evolution-of-todo\/todo-gitops\.git from inside the cluster: rpc error: authentication required/)
  t.match(result.stderr, /--repo-token-env VAR \(https\) or --repo-ssh-key FILE \(ssh\)/)
  t.notOk(stubs.calls().some((c) => /application\/todo-app-dev/.test(line(c))), 'nothing is waited for after that')
})

t.test('Argo CD that has read nothing when the time is up: the step names the last condition it saw', async (t) => {
  const { stubs, run } = setup(t)
  const pending = JSON.stringify({ status: { conditions: [{ type: 'ComparisonError', message: 'rpc error: connection refused' }] } })
  stubs.setRules([{ match: 'get application todo-app-root -o json', stdout: pending }, ...freshCluster])
  const result = await run(['--timeout', '0.05'])
  t.equal(result.code, 1)
  t.match(result.stderr, /Argo CD has not read https:\/\/github\.com\/evolution-of-todo\/todo-gitops\.git after 0\.05s \(ComparisonError: rpc error: connection refused\)/)
  t.equal(stubs.calls().filter((c) => /get application todo-app-root -o json/.test(line(c))).length, 5, 'asked once per poll: 0.05 s at 0.01 s')
})

t.test('an image build context that would take the sealing-key backup along is refused, as Docker reads .dockerignore', async (t) => {
  for (const [dockerignore, why] of [['node_modules\n', 'not listed'], ['*\n!src/\n!.secrets/\n', 're-included by a later !'], ['.secrets/*.yaml\n', 'a pattern that misses the profile directory']]) {
    const { stubs, run } = setup(t, undefined, { ...ARGO_TREE, '.dockerignore': dockerignore })
    stubs.setRules(freshCluster)
    const result = await run()
    t.equal(result.code, 1, why)
    t.match(result.stderr, /Step 4\/14 .* failed:\n {2}\.dockerignore does not keep \.secrets\/ .*out of the build context/, why)
    t.notOk(stubs.calls().some((c) => c.cmd === 'docker' && c.args[0] === 'build'), `${why}: nothing is built`)
  }
  for (const dockerignore of ['.secrets\n', '*\n!src/\n', '**/.secrets\n']) {
    const { stubs, run } = setup(t, undefined, { ...ARGO_TREE, '.dockerignore': dockerignore })
    stubs.setRules(freshCluster)
    t.equal((await run()).code, 0, `${JSON.stringify(dockerignore)} keeps it out`)
  }
})

t.test('git daemon that never binds fails loudly', async (t) => {
  const { stubs, run } = setup(t)
  stubs.setRules([
    { match: 'ssh -- grep host.minikube.internal', stdout: '192.168.49.1\thost.minikube.internal\n' },
    { match: '^git ls-remote', code: 128, stderr: 'fatal: unable to connect to 192.168.49.1' },
    ...freshCluster,
  ])
  const result = await run(['--local'])
  t.equal(result.code, 1)
  t.match(result.stderr, /Step 8\/14 "Choose the repository Argo CD reads" failed/)
  t.match(result.stderr, /git daemon did not answer on 192\.168\.49\.1:9418/)
  t.notOk(stubs.calls().some((c) => /apply -f -$/.test(line(c)) && c.stdin?.includes('kind: Application')), 'no root pointing at a daemon that is not there')
})

t.test('bad credential options stop the run before anything runs', async (t) => {
  const { stubs, run } = setup(t)
  stubs.setRules(freshCluster)
  const unset = await run(['--repo-token-env', 'NOT_SET_ANYWHERE'])
  t.equal(unset.code, 2)
  t.match(unset.stderr, /--repo-token-env NOT_SET_ANYWHERE: that environment variable is empty or unset/)
  const both = await run(['--repo-token-env', 'X', '--repo-ssh-key', 'y'], { X: 'test-value' })
  t.equal(both.code, 2)
  t.match(both.stderr, /exclude each other/)
  t.same(stubs.calls(), [], 'no command ran')
})

t.test('--rotate-jwt: a new dev key, the old one kept as jwt-secret-previous, the pods restarted', async (t) => {
  const { stubs, run } = setup(t)
  const old = 'test-jwt-secret-not-real-0123456789'
  const data = { 'jwt-secret': Buffer.from(old).toString('base64'), 'openai-api-key': '' }
  stubs.setRules([{ match: 'apply -f -', stdout: 'secret/todo-app-secrets configured\n' }, ...readyCluster(data)])
  const result = await run(['--rotate-jwt'])
  t.equal(result.code, 0, result.stderr)
  const calls = stubs.calls()
  const secret = calls.filter((c) => /apply -f -$/.test(line(c))).map((c) => YAML.parse(c.stdin!)).find((o) => o.kind === 'Secret')
  const decoded = Object.fromEntries(Object.entries(secret.data as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]))
  t.equal(decoded['jwt-secret-previous'], old, 'the old key still verifies')
  t.not(decoded['jwt-secret'], old, 'a new key signs')
  t.ok(decoded['jwt-secret'].length >= 32)
  const apply = calls.findIndex((c) => /apply -f -$/.test(line(c)) && c.stdin?.includes('kind: Secret'))
  const restart = calls.findIndex((c) => /rollout restart deployment\/todo-app-deployment/.test(line(c)))
  t.ok(restart > apply, 'the pods are restarted after the Secret changed')
  t.match(result.stdout, /JWT key rotated; the previous one still verifies/)
  t.notOk(result.stdout.includes(old) || result.stdout.includes(decoded['jwt-secret']), 'no key in the output')
})

t.test('an installed Argo CD without our argocd-cm settings (or with a hand edit) gets argocd/install applied again', async (t) => {
  const { stubs, run } = setup(t)
  const data = { 'jwt-secret': Buffer.from('test-jwt-secret-not-real-0123456789').toString('base64'), 'openai-api-key': '' }
  const edited = Object.fromEntries(Object.keys(argoSettings).map((k) => [k, 'hs = {}']))
  stubs.setRules([{ match: 'get configmap argocd-cm', stdout: JSON.stringify({ data: edited }) }, ...readyCluster(data)])
  const result = await run()
  t.equal(result.code, 0, result.stderr)
  t.ok(stubs.calls().some((c) => line(c) === 'kubectl --context todo-app-dev apply --server-side --force-conflicts -k argocd/install'), 'applied from argocd/install, never patched')
  t.match(result.stdout, /Argo CD v3\.5\.1 applied from argocd\/install/)
})
