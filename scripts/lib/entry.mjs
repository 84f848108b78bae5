// What every operator script does before its real code loads: plain JavaScript, no TypeScript import, so
// that any Node.js gets far enough to say which version the scripts need (the real code imports the
// environments table, gen/environments.ts, which only Node.js >= 22.18 loads without a flag). And one
// argument list whichever way the script was started:
//   node scripts/<name>.mjs --flag        process.argv = [node, scripts/<name>.mjs, --flag]
//   npm run <name> -- --flag              the same, through package.json
//   zx scripts/<name>.mjs --flag          process.argv = [node, .../zx/build/cli.js, scripts/<name>.mjs, --flag]
// zx leaves process.argv as it was, so `process.argv.slice(2)` would start with the script's own path.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** The lowest Node.js version `range` (package.json engines.node, ">=x.y[.z]") admits, or undefined. */
export function minimumNode(range) {
  const match = /^\s*>=\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?\s*$/.exec(range ?? '')
  return match ? [Number(match[1]), Number(match[2] ?? 0), Number(match[3] ?? 0)] : undefined
}

/** True when `version` ("22.3.0") is older than `minimum` ([22, 18, 0]). */
export function olderThan(version, minimum) {
  const v = version.split('.').map(Number)
  for (let i = 0; i < 3; i++) if ((v[i] ?? 0) !== minimum[i]) return (v[i] ?? 0) < minimum[i]
  return false
}

/** The arguments after the script's own path in process.argv. */
export function ownArguments(scriptFile, argv = process.argv) {
  const real = (p) => {
    try {
      return fs.realpathSync(path.resolve(p))
    } catch {
      return undefined
    }
  }
  const self = real(scriptFile)
  const at = argv.findIndex((arg, i) => i > 0 && real(arg) === self)
  return at < 0 ? argv.slice(2) : argv.slice(at + 1)
}

/**
 * Checks the Node.js version against package.json (one line and exit 1 when too old), makes
 * process.argv [node, script, ...its own arguments], then loads `main` (relative to the entry file).
 */
export async function startScript(entryUrl, main) {
  const entry = fileURLToPath(entryUrl)
  const root = path.resolve(path.dirname(entry), '..')
  let engines
  try {
    engines = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).engines?.node
  } catch {
    // no readable package.json: nothing to check against
  }
  const minimum = minimumNode(engines)
  if (minimum && olderThan(process.versions.node, minimum)) {
    const name = path.basename(entry, '.mjs')
    console.error(`${path.relative(process.cwd(), entry) || entry} needs Node.js ${minimum.join('.')} or newer (package.json engines "${engines}"); this is Node.js ${process.versions.node}. Run \`npm ci\` once, then \`npm run ${name === 'bootstrap-minikube' ? 'bootstrap' : name === 'seal-secret' ? 'seal' : name} -- …\` (it uses the project's own Node.js), or install Node.js ${minimum[0]}.`)
    process.exit(1)
  }
  process.argv = [process.argv[0], entry, ...ownArguments(entry)]
  await import(new URL(main, entryUrl).href)
}
