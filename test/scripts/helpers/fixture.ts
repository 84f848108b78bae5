// A throwaway copy of the repository for the operator scripts: the scripts, the environments table, its images and the renderer's shared constants, the
// service's contract (src/contract.ts), the node_modules they import, and whatever rendered files a test
// writes. Tests never touch the real tree.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { execFileSync, spawn } from 'node:child_process'

export const REPO = path.resolve(import.meta.dirname, '..', '..', '..')

export function makeFixture(t: { teardown(fn: () => void): void }, files: Record<string, string> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'todo-gitops-fixture-'))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  fs.cpSync(path.join(REPO, 'scripts'), path.join(dir, 'scripts'), { recursive: true })
  fs.mkdirSync(path.join(dir, 'gen'))
  for (const file of ['environments.ts', 'images.yaml', 'constants.ts', 'image.ts']) fs.copyFileSync(path.join(REPO, 'gen', file), path.join(dir, 'gen', file))
  fs.mkdirSync(path.join(dir, 'src'))
  fs.copyFileSync(path.join(REPO, 'src', 'contract.ts'), path.join(dir, 'src', 'contract.ts'))
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'))
  // The real engines (the scripts check the Node.js version against it) and npm scripts (`npm run <name>`).
  const real = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'))
  const all = { 'package.json': JSON.stringify({ name: 'fixture', private: true, type: 'module', engines: real.engines, scripts: real.scripts }), ...files }
  for (const [name, text] of Object.entries(all)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true })
    fs.writeFileSync(path.join(dir, name), text)
  }
  return dir
}

/** Real git (by absolute path: the stubs own PATH) for setting fixtures up. */
export function git(dir: string, ...args: string[]): string {
  return execFileSync('/usr/bin/git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.invalid', ...args], { cwd: dir, encoding: 'utf8' })
}

export interface RunResult {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs `node <script> ...args` with the given PATH and extra environment. */
export function runScript(script: string, args: string[], env: Record<string, string | undefined>): Promise<RunResult> {
  return runCommand(process.execPath, [script, ...args], { env })
}

/** Runs a command as a user would, with extra (or, as undefined, removed) environment variables. */
export function runCommand(cmd: string, args: string[], { cwd, env = {} }: { cwd?: string; env?: Record<string, string | undefined> } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const clean: Record<string, string> = {}
    for (const [k, v] of Object.entries({ ...process.env, ...env })) if (v !== undefined) clean[k] = v
    // tap puts its loaders into NODE_OPTIONS of every child it sees spawned (deleting it from env is not
    // enough): the command under test runs plain.
    const child = spawn('/usr/bin/env', ['-u', 'NODE_OPTIONS', cmd, ...args], { cwd, env: clean, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}
