// The whole tree typechecks (src, gen, test, bench, scripts' .ts; web/ with its own DOM config): Node runs
// the TypeScript by stripping types and esbuild bundles without checking them, so this is where a type error
// surfaces.

import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import t from 'tap'

const root = fileURLToPath(new URL('../..', import.meta.url))

t.test('tsc -p tsconfig.json reports no errors', async (t) => {
  // Through sh with NODE_OPTIONS removed: tap hooks every node process it starts, and its CommonJS hook
  // cannot load TypeScript 7's ES-module launcher.
  const tsc = spawnSync('sh', ['-c', `env -u NODE_OPTIONS "${process.execPath}" node_modules/typescript/bin/tsc -p tsconfig.json --noEmit`], {
    cwd: root,
    encoding: 'utf8',
  })
  t.equal(tsc.status, 0, tsc.stdout + tsc.stderr)
})

t.test('tsc -p web/tsconfig.json (the chat page, with the DOM types) reports no errors', async (t) => {
  const tsc = spawnSync('sh', ['-c', `env -u NODE_OPTIONS "${process.execPath}" node_modules/typescript/bin/tsc -p web/tsconfig.json`], {
    cwd: root,
    encoding: 'utf8',
  })
  t.equal(tsc.status, 0, tsc.stdout + tsc.stderr)
})
