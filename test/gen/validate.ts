// Schema validation of rendered objects with the kubernetes-models packages: Kubernetes core kinds, and the
// Argo CD, Sealed Secrets and Prometheus Operator CRDs; CloudNativePG and External Secrets against their own
// CRDs committed in test/schemas/crds/ (crd-schema.ts).
import type { K8sObject } from './helpers.ts'
import { crdErrors, knowsKind } from './crd-schema.ts'
import type { Parsed } from '../helpers/parsed.ts'

const packages: Record<string, string> = {
  'argoproj.io': '@kubernetes-models/argo-cd/argoproj.io',
  'bitnami.com': '@kubernetes-models/sealed-secrets/bitnami.com',
  'monitoring.coreos.com': '@kubernetes-models/prometheus-operator/monitoring.coreos.com',
}

/** API versions served by Kubernetes 1.28 that we render (the package itself knows newer ones too). */
const servedBy128 = new Set([
  'v1', 'apps/v1', 'rbac.authorization.k8s.io/v1', 'networking.k8s.io/v1', 'policy/v1', 'autoscaling/v2', 'batch/v1',
])

function modulePath(apiVersion: string): string {
  const slash = apiVersion.indexOf('/')
  if (slash < 0) return `kubernetes-models/${apiVersion}`
  const group = apiVersion.slice(0, slash)
  const version = apiVersion.slice(slash + 1)
  return `${packages[group] ?? `kubernetes-models/${group}`}/${version}`
}

/** Validates one object; returns the errors as text ('' when valid). */
export async function validationErrors(obj: K8sObject): Promise<string> {
  if (knowsKind(obj)) return crdErrors(obj)
  let mod: Record<string, Parsed>
  try {
    // One module per kind: the package's index modules take seconds to load.
    mod = await import(`${modulePath(obj.apiVersion)}/${obj.kind}`)
  } catch {
    return `no schema package for ${obj.apiVersion}`
  }
  const Model = mod[obj.kind]
  if (typeof Model !== 'function') return `no schema for ${obj.apiVersion} ${obj.kind}`
  const isCustom = Object.keys(packages).some((g) => obj.apiVersion.startsWith(`${g}/`))
  if (!isCustom && !servedBy128.has(obj.apiVersion)) return `${obj.apiVersion} is not an API version this project targets on Kubernetes 1.28`
  try {
    new Model(obj).validate()
    return ''
  } catch (err) {
    return (err as Error).message
  }
}
