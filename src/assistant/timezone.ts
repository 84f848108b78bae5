// The user's time zone: an IANA name (a session's `timezone`, default UTC), checked with Intl, and the
// calendar date and UTC offset it gives at an instant. Used by the routes (validation), the rules backend
// (dates) and the model prompt (today's date).

export const DEFAULT_TIMEZONE = 'UTC'

/** Whether `tz` is an IANA time zone this runtime knows (Intl throws a RangeError for others). */
export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz })
    return true
  } catch {
    return false
  }
}

const offsetFormats = new Map<string, Intl.DateTimeFormat>()

/** Minutes east of UTC of `tz` at `instant` ("GMT-05:00" -> -300). */
export function offsetMinutes(instant: Date, tz: string): number {
  let format = offsetFormats.get(tz)
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' })
    offsetFormats.set(tz, format)
  }
  const name = format.formatToParts(instant).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT'
  const m = /GMT([+-])(\d{2}):?(\d{2})?/.exec(name)
  if (!m) return 0
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0))
}

/** The user's calendar date at `instant`, YYYY-MM-DD. */
export function localToday(instant: Date, tz: string): string {
  return new Date(instant.getTime() + offsetMinutes(instant, tz) * 60_000).toISOString().slice(0, 10)
}
