// Rate limiting for a log line that a flood would otherwise repeat once per request.

/**
 * Returns a function that calls `emit` at most once per `intervalMs`. The calls in between are counted; the
 * count goes with the next `emit`, or — when the flood stops — with a closing `emit` (the arguments of the last
 * suppressed call) once the interval has passed, so no shed request goes unreported.
 */
export function throttled<A extends unknown[]>(intervalMs: number, emit: (suppressed: number, ...args: A) => void) {
  let last = -Infinity
  let suppressed = 0
  let lastArgs: A | undefined
  let closing: NodeJS.Timeout | undefined

  const flush = () => {
    closing = undefined
    if (suppressed === 0 || !lastArgs) return
    emit(suppressed, ...lastArgs)
    suppressed = 0
    last = Date.now()
  }

  return (...args: A): void => {
    const now = Date.now()
    if (now - last < intervalMs) {
      suppressed += 1
      lastArgs = args
      closing ??= setTimeout(flush, last + intervalMs - now).unref()
      return
    }
    if (closing) clearTimeout(closing)
    closing = undefined
    emit(suppressed, ...args)
    suppressed = 0
    last = now
  }
}
