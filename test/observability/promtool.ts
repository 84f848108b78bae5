// promtool (from Debian's `prometheus` package) checks rules semantically, runs the alert unit tests and
// lints /metrics output. Absent, those tests are skipped with a printed reason (REQUIRE_SYSTEM_TOOLS=1
// makes that a failure, as in CI); the in-process PromQL grammar checks in promql.ts run everywhere.
import { spawnSync } from 'node:child_process'
import type { Test } from 'tap'
import { systemTool } from '../helpers/system-tool.ts'

interface RunResult {
  status: number | null
  output: string
}

export type Promtool = (args: string[], input?: string) => RunResult

/** A promtool runner (never throws on a non-zero exit), or undefined after skipping `t` when it is missing. */
export function promtool(t: Test, what: string): Promtool | undefined {
  const path = systemTool(t, {
    name: 'promtool',
    why: what,
    install: "apt-get install -y --no-install-recommends prometheus; .ci/run installs it",
  })
  if (!path) return undefined
  return (args, input) => {
    const result = spawnSync(path, args, { input, encoding: 'utf8', timeout: 30_000 })
    return { status: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}` }
  }
}
