// promtool (from Debian's `prometheus` package) checks rules and /metrics output. Tests that need it
// fail with this message when it is missing: a silent skip would hide the check.
import { execFileSync, spawnSync } from 'node:child_process'

export const installHint =
  'promtool not found: install Debian\'s prometheus package (apt-get install -y --no-install-recommends prometheus); .ci/run installs it'

export function promtoolPath(): string {
  const found = spawnSync('sh', ['-c', 'command -v promtool'], { encoding: 'utf8' })
  const path = found.stdout.trim()
  if (found.status !== 0 || !path) throw new Error(installHint)
  return path
}

export interface RunResult {
  status: number | null
  output: string
}

/** Runs promtool with the arguments (and optional stdin); never throws on a non-zero exit. */
export function promtool(args: string[], input?: string): RunResult {
  const result = spawnSync(promtoolPath(), args, { input, encoding: 'utf8', timeout: 30_000 })
  return { status: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}` }
}

export function promtoolVersion(): string {
  return execFileSync(promtoolPath(), ['--version'], { encoding: 'utf8' }).split('\n')[0] ?? ''
}
