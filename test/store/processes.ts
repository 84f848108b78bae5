// Real OS processes for the storage tests: spawn Node on a fixture script and read its stdout by line.

import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

function fixture(name: string): string {
  return fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url))
}

export interface Worker {
  child: ChildProcess
  /** Every stdout line so far. */
  lines: string[]
  /** Resolves with the exit code (or the signal) once the process ended and stdout is drained. */
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>
  /** Resolves when at least `n` lines have arrived. */
  waitForLines(n: number): Promise<void>
  /** Write one line to the worker's stdin. */
  send(line: string): void
}

export function startWorker(script: string, args: string[]): Worker {
  const child = spawn(process.execPath, [fixture(script), ...args], { stdio: ['pipe', 'pipe', 'pipe'] })
  const lines: string[] = []
  const waiters: { n: number; resolve: () => void }[] = []
  let stderr = ''
  child.stderr!.on('data', (chunk) => (stderr += chunk))
  const reader = createInterface({ input: child.stdout! })
  reader.on('line', (line) => {
    lines.push(line)
    for (const w of waiters.filter((w) => lines.length >= w.n)) {
      waiters.splice(waiters.indexOf(w), 1)
      w.resolve()
    }
  })
  const closed = new Promise<void>((resolve) => reader.on('close', resolve))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  )
  const done = Promise.all([exited, closed]).then(([exit]) => ({ ...exit, stderr }))
  child.stdin!.on('error', () => {}) // the worker may be gone (killed) when we write
  return {
    child,
    lines,
    done,
    send: (line) => child.stdin!.write(`${line}\n`),
    waitForLines: (n) =>
      lines.length >= n
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            waiters.push({ n, resolve })
            done.then((r) => reject(new Error(`worker ended after ${lines.length} lines: ${JSON.stringify(r)}`)))
          }),
  }
}
