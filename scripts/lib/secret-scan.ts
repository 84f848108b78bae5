// Finds secrets in text files: Kubernetes Secrets with data/stringData in plaintext (YAML files and
// YAML blocks of Markdown), and strings shaped like API keys, tokens or private keys.
// Used by test/scripts/secret-scan.test.ts over every tracked file.
import YAML from 'yaml'

/** Shapes of real credentials. Each needs enough characters that prose and placeholders do not match. */
const KEY_SHAPES = [
  // A PEM header followed by key material (on the next line, or after an escaped \n in JSON); a header with a
  // placeholder body, as in the External Secrets CRDs' examples, is documentation.
  { name: 'private key', pattern: /-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY-----(?:\s|\\n)*[A-Za-z0-9+/=]{40,}/ },
  { name: 'OpenAI API key', pattern: /\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}/ },
  { name: 'GitHub token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{60,})/ },
  { name: 'AWS access key', pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { name: 'Slack token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/ },
  { name: 'Google API key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/ },
]

function plaintextSecrets(yamlText: string): string[] {
  const found: string[] = []
  let docs
  try {
    docs = YAML.parseAllDocuments(yamlText)
  } catch {
    return found
  }
  for (const doc of docs) {
    let obj: { kind?: unknown; metadata?: { name?: string }; data?: unknown; stringData?: unknown } | null | undefined
    try {
      obj = doc.toJS()
    } catch {
      continue
    }
    if (obj?.kind !== 'Secret') continue
    for (const field of ['data', 'stringData']) {
      const values = obj[field as 'data' | 'stringData']
      if (values && typeof values === 'object' && Object.values(values).some((v) => v !== '' && v !== null)) {
        found.push(`Secret ${obj.metadata?.name ?? '(unnamed)'} has ${field} in plaintext`)
      }
    }
  }
  return found
}

/** Test fixtures use values that say they are fake (the team's rule): such a match is not a credential. */
const PLACEHOLDER = /not-?real|fake|dummy|example|placeholder/i

/** Problems in one file's text; empty when it is clean. */
export function scanText(file: string, text: string): string[] {
  const problems: string[] = []
  for (const { name, pattern } of KEY_SHAPES) {
    const matches = [...text.matchAll(new RegExp(pattern.source, 'g'))].map((m) => m[0])
    const real = name === 'private key' ? matches : matches.filter((m) => !PLACEHOLDER.test(m))
    if (real.length) problems.push(`${file}: looks like a ${name}`)
  }
  const yamlParts = /\.ya?ml$/.test(file) ? [text] : /\.md$/.test(file) ? [...text.matchAll(/```ya?ml\n([\s\S]*?)```/g)].map((m) => m[1]) : []
  for (const part of yamlParts) for (const p of plaintextSecrets(part)) problems.push(`${file}: ${p}`)
  return problems
}
