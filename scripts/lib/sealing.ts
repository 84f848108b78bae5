// Sealed Secrets, in process: the hybrid encryption of one value for a cluster's certificate, the
// SealedSecret document that scripts/seal-secret.mjs writes, and the checks that `--verify` runs.
//
// Format of one sealed value (what kubeseal writes and the controller opens):
//   uint16 big-endian length of the RSA part | RSA-OAEP(SHA-256, label = scope) of a random 32-byte key
//   | AES-256-GCM(that key, 12 zero bytes as nonce: the key is used once) of the value, with its 16-byte tag
// base64 (standard alphabet) in spec.encryptedData. Strict scope: label = "<namespace>/<name>".
import { X509Certificate, constants, createCipheriv, createHash, publicEncrypt, randomBytes } from 'node:crypto'
import { SECRET_KEYS as KEYS } from '../../src/contract.ts'
import { names } from '../../gen/constants.ts'
import type { ISealedSecret } from '@kubernetes-models/sealed-secrets/bitnami.com/v1alpha1/SealedSecret'

export const SECRET_NAME = names.secret
/** The keys of todo-app-secrets (src/contract.ts), feeding OPENAI_API_KEY, JWT_SECRET and JWT_SECRET_PREVIOUS
 *  (the key before the last rotation, optional: docs/secrets.md). */
export const SECRET_KEYS: readonly string[] = Object.values(KEYS)
/** What a first sealing must hold; jwt-secret-previous joins at the first rotation. */
export const REQUIRED_KEYS: readonly string[] = [KEYS.openaiApiKey, KEYS.jwtSecret]
/** The keys holding a JWT signing key (the service's minimum length applies). */
export const JWT_KEYS: readonly string[] = [KEYS.jwtSecret, KEYS.jwtSecretPrevious]

/** A certificate loaded for sealing, with the SHA-256 of its DER form (recorded on the SealedSecret). */
export interface SealingCertificate {
  cert: X509Certificate
  fingerprint: string
}

/** A SealedSecret as parsed from YAML, as far as --verify reads it. */
export interface SealedSecretDoc {
  apiVersion?: string
  kind?: string
  metadata?: { name?: string; namespace?: string; annotations?: Record<string, string> }
  spec?: { template?: { metadata?: { name?: string; namespace?: string } }; encryptedData?: Record<string, unknown> }
}
/** Annotation recording which certificate sealed the values, so --verify can check it without the private key. */
export const CERT_ANNOTATION = 'todo-gitops/sealed-with-cert-sha256'

function strictLabel(namespace: string, name: string): string {
  return `${namespace}/${name}`
}

/** A PEM certificate -> { cert, fingerprint }, or an Error saying what is wrong with it. */
export function loadCertificate(pem: string | Buffer, source: string): SealingCertificate {
  let cert: X509Certificate
  try {
    cert = new X509Certificate(pem)
  } catch {
    throw new Error(`${source} is not a PEM certificate`)
  }
  if (cert.publicKey.asymmetricKeyType !== 'rsa') throw new Error(`${source} does not hold an RSA public key`)
  if (new Date(cert.validTo) < new Date()) throw new Error(`${source} expired on ${cert.validTo}: fetch the controller's current certificate`)
  return { cert, fingerprint: createHash('sha256').update(cert.raw).digest('hex') }
}

/** Seals one value for the certificate's cluster, bound to namespace/name (strict scope). */
export function sealValue(value: string, cert: X509Certificate, namespace: string, name: string): string {
  const sessionKey = randomBytes(32)
  const rsa = publicEncrypt(
    { key: cert.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: Buffer.from(strictLabel(namespace, name)) },
    sessionKey,
  )
  const cipher = createCipheriv('aes-256-gcm', sessionKey, Buffer.alloc(12))
  const sealed = Buffer.concat([cipher.update(Buffer.from(value)), cipher.final(), cipher.getAuthTag()])
  const length = Buffer.alloc(2)
  length.writeUInt16BE(rsa.length)
  return Buffer.concat([length, rsa, sealed]).toString('base64')
}

export function sealedSecretDocument({ namespace, encryptedData, fingerprint }: { namespace: string; encryptedData: Record<string, string>; fingerprint: string }): ISealedSecret {
  const keys = Object.keys(encryptedData).sort()
  return {
    apiVersion: 'bitnami.com/v1alpha1',
    kind: 'SealedSecret',
    metadata: {
      name: SECRET_NAME,
      namespace,
      annotations: { [CERT_ANNOTATION]: fingerprint, 'argocd.argoproj.io/sync-wave': '-1' },
    },
    spec: {
      encryptedData: Object.fromEntries(keys.map((k) => [k, encryptedData[k]])),
      template: { metadata: { name: SECRET_NAME, namespace }, type: 'Opaque' },
    },
  }
}

/**
 * Problems of a committed SealedSecret for an environment (empty when it is right): kind, name,
 * namespace, strict scope, known keys, values shaped like sealed values for this certificate's key size,
 * and the certificate recorded at sealing time.
 */
export function verifySealedSecret(doc: SealedSecretDoc | null | undefined, { namespace, cert, fingerprint }: SealingCertificate & { namespace: string }): string[] {
  const problems: string[] = []
  if (doc?.apiVersion !== 'bitnami.com/v1alpha1' || doc?.kind !== 'SealedSecret') return ['not a bitnami.com/v1alpha1 SealedSecret']
  const meta: NonNullable<SealedSecretDoc['metadata']> = doc.metadata ?? {}
  if (meta.name !== SECRET_NAME) problems.push(`metadata.name is ${meta.name}, want ${SECRET_NAME}`)
  if (meta.namespace !== namespace) problems.push(`metadata.namespace is ${meta.namespace}, want ${namespace}`)
  const annotations: Record<string, string> = meta.annotations ?? {}
  for (const scope of ['namespace-wide', 'cluster-wide']) {
    if (annotations[`sealedsecrets.bitnami.com/${scope}`] === 'true') problems.push(`scope is ${scope}, want strict`)
  }
  const template: { name?: string; namespace?: string } = doc.spec?.template?.metadata ?? {}
  if ((template.name ?? SECRET_NAME) !== SECRET_NAME || (template.namespace ?? namespace) !== namespace) {
    problems.push(`spec.template.metadata is ${template.namespace}/${template.name}, want ${namespace}/${SECRET_NAME}`)
  }
  const data = doc.spec?.encryptedData ?? {}
  if (!Object.keys(data).length) problems.push('spec.encryptedData is empty')
  const rsaBytes = (cert.publicKey.asymmetricKeyDetails?.modulusLength ?? 0) / 8
  for (const [key, value] of Object.entries(data)) {
    if (!SECRET_KEYS.includes(key)) problems.push(`unknown key ${key} (allowed: ${SECRET_KEYS.join(', ')})`)
    const bytes = Buffer.from(String(value), 'base64')
    if (bytes.length < 2 + rsaBytes + 16 || bytes.readUInt16BE(0) !== rsaBytes) {
      problems.push(`${key} is not a value sealed for a ${rsaBytes * 8}-bit key`)
    }
  }
  if (annotations[CERT_ANNOTATION] !== fingerprint) {
    problems.push(`sealed with certificate ${annotations[CERT_ANNOTATION] ?? '(not recorded)'}, want the environment's ${fingerprint}`)
  }
  return problems
}
