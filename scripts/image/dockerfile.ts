// Reads the Dockerfile and .dockerignore the way the build does, so the image test and the Dockerfile
// checks (test/image/dockerfile.test.ts) look at the same structure instead of grepping text.
import balena from '@balena/dockerignore'

interface Instruction {
  keyword: string
  args: string
}

export interface Stage {
  name: string
  /** the FROM argument as written */
  from: string
  /** `from` with the global ARG defaults substituted */
  image: string
  /** the earlier stage this one builds on, or null when it starts from an image */
  parent: Stage | null
  instructions: Instruction[]
}

export interface Dockerfile {
  /** ARGs declared before the first FROM, with their defaults */
  args: Record<string, string | undefined>
  stages: Stage[]
}

/** Instructions of a Dockerfile: continuation lines joined, comments and blank lines dropped. */
function instructions(text: string): Instruction[] {
  const out: Instruction[] = []
  let current: Instruction | null = null
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) continue // Docker drops comments even inside a continuation
    const continues = line.endsWith('\\')
    const body = continues ? line.slice(0, -1).trim() : line
    if (current === null) {
      const space = body.search(/\s/)
      current = space === -1 ? { keyword: body.toUpperCase(), args: '' } : { keyword: body.slice(0, space).toUpperCase(), args: body.slice(space + 1).trim() }
    } else {
      current.args = `${current.args} ${body}`.trim()
    }
    if (!continues) {
      out.push(current)
      current = null
    }
  }
  if (current !== null) out.push(current)
  return out
}

/** Replaces ${NAME} and $NAME with the given values (unknown names are left as they are). */
function substitute(value: string, vars: Record<string, string | undefined>): string {
  return value.replace(/\$\{(\w+)\}|\$(\w+)/g, (all, a: string | undefined, b: string | undefined) => vars[a ?? b ?? ''] ?? all)
}

/** The Dockerfile as its global ARGs and its stages. */
export function parseDockerfile(text: string): Dockerfile {
  const args: Dockerfile['args'] = {}
  const stages: Stage[] = []
  for (const ins of instructions(text)) {
    if (ins.keyword === 'FROM') {
      const words = ins.args.split(/\s+/).filter((w) => !w.startsWith('--'))
      const from = words[0]
      const name = words.length >= 3 && words[1].toUpperCase() === 'AS' ? words[2] : String(stages.length)
      const image = substitute(from, args)
      stages.push({ name, from, image, parent: stages.find((s) => s.name === image) ?? null, instructions: [] })
    } else if (stages.length === 0) {
      if (ins.keyword === 'ARG') {
        const [name, ...rest] = ins.args.split('=')
        args[name.trim()] = rest.length > 0 ? rest.join('=').trim() : undefined
      }
    } else {
      stages[stages.length - 1].instructions.push(ins)
    }
  }
  return { args, stages }
}

/** The stage and every stage it builds on, nearest first. */
export function stageChain(stage: Stage): Stage[] {
  const chain: Stage[] = []
  for (let s: Stage | null = stage; s !== null; s = s.parent) chain.push(s)
  return chain
}

/** `--name=value` flags at the start of an instruction's arguments, and the words after them. */
export function splitFlags(args: string): { flags: Record<string, string | true>; words: string[] } {
  const flags: Record<string, string | true> = {}
  const words: string[] = []
  for (const word of args.split(/\s+/)) {
    const flag = words.length === 0 && /^--([\w-]+)(?:=(.*))?$/.exec(word)
    if (flag) flags[flag[1]] = flag[2] ?? true
    else words.push(word)
  }
  return { flags, words }
}

/** The JSON array of an exec-form instruction (CMD ["node", "x"]), or null for the shell form. */
export function execForm(args: string): string[] | null {
  try {
    const value = JSON.parse(args)
    return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : null
  } catch {
    return null
  }
}

// .dockerignore, read by @balena/dockerignore (a port of Docker's own matcher): `!` re-includes, the last
// matching line wins, and a pattern that matches a directory covers everything under it.

// A CommonJS package whose types declare `export default`: `.default` is its factory for tsc and at run time alike.
const dockerignore = balena.default

export type IgnoreRules = ReturnType<typeof dockerignore>

export function parseDockerignore(text: string): IgnoreRules {
  return dockerignore().add(text)
}

/** Whether a path (relative to the context, `/`-separated) stays out of the build context. */
export function isIgnored(rules: IgnoreRules, relPath: string): boolean {
  return rules.ignores(relPath)
}
