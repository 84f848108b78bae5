// Scrubbing credentials out of free text (upstream error bodies, exception messages, log lines). Structured
// log fields are redacted by path in logging.ts; this covers what only exists as text.

export const REDACTED = '[REDACTED]'

/** Credential shapes that can appear in text whatever the configured values are, with what replaces them. */
const CREDENTIAL_PATTERNS: [RegExp, string][] = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{4,}/gi, `$1 ${REDACTED}`], // an Authorization header value echoed back
  [/\bsk-[A-Za-z0-9_-]{8,}/g, REDACTED], // OpenAI-style API keys
  [/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, REDACTED], // a JWT
  [/((?:api[_-]?key|token|secret|password)["']?\s*[:=]\s*["']?)(?!\[REDACTED\])[^\s"',}]{4,}/gi, `$1${REDACTED}`], // key=value, "key": "value"
]

/** Known secret values shorter than this are not searched for (too many false hits, too little to hide). */
const MIN_SECRET_LENGTH = 8

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/**
 * A function that replaces every occurrence of the given secret values (raw and as they look inside a JSON
 * string) and of credential-shaped substrings with [REDACTED].
 */
export function createRedactor(secrets: readonly (string | undefined)[] = []): (text: string) => string {
  const forms = new Set<string>()
  for (const secret of secrets) {
    if (!secret || secret.length < MIN_SECRET_LENGTH) continue
    forms.add(secret)
    forms.add(JSON.stringify(secret).slice(1, -1))
  }
  const known = forms.size ? new RegExp([...forms].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|'), 'g') : undefined
  return (text) => {
    let out = known ? text.replace(known, REDACTED) : text
    for (const [pattern, replacement] of CREDENTIAL_PATTERNS) out = out.replace(pattern, replacement)
    return out
  }
}

/** Pattern-only redaction (no known values). */
export const redactCredentials = createRedactor()

/** At most `max` characters, marked when cut. */
export function truncate(text: string, max = 300): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`
}
