// Tests that need a system tool (promtool, chromium, buildah, …) find it here. Absent, the test is
// skipped with one line saying what was skipped and why; under REQUIRE_SYSTEM_TOOLS=1 (set by .ci/run,
// which installs every tool) a missing tool fails the test instead, so CI can never pass by skipping.
import { spawnSync } from 'node:child_process'
import type { Test } from 'tap'

export const requireSystemToolsVariable = 'REQUIRE_SYSTEM_TOOLS'

/** The absolute path of `name` on PATH (or of the first of `alternatives` found), or undefined. */
export function findTool(name: string, ...alternatives: string[]): string | undefined {
  for (const candidate of [name, ...alternatives]) {
    const found = spawnSync('sh', ['-c', `command -v "${candidate}"`], { encoding: 'utf8' })
    const path = found.stdout.trim()
    if (found.status === 0 && path) return path
  }
  return undefined
}

/**
 * Returns the tool's path, or skips `t` (printing why) when it is missing. Under REQUIRE_SYSTEM_TOOLS=1 a
 * missing tool fails `t` instead. `why` says what the tool checks; `install` how to get it.
 */
export function systemTool(t: Test, tool: { name: string; alternatives?: string[]; why: string; install: string }): string | undefined {
  const path = findTool(tool.name, ...(tool.alternatives ?? []))
  if (path) return path
  const message = `${tool.name} not found: ${tool.why} skipped (${tool.install})`
  if (process.env[requireSystemToolsVariable] === '1') {
    t.fail(`${message}; ${requireSystemToolsVariable}=1 requires it`)
  } else {
    console.log(`# skipped: ${message}`)
    t.skip(message, () => {})
  }
  return undefined
}
