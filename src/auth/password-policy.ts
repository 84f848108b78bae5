// Which passwords a new account may have, after NIST SP 800-63B §3.1.1.2: at least 8 characters, any
// characters (spaces and Unicode included), no composition rules, and not a value known to be commonly used,
// expected or compromised: the common-passwords list shipped by @zxcvbn-ts/language-common (~49,000
// entries from breach corpora), and the account's own email. Each refusal names the rule that failed.

import { dictionary } from '@zxcvbn-ts/language-common'

export const PASSWORD_MIN = 8
export const PASSWORD_MAX = 256

/** Compared case-insensitively: "Password1" is as guessable as "password1". */
const normalize = (s: string) => s.normalize('NFC').toLowerCase()
const COMMON = new Set((dictionary['passwords-common'] as string[]).map(normalize))

/** Why `password` may not be used for the account `email`, or undefined when it may. */
export function passwordProblem(password: string, email: string): string | undefined {
  if ([...password].length < PASSWORD_MIN) return `must be at least ${PASSWORD_MIN} characters`
  if (password.trim() === '') return 'must not consist of whitespace only'
  const candidate = normalize(password)
  if (COMMON.has(candidate) || COMMON.has(candidate.trim())) return 'is on a list of commonly used passwords; choose a less guessable one'
  const mail = normalize(email)
  if (candidate === mail || candidate === mail.split('@')[0]) return 'must not be the account\'s email address'
  return undefined
}
