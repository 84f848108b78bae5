// dev's Ollama: the rendered init container pulls the model only when it is not on the volume (`ollama show`
// first), run against a stub `ollama` in a shell; and the first start (image + model) fits the Deployment's
// progress deadline and the bootstrap's wait.
import t from 'tap'
import fs from 'node:fs'
import path from 'node:path'
import { spawnSync } from 'node:child_process'
import { environments } from '../../gen/environments.ts'
import { kustomize, one, tempDir } from './helpers.ts'
import type { Parsed } from '../helpers/parsed.ts'

const dev = environments.dev
const objects = await kustomize('overlays/dev')
const deployment = one(objects, 'Deployment', 'ollama-deployment')
const puller = deployment.spec.template.spec.initContainers.find((c: Parsed) => c.name === 'model-puller')

// A stub ollama: `serve` idles, `list` answers, `show` succeeds when the model is in $MODELS_DIR, `pull`
// records itself and fails when $OFFLINE is set (a registry outage).
const STUB = `#!/bin/sh
echo "$*" >> "$CALLS"
case "$1" in
  serve) exec sleep 30 ;;
  list) exit 0 ;;
  show) [ -e "$MODELS_DIR/$2" ] ;;
  pull) [ -z "$OFFLINE" ] && touch "$MODELS_DIR/$2" ;;
esac
`

function runPuller(t: Parsed, { present, offline }: { present: boolean; offline: boolean }) {
  const dir = tempDir(t)
  const bin = path.join(dir, 'bin')
  fs.mkdirSync(bin)
  fs.mkdirSync(path.join(dir, 'models'))
  fs.writeFileSync(path.join(bin, 'ollama'), STUB, { mode: 0o755 })
  if (present) fs.writeFileSync(path.join(dir, 'models', dev.ollama!.model), '')
  const env = Object.fromEntries(puller.env.map((e: Parsed) => [e.name, e.value]))
  const [shell, flag, script] = puller.command
  const r = spawnSync(shell, [flag, script], {
    encoding: 'utf8',
    timeout: 20_000,
    env: { PATH: `${bin}:/usr/bin:/bin`, ...env, CALLS: path.join(dir, 'calls'), MODELS_DIR: path.join(dir, 'models'), ...(offline ? { OFFLINE: '1' } : {}) },
  })
  const calls = fs.existsSync(path.join(dir, 'calls')) ? fs.readFileSync(path.join(dir, 'calls'), 'utf8').trim().split('\n') : []
  return { code: r.status, calls, out: r.stdout }
}

t.test('the model is pulled only when it is missing', async (t) => {
  t.equal(puller.command[0], '/bin/sh')
  const fresh = runPuller(t, { present: false, offline: false })
  t.equal(fresh.code, 0)
  t.ok(fresh.calls.includes(`pull ${dev.ollama!.model}`), 'an empty volume: pulled')
  t.ok(fresh.calls.indexOf(`show ${dev.ollama!.model}`) < fresh.calls.indexOf(`pull ${dev.ollama!.model}`), 'after asking `ollama show`')
  const restart = runPuller(t, { present: true, offline: true })
  t.equal(restart.code, 0, 'a restart with the model on the volume starts even with the registry unreachable')
  t.notOk(restart.calls.some((c) => c.startsWith('pull')), 'and pulls nothing')
  t.match(restart.out, /is on the volume: not pulling/)
  const outage = runPuller(t, { present: false, offline: true })
  t.not(outage.code, 0, 'a first start with the registry unreachable fails (and the pod retries)')
})

t.test('a first start fits the progress deadline', async (t) => {
  t.equal(deployment.spec.progressDeadlineSeconds, dev.ollama!.firstStartSeconds, 'progressDeadlineSeconds from the table')
  t.ok(dev.ollama!.firstStartSeconds >= 1200, 'at least 20 minutes for the image and the model')
  // The bootstrap's default wait: test/scripts/bootstrap-minikube.test.ts (its dry run prints it).
  t.equal(one(objects, 'PersistentVolumeClaim', 'ollama-pvc').metadata.annotations['argocd.argoproj.io/sync-options'], 'Prune=false,Delete=false', 'the pulled model outlives the Application')
})
