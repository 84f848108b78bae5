// Lint is part of the test run: ESLint (typescript-eslint's recommended rules) over every TypeScript and
// JavaScript file, and knip over unused files, exports and dependencies. Both come from tools/lint, which
// the root package's postinstall installs (typescript-eslint needs a TypeScript with a JS API, < 6.1).

import { existsSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import t from 'tap'

const root = fileURLToPath(new URL('../..', import.meta.url))
const bin = (name: string) => `tools/lint/node_modules/.bin/${name}`

function run(command: string): { status: number | null; output: string } {
  // NODE_OPTIONS removed: tap's loader hooks would load into the linters' processes too.
  const result = spawnSync('sh', ['-c', `env -u NODE_OPTIONS ${command}`], { cwd: root, encoding: 'utf8', timeout: 120_000 })
  return { status: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}` }
}

t.test('the lint toolchain is installed (npm ci runs its postinstall)', async (t) => {
  for (const name of ['eslint', 'knip']) t.ok(existsSync(`${root}${bin(name)}`), `${bin(name)} exists; run npm ci`)
})

t.test('eslint finds nothing', async (t) => {
  const { status, output } = run(`${bin('eslint')} -c tools/lint/eslint.config.js .`)
  t.equal(status, 0, output)
})

t.test('knip finds no unused file, export or dependency', async (t) => {
  const { status, output } = run(`${bin('knip')} --no-progress --config knip.jsonc`)
  t.equal(status, 0, output)
})
