// A hardened Deployment from cdk8s-plus-28 with every one of its defaults that we do not want set
// explicitly: the restricted Pod Security Standard, fixed selector labels, no construct-path labels,
// requests/limits in canonical form, an explicit pull policy, the three probes.
import { ApiObject, Duration, JsonPatch } from 'cdk8s'
import * as kplus from 'cdk8s-plus-28'
import { k8s } from 'cdk8s-plus-28'
import type { Construct } from 'constructs'
import type { Resources } from './environments.ts'
import { dropConstructPathLabel } from './chart.ts'
import { portName, uid } from './constants.ts'

export interface ProbeSpec {
  path: string
  periodSeconds: number
  timeoutSeconds: number
  failureThreshold: number
}

export function httpProbe(p: ProbeSpec, port: number): kplus.Probe {
  return kplus.Probe.fromHttpGet(p.path, {
    port,
    initialDelaySeconds: Duration.seconds(0),
    periodSeconds: Duration.seconds(p.periodSeconds),
    timeoutSeconds: Duration.seconds(p.timeoutSeconds),
    failureThreshold: p.failureThreshold,
    successThreshold: 1,
  })
}

/** Container-level restricted PSS settings (non-root 1000, no escalation, drop ALL, seccomp, read-only root). */
export const containerSecurity: kplus.ContainerSecurityContextProps = {
  ensureNonRoot: true,
  user: uid,
  group: uid,
  privileged: false,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: [kplus.Capability.ALL] },
  seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
}

function quantities(r: Resources) {
  const q = (x: { cpu: string; memory: string }) => ({ cpu: k8s.Quantity.fromString(x.cpu), memory: k8s.Quantity.fromString(x.memory) })
  return { limits: q(r.limits), requests: q(r.requests) }
}

export interface WorkloadProps {
  name: string
  labels: Record<string, string>
  selector: Record<string, string>
  podLabels: Record<string, string>
  podAnnotations?: Record<string, string>
  replicas: number
  strategy: kplus.DeploymentStrategy
  serviceAccount: kplus.IServiceAccount
  containers: kplus.ContainerProps[]
  initContainers?: kplus.ContainerProps[]
  volumes: kplus.Volume[]
  terminationGracePeriodSeconds: number
  /** Requests/limits per container name, written verbatim (the table checks they are canonical). */
  resources: Record<string, Resources>
  annotations?: Record<string, string>
  /** How long a rollout may make no progress before the Deployment reports failure (cdk8s-plus: 600 s). */
  progressDeadlineSeconds?: number
}

export function hardenedDeployment(scope: Construct, id: string, p: WorkloadProps): kplus.Deployment {
  const deployment = new kplus.Deployment(scope, id, {
    metadata: { name: p.name, labels: p.labels, annotations: p.annotations },
    podMetadata: { labels: p.podLabels, annotations: p.podAnnotations },
    select: false,
    replicas: p.replicas,
    strategy: p.strategy,
    ...(p.progressDeadlineSeconds ? { progressDeadline: Duration.seconds(p.progressDeadlineSeconds) } : {}),
    serviceAccount: p.serviceAccount,
    automountServiceAccountToken: false,
    securityContext: {
      ensureNonRoot: true,
      user: uid,
      group: uid,
      fsGroup: uid,
      fsGroupChangePolicy: kplus.FsGroupChangePolicy.ON_ROOT_MISMATCH,
    },
    terminationGracePeriod: Duration.seconds(p.terminationGracePeriodSeconds),
    containers: p.containers,
    initContainers: p.initContainers,
    volumes: p.volumes,
  })
  deployment.select(kplus.LabelSelector.of({ labels: p.selector }))
  dropConstructPathLabel(deployment)
  const api = ApiObject.of(deployment)
  // seccomp at pod level too (kplus only offers it per container), and no service links env flood.
  api.addJsonPatch(JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', { type: 'RuntimeDefault' }))
  api.addJsonPatch(JsonPatch.add('/spec/template/spec/enableServiceLinks', false))
  // Quantities verbatim: kplus would print 1Gi as 1024Mi. (A JSON patch on a kplus object goes through the
  // typed k8s serializer, hence Quantity objects.)
  const all = [...(p.initContainers ?? []).map((c) => ['initContainers', c] as const), ...p.containers.map((c) => ['containers', c] as const)]
  const index: Record<string, number> = { initContainers: 0, containers: 0 }
  for (const [list, c] of all) {
    const i = index[list]++
    const r = p.resources[c.name!]
    if (!r) throw new Error(`no resources for container ${c.name}`)
    api.addJsonPatch(JsonPatch.add(`/spec/template/spec/${list}/${i}/resources`, quantities(r)))
  }
  return deployment
}

export interface ServiceProps {
  name: string
  labels: Record<string, string>
  selector: Record<string, string>
  port: number
  targetPort: number
}

/** A ClusterIP Service selecting pods by fixed labels. */
export function plainService(scope: Construct, id: string, p: ServiceProps): kplus.Service {
  const svc = new kplus.Service(scope, id, {
    metadata: { name: p.name, labels: p.labels },
    type: kplus.ServiceType.CLUSTER_IP,
    ports: [{ name: portName, port: p.port, targetPort: p.targetPort, protocol: kplus.Protocol.TCP }],
  })
  for (const [k, v] of Object.entries(p.selector)) svc.selectLabel(k, v)
  // kplus writes externalIPs: [], which the API server does not store: a diff Argo CD would never settle.
  ApiObject.of(svc).addJsonPatch(JsonPatch.remove('/spec/externalIPs'))
  return svc
}

export interface ClaimProps {
  name: string
  labels: Record<string, string>
  annotations: Record<string, string>
  accessMode: 'ReadWriteOnce' | 'ReadWriteMany'
  size: string
  storageClassName?: string
}

/** A PVC with its size written verbatim (kplus would turn 1Gi into 1024Mi). */
export function claim(scope: Construct, id: string, p: ClaimProps): kplus.PersistentVolumeClaim {
  const pvc = new kplus.PersistentVolumeClaim(scope, id, {
    metadata: { name: p.name, labels: p.labels, annotations: p.annotations },
    accessModes: [p.accessMode === 'ReadWriteMany' ? kplus.PersistentVolumeAccessMode.READ_WRITE_MANY : kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE],
    storageClassName: p.storageClassName,
    volumeMode: kplus.PersistentVolumeMode.FILE_SYSTEM,
  })
  ApiObject.of(pvc).addJsonPatch(JsonPatch.add('/spec/resources', { requests: { storage: k8s.Quantity.fromString(p.size) } }))
  return pvc
}
