// Rate limiting for a log line that a flood would otherwise repeat once per request.

/**
 * Returns a function that calls `emit` at most once per `intervalMs`; the calls in between are counted and
 * the count is passed to the next `emit`.
 */
export function throttled<A extends unknown[]>(intervalMs: number, emit: (suppressed: number, ...args: A) => void, now: () => number = Date.now) {
  let last = -Infinity
  let suppressed = 0
  return (...args: A): void => {
    const t = now()
    if (t - last < intervalMs) {
      suppressed += 1
      return
    }
    emit(suppressed, ...args)
    suppressed = 0
    last = t
  }
}
