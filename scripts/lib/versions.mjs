// Tool versions: read "x.y.z" out of a tool's version output and compare it with a minimum.

/** The first x.y.z in a text ("v1.32.0", "Docker version 24.0.7, build afdd53b"), or undefined. */
export function parseVersion(text) {
  const match = /v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(text ?? '')
  return match ? `${match[1]}.${match[2]}.${match[3] ?? 0}` : undefined
}

/** True when version a is older than version b (both x.y.z). */
export function isOlder(a, b) {
  const pa = a.split('.').map(Number)
  const pb = b.split('.').map(Number)
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i] < pb[i]
  return false
}
