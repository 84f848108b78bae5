// Which kinds are cluster-scoped: the AppProject must allow-list exactly those a sync creates. (Objects do
// not say their own scope; this is the Kubernetes API's answer for the kinds we may meet.)

const clusterScoped = new Set([
  '/Namespace', '/Node', '/PersistentVolume',
  'rbac.authorization.k8s.io/ClusterRole', 'rbac.authorization.k8s.io/ClusterRoleBinding',
  'apiextensions.k8s.io/CustomResourceDefinition', 'apiregistration.k8s.io/APIService',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration', 'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
  'storage.k8s.io/StorageClass', 'storage.k8s.io/CSIDriver', 'scheduling.k8s.io/PriorityClass',
  'networking.k8s.io/IngressClass', 'node.k8s.io/RuntimeClass',
])

export interface GroupKind {
  group: string
  kind: string
}

function groupKind(obj: { apiVersion: string; kind: string }): GroupKind {
  const slash = obj.apiVersion.indexOf('/')
  return { group: slash < 0 ? '' : obj.apiVersion.slice(0, slash), kind: obj.kind }
}

export function isClusterScoped(obj: { apiVersion: string; kind: string }): boolean {
  const { group, kind } = groupKind(obj)
  return clusterScoped.has(`${group}/${kind}`)
}

/** The distinct cluster-scoped group/kinds among `objects`, sorted. */
export function clusterScopedKinds(objects: readonly { apiVersion: string; kind: string }[]): GroupKind[] {
  const seen = new Map<string, GroupKind>()
  for (const o of objects) {
    if (!isClusterScoped(o)) continue
    const gk = groupKind(o)
    seen.set(`${gk.group}/${gk.kind}`, gk)
  }
  return [...seen.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, gk]) => gk)
}
