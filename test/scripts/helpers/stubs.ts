// Stub executables for the operator scripts' tests: each records its call (one JSON line) and answers
// from canned rules, so a test can assert the exact sequence of commands without a cluster.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

interface Answer {
  stdout?: string
  stderr?: string
  code?: number
}

/** The first rule whose `match` (a RegExp source) matches "cmd arg1 arg2 ..." answers the call. */
export interface Rule extends Answer {
  match: string
  /** Answers for the 1st, 2nd, ... matching call; the last one repeats. */
  responses?: Answer[]
  /** Run this real executable with the same arguments (recorded all the same). */
  passthrough?: string
}

export interface Call {
  cmd: string
  args: string[]
  /** Read only when an argument is "-" or names /dev/stdin. */
  stdin?: string
  /** Selected environment variables of the call ('' when unset). */
  env: { DOCKER_BUILDKIT: string }
}

// A bash script (bash starts ~10x faster than node, and a bootstrap run makes ~50 calls). $1.. are the
// arguments; rules.sh sets match[i] (an ERE on "cmd args...") and pass[i]; answers/<i>-<n>.{out,err,code}.
const STUB = `#!/bin/bash
dir=__DIR__
cmd=__CMD__
line="$cmd $*"
wants_stdin=
for a in "$@"; do [[ $a == - || $a == */dev/stdin* ]] && wants_stdin=1; done
# Builtins only: PATH holds nothing but the stubs, node and bash.
slurp() { IFS= read -r -d '' "$1"; true; }
[[ -n $wants_stdin ]] && slurp stdin
json() {
  local s=$1
  s=\${s//\\\\/\\\\\\\\}; s=\${s//\\"/\\\\\\"}; s=\${s//$'\\n'/\\\\n}; s=\${s//$'\\t'/\\\\t}; s=\${s//$'\\r'/\\\\r}
  printf '"%s"' "$s"
}
record="{\\"cmd\\":$(json "$cmd"),\\"args\\":["
sep=
for a in "$@"; do record+="$sep$(json "$a")"; sep=,; done
record+="]"
[[ -n $wants_stdin ]] && record+=",\\"stdin\\":$(json "$stdin")"
# The environment variables a test may assert on (set or not).
record+=",\\"env\\":{\\"DOCKER_BUILDKIT\\":$(json "\${DOCKER_BUILDKIT-}")}"
printf '%s}\\n' "$record" >> "$dir/calls.jsonl"
source "$dir/rules.sh"
for i in "\${!match[@]}"; do
  [[ $line =~ \${match[$i]} ]] || continue
  if [[ -n \${pass[$i]} ]]; then
    if [[ -n $wants_stdin ]]; then printf '%s' "$stdin" | "\${pass[$i]}" "$@"; exit $?; fi
    exec "\${pass[$i]}" "$@"
  fi
  n=0
  [[ -f $dir/count-$i ]] && n=$(<"$dir/count-$i")
  echo $((n + 1)) > "$dir/count-$i"
  (( n > answers[$i] - 1 )) && n=$((answers[$i] - 1))
  base="$dir/answers/$i-$n"
  slurp out < "$base.out"; printf '%s' "$out"
  slurp err < "$base.err"; printf '%s' "$err" >&2
  exit "$(<"$base.code")"
done
exit 0
`

const quote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`

export interface Stubs {
  /** PATH with only the stubs, node and bash: the machine's real kubectl/docker/git are out of reach. */
  path: string
  setRules(rules: Rule[]): void
  calls(): Call[]
  /** Forget recorded calls and sequence positions (between two runs). */
  reset(): void
}

export function makeStubs(t: { teardown(fn: () => void): void }, commands: string[]): Stubs {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stubs-'))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  const bin = path.join(dir, 'bin')
  const tools = path.join(dir, 'tools')
  fs.mkdirSync(bin)
  fs.mkdirSync(tools)
  const setRules = (rules: Rule[]) => {
    fs.rmSync(path.join(dir, 'answers'), { recursive: true, force: true })
    fs.mkdirSync(path.join(dir, 'answers'))
    const lines = ['match=()', 'pass=()', 'answers=()']
    rules.forEach((rule, i) => {
      const answers = rule.responses ?? [rule]
      lines.push(`match[${i}]=${quote(rule.match)}`, `pass[${i}]=${quote(rule.passthrough ?? '')}`, `answers[${i}]=${answers.length}`)
      answers.forEach((answer, n) => {
        const base = path.join(dir, 'answers', `${i}-${n}`)
        fs.writeFileSync(`${base}.out`, answer.stdout ?? '')
        fs.writeFileSync(`${base}.err`, answer.stderr ?? '')
        fs.writeFileSync(`${base}.code`, String(answer.code ?? 0))
      })
    })
    fs.writeFileSync(path.join(dir, 'rules.sh'), `${lines.join('\n')}\n`)
  }
  setRules([])
  for (const cmd of commands) {
    fs.writeFileSync(path.join(bin, cmd), STUB.replace('__DIR__', quote(dir)).replace('__CMD__', quote(cmd)), { mode: 0o755 })
  }
  // zx runs commands through bash, found on PATH.
  fs.symlinkSync(process.execPath, path.join(tools, 'node'))
  fs.symlinkSync('/bin/bash', path.join(tools, 'bash'))
  return {
    path: `${bin}:${tools}`,
    setRules,
    calls: () => {
      const file = path.join(dir, 'calls.jsonl')
      if (!fs.existsSync(file)) return []
      return fs.readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Call)
    },
    reset: () => {
      fs.rmSync(path.join(dir, 'calls.jsonl'), { force: true })
      for (const f of fs.readdirSync(dir)) if (f.startsWith('count-')) fs.rmSync(path.join(dir, f))
    },
  }
}

/** "cmd arg1 arg2" of a call, for assertions on order and flags. */
export const line = (call: Call) => [call.cmd, ...call.args].join(' ')
