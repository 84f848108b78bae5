// Image references -> kustomize `images:` entries, in the form `kustomize edit set image` writes.

export interface KustomizeImage {
  name: string
  newName?: string
  newTag?: string
  digest?: string
}

const digestPattern = /^sha256:[a-f0-9]{64}$/
const tagPattern = /^[\w][\w.-]{0,127}$/

/** Splits `[registry[:port]/]repo[:tag][@sha256:…]`; throws a message naming the bad reference. */
export function parseImageRef(ref: string): { repository: string; tag?: string; digest?: string } {
  const bad = (why: string) => new Error(`image '${ref}' is not a valid image reference: ${why}`)
  if (ref.trim() !== ref || ref === '' || /\s/.test(ref)) throw bad('empty or contains whitespace')
  let rest = ref
  let digest: string | undefined
  const at = rest.indexOf('@')
  if (at >= 0) {
    digest = rest.slice(at + 1)
    rest = rest.slice(0, at)
    if (!digestPattern.test(digest)) throw bad('the digest must be sha256:<64 hex digits>')
  }
  let tag: string | undefined
  const colon = rest.lastIndexOf(':')
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1)
    rest = rest.slice(0, colon)
    if (!tagPattern.test(tag)) throw bad(`the tag '${tag}' is not allowed`)
  }
  if (!/^[a-z0-9]([a-z0-9._:/-]*[a-z0-9])?$/.test(rest)) throw bad(`the repository '${rest}' is not allowed`)
  if (!tag && !digest) throw bad('it needs a tag or a digest (never an implicit :latest)')
  return { repository: rest, tag, digest }
}

/** The overlay's `images:` entry that replaces the base's placeholder image `name`. */
export function kustomizeImage(name: string, ref: string): KustomizeImage {
  const { repository, tag, digest } = parseImageRef(ref)
  const entry: KustomizeImage = { name }
  if (repository !== name) entry.newName = repository
  if (tag) entry.newTag = tag
  if (digest) entry.digest = digest
  return entry
}
