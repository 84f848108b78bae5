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
import semver from 'semver'

/**
 * The lowest Node.js version `range` (package.json engines.node) admits, when `version` is outside it;
 * undefined when `version` satisfies it or there is no range to check against.
 * @param {string | undefined} range
 * @param {string} version
 * @returns {string | undefined}
 */
export function nodeTooOld(range, version) {
  if (!range || !semver.validRange(range) || semver.satisfies(version, range)) return undefined
  return semver.minVersion(range)?.version
}

/** The arguments after the script's own path in process.argv. */
/**
 * @param {string} scriptFile
 * @param {string[]} [argv]
 * @returns {string[]}
 */
export function ownArguments(scriptFile, argv = process.argv) {
  /** @param {string} p */
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
 * process.argv [node, script, ...its own arguments], then loads the real code with `load`.
 * @param {string} entryUrl the entry file's import.meta.url
 * @param {() => Promise<unknown>} load imports the real code, e.g. `() => import('./cli/promote.ts')`
 */
export async function startScript(entryUrl, load) {
  const entry = fileURLToPath(entryUrl)
  const root = path.resolve(path.dirname(entry), '..')
  /** @type {{ engines?: { node?: string }, scripts?: Record<string, string> }} */
  let pkg = {}
  try {
    pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'))
  } catch {
    // no readable package.json: nothing to check against
  }
  const engines = pkg.engines?.node
  const minimum = nodeTooOld(engines, process.versions.node)
  if (minimum) {
    const file = path.relative(root, entry).split(path.sep).join('/')
    // The npm script that runs this file, if there is one (package.json says which).
    const npmName = Object.entries(pkg.scripts ?? {}).find(([, command]) => command.includes(file))?.[0]
    const howTo = npmName ? `Run \`npm ci\` once, then \`npm run ${npmName} -- …\` (it uses the project's own Node.js), or install` : 'Install'
    console.error(`${file} needs Node.js ${minimum} or newer (package.json engines "${engines}"); this is Node.js ${process.versions.node}. ${howTo} Node.js ${semver.major(minimum)}.`)
    process.exit(1)
  }
  process.argv = [process.argv[0], entry, ...ownArguments(entry)]
  await load()
}
