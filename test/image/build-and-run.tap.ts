// The image test under tap: builds the Dockerfile and runs the image (scripts/test-image.mjs), one tap
// assertion per check it prints. Minutes, not seconds, so it is NOT in the default `npm test` run (the file
// name does not match test/**/*.test.ts): run it with `npx tap test/image/build-and-run.tap.ts`, or the
// script itself with `npm run test:image` (what CI does). Needs root and buildah, podman, runc, debootstrap;
// skipped, saying so, only where those tools are missing.
import t from 'tap'
import path from 'node:path'
import { spawn } from 'node:child_process'

const ROOT = path.resolve(import.meta.dirname, '../..')
t.setTimeout(15 * 60_000)

t.test('the image builds, runs as promised, and is cleaned up', async (t) => {
  // tap puts its loaders into NODE_OPTIONS of every child it sees spawned (zx does not load under them):
  // the script runs plain, as `npm run test:image` runs it.
  const script = path.join(ROOT, 'scripts/test-image.mjs')
  const child = spawn('/usr/bin/env', ['-u', 'NODE_OPTIONS', process.execPath, script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] })
  let output = ''
  child.stdout.setEncoding('utf8')
  child.stdout.on('data', (chunk: string) => (output += chunk))
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  const lines = output.split('\n')

  const skip = lines.find((l) => l.startsWith('# SKIP image test:'))
  if (skip) {
    t.pass('image test', { skip: skip.slice('# SKIP '.length) })
    return
  }
  for (const [i, line] of lines.entries()) {
    const result = /^(ok|not ok) - (.*)$/.exec(line)
    if (!result) continue
    const detail = lines.slice(i + 1).filter((l, k, rest) => rest.slice(0, k + 1).every((d) => d.startsWith('  # '))).join('\n')
    t.ok(result[1] === 'ok', result[2], detail ? { diagnostic: true, detail } : {})
  }
  for (const line of lines.filter((l) => l.startsWith('# figure: '))) t.comment(line.slice(2))
  const summary = lines.find((l) => /^image: \d+ passed, \d+ failed$/.test(l))
  t.ok(summary, `the script printed its totals (${summary})`)
  t.equal(code, summary?.includes(' 0 failed') ? 0 : 1, 'its exit code agrees with them')
})
