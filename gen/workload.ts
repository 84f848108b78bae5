// The workload constructs every app of the renderer uses: a hardened Deployment from cdk8s-plus-28 with every
// one of its defaults that we do not want set explicitly (the restricted Pod Security Standard, fixed selector
// labels, no construct-path labels, requests/limits in canonical form, an explicit pull policy, the three
// probes), a ClusterIP Service on fixed labels, and a PVC whose size is written as the table gives it.
import { ApiObject, Duration, JsonPatch } from 'cdk8s'
import * as kplus from 'cdk8s-plus-28'
import { k8s } from 'cdk8s-plus-28'
import type { Construct } from 'constructs'
import type { Resources } from './environments.ts'
import { dropConstructPathLabel } from './chart.ts'
import { portName, uid } from './constants.ts'

export interface ProbeSpec {
  readonly path: string
  readonly periodSeconds: number
  readonly timeoutSeconds: number
  readonly failureThreshold: number
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

export interface HardenedDeploymentProps {
  readonly name: string
  readonly labels: Record<string, string>
  readonly selector: Record<string, string>
  readonly podLabels: Record<string, string>
  readonly podAnnotations?: Record<string, string>
  readonly replicas: number
  readonly strategy: kplus.DeploymentStrategy
  readonly serviceAccount: kplus.IServiceAccount
  readonly containers: readonly kplus.ContainerProps[]
  readonly initContainers?: readonly kplus.ContainerProps[]
  readonly volumes: readonly kplus.Volume[]
  readonly terminationGracePeriodSeconds: number
  /** Requests/limits per container name, written verbatim (the table checks they are canonical). */
  readonly resources: Readonly<Record<string, Resources>>
  readonly annotations?: Record<string, string>
  /** How long a rollout may make no progress before the Deployment reports failure (cdk8s-plus: 600 s). */
  readonly progressDeadlineSeconds?: number
}

/** A cdk8s-plus Deployment with the restricted Pod Security Standard, fixed selector labels, verbatim quantities. */
export class HardenedDeployment extends kplus.Deployment {
  constructor(scope: Construct, id: string, p: HardenedDeploymentProps) {
    super(scope, id, {
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
      containers: [...p.containers],
      initContainers: p.initContainers ? [...p.initContainers] : undefined,
      volumes: [...p.volumes],
    })
    this.select(kplus.LabelSelector.of({ labels: p.selector }))
    dropConstructPathLabel(this)
    const api = ApiObject.of(this)
    // seccomp at pod level too (kplus only offers it per container), and no service links env flood.
    api.addJsonPatch(JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', { type: 'RuntimeDefault' }))
    api.addJsonPatch(JsonPatch.add('/spec/template/spec/enableServiceLinks', false))
    // Quantities verbatim: kplus would print 1Gi as 1024Mi. (A JSON patch on a kplus object goes through the
    // typed k8s serializer, hence Quantity objects.)
    const all = [...(p.initContainers ?? []).map((c) => ['initContainers', c] as const), ...p.containers.map((c) => ['containers', c] as const)]
    const index: Record<string, number> = { initContainers: 0, containers: 0 }
    for (const [list, c] of all) {
      const i = index[list]++
      const r = c.name === undefined ? undefined : p.resources[c.name]
      if (!r) throw new Error(`no resources for container ${c.name}`)
      api.addJsonPatch(JsonPatch.add(`/spec/template/spec/${list}/${i}/resources`, quantities(r)))
    }
  }
}

export interface ClusterIpServiceProps {
  readonly name: string
  readonly labels: Record<string, string>
  readonly selector: Record<string, string>
  readonly port: number
  readonly targetPort: number
}

/** A ClusterIP Service selecting pods by fixed labels. */
export class ClusterIpService extends kplus.Service {
  constructor(scope: Construct, id: string, p: ClusterIpServiceProps) {
    super(scope, id, {
      metadata: { name: p.name, labels: p.labels },
      type: kplus.ServiceType.CLUSTER_IP,
      ports: [{ name: portName, port: p.port, targetPort: p.targetPort, protocol: kplus.Protocol.TCP }],
    })
    for (const [k, v] of Object.entries(p.selector)) this.selectLabel(k, v)
    // kplus writes externalIPs: [], which the API server does not store: a diff Argo CD would never settle.
    ApiObject.of(this).addJsonPatch(JsonPatch.remove('/spec/externalIPs'))
  }
}

export interface VerbatimClaimProps {
  readonly name: string
  readonly labels: Record<string, string>
  readonly annotations: Record<string, string>
  readonly accessMode: 'ReadWriteOnce' | 'ReadWriteMany'
  readonly size: string
  readonly storageClassName?: string
}

/** A PVC with its size written verbatim (kplus would turn 1Gi into 1024Mi). */
export class VerbatimClaim extends kplus.PersistentVolumeClaim {
  constructor(scope: Construct, id: string, p: VerbatimClaimProps) {
    super(scope, id, {
      metadata: { name: p.name, labels: p.labels, annotations: p.annotations },
      accessModes: [p.accessMode === 'ReadWriteMany' ? kplus.PersistentVolumeAccessMode.READ_WRITE_MANY : kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE],
      storageClassName: p.storageClassName,
      volumeMode: kplus.PersistentVolumeMode.FILE_SYSTEM,
    })
    ApiObject.of(this).addJsonPatch(JsonPatch.add('/spec/resources', { requests: { storage: k8s.Quantity.fromString(p.size) } }))
  }
}
