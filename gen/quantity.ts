// Resource quantities must be written the way the API server prints them back ('1' not '1000m', '1Gi' not
// '1024Mi'), or Argo CD shows a diff that never goes away.

const binary = ['Ki', 'Mi', 'Gi', 'Ti', 'Pi']

/** The canonical spelling of a quantity we accept (integers, millis, binary suffixes); throws otherwise. */
export function canonicalQuantity(q: string): string {
  const millis = /^(\d+)m$/.exec(q)
  if (millis) {
    const n = Number(millis[1])
    return n % 1000 === 0 ? String(n / 1000) : `${n}m`
  }
  if (/^\d+$/.test(q)) return String(Number(q))
  const bin = /^(\d+)(Ki|Mi|Gi|Ti|Pi)$/.exec(q)
  if (bin) {
    let n = Number(bin[1])
    let i = binary.indexOf(bin[2])
    while (n !== 0 && n % 1024 === 0 && i < binary.length - 1) {
      n /= 1024
      i++
    }
    return `${n}${binary[i]}`
  }
  throw new Error(`quantity '${q}' is not supported: write an integer, '<n>m', or '<n>Ki|Mi|Gi|Ti'`)
}

/** Throws unless `q` is already canonical; `where` names the table field. */
export function requireCanonical(where: string, q: string): string {
  let canonical: string
  try {
    canonical = canonicalQuantity(q)
  } catch (err) {
    throw new Error(`${where}: ${(err as Error).message}`)
  }
  if (canonical !== q) throw new Error(`${where}: write '${canonical}' instead of '${q}' (the form Kubernetes prints)`)
  return q
}
