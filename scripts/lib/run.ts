// How the operator scripts run external commands: output captured (never streamed, so no secret reaches
// a log by accident), failures returned or thrown with the command line, and a dry-run mode that prints
// every command in order and runs none.
import { $, quote, type Options } from 'zx'

/** The command line as a shell would take it (zx's quoting), for messages and the dry-run plan. */
export function commandLine(cmd: string, args: readonly string[] = []): string {
  return [cmd, ...args].map((arg) => quote(arg)).join(' ')
}

export interface RunResult {
  ok: boolean
  code: number | null
  stdout: string
  stderr: string
}

export interface ExecOptions {
  /** Written to stdin; without it stdin is closed (no command waits for a terminal). */
  input?: string
  /** Added to this process's environment. */
  env?: Record<string, string>
  cwd?: string
}

export class CommandError extends Error {
  readonly result: RunResult
  constructor(line: string, result: RunResult) {
    const detail = (result.stderr || result.stdout || '').trim().split('\n').slice(-5).join('\n    ')
    super(`\`${line}\` exited with ${result.code}${detail ? `:\n    ${detail}` : ''}`)
    this.result = result
  }
}

/** Runs a command; stdin gets `input` when given and is closed otherwise (no command waits for a terminal). */
export async function exec(cmd: string, args: readonly string[] = [], { input, env, cwd }: ExecOptions = {}): Promise<RunResult> {
  const options: Partial<Options> = { quiet: true, nothrow: true, cwd, env: env ? { ...process.env, ...env } : process.env }
  if (input === undefined) options.stdio = ['ignore', 'pipe', 'pipe']
  else options.input = input
  const p = await $(options)`${cmd} ${args}`
  return { ok: p.exitCode === 0, code: p.exitCode, stdout: p.stdout, stderr: p.stderr }
}

interface RunOptions extends Omit<ExecOptions, 'cwd'> {
  /** Describes stdin in the printed line (the input itself may be secret and is never printed). */
  inputNote?: string
  /** A comment added to the printed line. */
  note?: string
}

export interface Runner {
  readonly dryRun: boolean
  probe(cmd: string, args?: readonly string[], options?: Omit<ExecOptions, 'cwd'>): Promise<RunResult>
  run(cmd: string, args?: readonly string[], options?: RunOptions): Promise<RunResult>
}

/**
 * probe(): a read-only question (is it installed? which version?). In a dry run it is printed, marked as a
 * check, and answered "no", so the plan shows what a fresh machine would get.
 * run(): a command that changes something or waits; throws CommandError when it fails.
 */
export function createRunner({ dryRun = false, cwd, print = (line: string) => console.log(line) }: { dryRun?: boolean; cwd?: string; print?: (line: string) => void } = {}): Runner {
  return {
    dryRun,
    async probe(cmd, args = [], { input, env } = {}) {
      if (dryRun) {
        print(`  $ ${commandLine(cmd, args)}    # check`)
        return { ok: false, code: 1, stdout: '', stderr: '' }
      }
      return exec(cmd, args, { input, env, cwd })
    },
    async run(cmd, args = [], { input, inputNote, env, note } = {}) {
      const line = commandLine(cmd, args)
      print(`  $ ${line}${input === undefined ? '' : ` < ${inputNote ?? '(stdin)'}`}${note ? `    # ${note}` : ''}`)
      if (dryRun) return { ok: true, code: 0, stdout: '', stderr: '' }
      const result = await exec(cmd, args, { input, env, cwd })
      if (!result.ok) throw new CommandError(line, result)
      return result
    },
  }
}
