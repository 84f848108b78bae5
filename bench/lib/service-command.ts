// How the service process is started, from its one definition: package.json `start:dist`
// (`[VAR=value …] node [flags] dist/server.js`), which the image repeats as its ENV and ENTRYPOINT + CMD
// (test/image/dockerfile.test.ts). The benches start dist/server.js the same way, so they measure the heap and
// malloc configuration production runs with (docs/performance.md "Where the memory is").

import { readFileSync } from 'node:fs'

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> }
const script = pkg.scripts['start:dist']
const words = script.split(' ')
const assignments = words.filter((word) => /^[A-Z_]+=/.test(word))
const command = words.slice(assignments.length)
if (command[0] !== 'node' || command.at(-1) !== 'dist/server.js') {
  throw new Error(`package.json start:dist should be "[VAR=value …] node [flags] dist/server.js", is "${script}"`)
}

/** The environment variables start:dist sets. */
export const SERVICE_ENV_VARS: Readonly<Record<string, string>> = Object.fromEntries(
  assignments.map((assignment) => [assignment.slice(0, assignment.indexOf('=')), assignment.slice(assignment.indexOf('=') + 1)]),
)

/** The node flags of start:dist. */
export const SERVICE_NODE_FLAGS: readonly string[] = command.slice(1, -1)
