// Which passwords a new account may have, after NIST SP 800-63B §3.1.1.2: at least 8 characters, any
// characters (spaces and Unicode included), no composition rules, and not a value known to be commonly used,
// expected or compromised: the common-passwords list shipped by @zxcvbn-ts/language-common (~49,000
// entries from breach corpora), and the account's own email. Each refusal names the rule that failed.

export const PASSWORD_MIN = 8
export const PASSWORD_MAX = 256

/** Compared case-insensitively: "Password1" is as guessable as "password1". */
const normalize = (s: string) => s.normalize('NFC').toLowerCase()
const length = (s: string) => [...s].length

let common: Promise<Set<string>> | undefined
/**
 * The list, loaded on first use (it costs ~0.3 s and MBs of heap to parse, which start-up should not pay);
 * only entries long enough to pass the length rule are kept (~18,000).
 */
export function commonPasswords(): Promise<Set<string>> {
  common ??= import('@zxcvbn-ts/language-common').then(({ dictionary }) => {
    const all = dictionary['passwords-common'] as string[]
    return new Set(all.filter((p) => length(p) >= PASSWORD_MIN).map(normalize))
  })
  return common
}

/** Why `password` may not be used for the account `email`, or undefined when it may. */
export async function passwordProblem(password: string, email: string): Promise<string | undefined> {
  if (length(password) < PASSWORD_MIN) return `must be at least ${PASSWORD_MIN} characters`
  if (password.trim() === '') return 'must not consist of whitespace only'
  const candidate = normalize(password)
  const list = await commonPasswords()
  if (list.has(candidate) || list.has(candidate.trim())) return 'is on a list of commonly used passwords; choose a less guessable one'
  const mail = normalize(email)
  if (candidate === mail || candidate === mail.split('@')[0]) return 'must not be the account\'s email address'
  return undefined
}
