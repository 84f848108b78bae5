// How the operator scripts run external commands: output captured (never streamed, so no secret reaches
// a log by accident), failures returned or thrown with the command line, and a dry-run mode that prints
// every command in order and runs none.
import { $ } from 'zx'

/** Quote one argument for display, so a printed command can be pasted into a shell. */
export function shellQuote(arg) {
  const text = String(arg)
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`
}

export function commandLine(cmd, args = []) {
  return [cmd, ...args].map(shellQuote).join(' ')
}

export class CommandError extends Error {
  constructor(line, result) {
    const detail = (result.stderr || result.stdout || '').trim().split('\n').slice(-5).join('\n    ')
    super(`\`${line}\` exited with ${result.code}${detail ? `:\n    ${detail}` : ''}`)
    this.result = result
  }
}

/** Runs a command; stdin gets `input` when given and is closed otherwise (no command waits for a terminal). */
export async function exec(cmd, args = [], { input, env, cwd } = {}) {
  const options = { quiet: true, nothrow: true, cwd, env: env ? { ...process.env, ...env } : process.env }
  if (input === undefined) options.stdio = ['ignore', 'pipe', 'pipe']
  else options.input = input
  const p = await $(options)`${cmd} ${args}`
  return { ok: p.exitCode === 0, code: p.exitCode, stdout: p.stdout, stderr: p.stderr }
}

/**
 * probe(): a read-only question (is it installed? which version?). In a dry run it is printed, marked as a
 * check, and answered "no", so the plan shows what a fresh machine would get.
 * run(): a command that changes something or waits; throws CommandError when it fails.
 * `inputNote` describes stdin in the printed line (the input itself may be secret and is never printed);
 * `note` adds a comment to it.
 */
export function createRunner({ dryRun = false, cwd, print = (line) => console.log(line) } = {}) {
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
