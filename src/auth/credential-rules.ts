// The shape of an email and the length of a password, as the service accepts them at signup and login. One
// definition for the request schema (src/users/schemas.ts), the password policy and the chat page's form
// (web/src/auth-form.ts, which checks them to answer sooner): a plain module with no imports, so the page's
// bundle takes only these constants.

/** NIST SP 800-63B's minimum for a chosen password, in characters. */
export const PASSWORD_MIN = 8
export const PASSWORD_MAX = 256
/** RFC 5321's limit on a forward path. */
export const EMAIL_MAX = 254
/** Deliberately loose (something@something.tld): the mailbox is never contacted. */
export const EMAIL_PATTERN = '^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$'
