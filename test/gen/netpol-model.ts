// Kubernetes NetworkPolicy semantics, as the API documents them
// (https://kubernetes.io/docs/concepts/services-networking/network-policies/ and the NetworkPolicySpec
// reference):
//  - A pod is isolated for ingress (egress) when any NetworkPolicy in its namespace selects it and has
//    "Ingress" ("Egress") in policyTypes. policyTypes defaults to ["Ingress"], plus "Egress" when the
//    policy has egress rules. A pod no policy isolates allows everything in that direction.
//  - Policies are additive: a flow is allowed in a direction when some rule of some selecting policy allows
//    it. A connection needs both: egress allowed at the source and ingress allowed at the destination.
//  - A rule without `from`/`to` matches every peer; without `ports`, every port. A peer with only a
//    podSelector selects pods in the policy's own namespace; with only a namespaceSelector, every pod of the
//    matching namespaces; with both, the matching pods of the matching namespaces. Namespaces are matched by
//    their labels, which always include `kubernetes.io/metadata.name: <name>`. An ipBlock matches addresses
//    in its CIDR outside its `except` ranges.
//  - A port is a number or a named port, resolved on the pod that receives the traffic; protocol defaults to
//    TCP; `endPort` makes a range.
import type { K8sObject } from './helpers.ts'
import { selects } from './helpers.ts'
import type { Parsed } from '../helpers/parsed.ts'

export interface Pod {
  name: string
  namespace: string
  labels: Record<string, string>
  ip: string
  ports: { name?: string; containerPort: number; protocol?: string }[]
}
/** A peer outside the cluster's pods (the internet, an API). */
interface External {
  ip: string
}
export type Endpoint = Pod | External
const isPod = (e: Endpoint): e is Pod => 'namespace' in e

export interface Network {
  namespaces: Map<string, Record<string, string>>
  policies: K8sObject[]
}

function ipToInt(ip: string): number {
  return ip.split('.').reduce((n, o) => n * 256 + Number(o), 0)
}
function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/')
  const size = 2 ** (32 - Number(bits))
  const start = Math.floor(ipToInt(base) / size) * size
  return ipToInt(ip) >= start && ipToInt(ip) < start + size
}

function policyTypes(p: K8sObject): string[] {
  return p.spec.policyTypes ?? ['Ingress', ...(p.spec.egress ? ['Egress'] : [])]
}

function namespaceLabels(net: Network, name: string): Record<string, string> {
  return { ...(net.namespaces.get(name) ?? {}), 'kubernetes.io/metadata.name': name }
}

function peerMatches(net: Network, policy: K8sObject, peer: Record<string, Parsed>, other: Endpoint): boolean {
  if (peer.ipBlock) {
    return inCidr(other.ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((c: string) => inCidr(other.ip, c))
  }
  if (!isPod(other)) return false
  const nsOk = peer.namespaceSelector
    ? selects(peer.namespaceSelector, namespaceLabels(net, other.namespace))
    : other.namespace === policy.metadata.namespace
  const podOk = peer.podSelector ? selects(peer.podSelector, other.labels) : true
  return nsOk && podOk
}

function portMatches(rulePort: Record<string, Parsed>, port: number, protocol: string, receiver: Endpoint): boolean {
  if ((rulePort.protocol ?? 'TCP') !== protocol) return false
  if (rulePort.port === undefined) return true
  let wanted: number | undefined = typeof rulePort.port === 'number' ? rulePort.port : undefined
  if (typeof rulePort.port === 'string') {
    // A named port means the receiving pod's container port of that name (none on an external peer).
    wanted = isPod(receiver) ? receiver.ports.find((p) => p.name === rulePort.port && (p.protocol ?? 'TCP') === protocol)?.containerPort : undefined
    if (wanted === undefined) return false
  }
  return rulePort.endPort ? port >= wanted! && port <= rulePort.endPort : port === wanted
}

/** Is traffic from `from` to `to`:`port` allowed in one direction, seen from `subject`'s policies? */
function allowedAt(net: Network, direction: 'Ingress' | 'Egress', subject: Pod, peer: Endpoint, port: number, protocol: string, receiver: Endpoint): { allowed: boolean; why: string } {
  const selecting = net.policies.filter((p) => p.metadata.namespace === subject.namespace && selects(p.spec.podSelector, subject.labels) && policyTypes(p).includes(direction))
  if (selecting.length === 0) return { allowed: true, why: `${subject.namespace}/${subject.name} is not isolated for ${direction}` }
  for (const p of selecting) {
    for (const rule of (direction === 'Ingress' ? p.spec.ingress : p.spec.egress) ?? []) {
      const peers = direction === 'Ingress' ? rule.from : rule.to
      const peerOk = !peers || peers.length === 0 || peers.some((x: Record<string, Parsed>) => peerMatches(net, p, x, peer))
      const portOk = !rule.ports || rule.ports.length === 0 || rule.ports.some((x: Record<string, Parsed>) => portMatches(x, port, protocol, receiver))
      if (peerOk && portOk) return { allowed: true, why: `${direction} allowed by ${p.metadata.namespace}/${p.metadata.name}` }
    }
  }
  return { allowed: false, why: `${direction} of ${subject.namespace}/${subject.name} denied (selected by ${selecting.map((p) => p.metadata.name).join(', ')})` }
}

/** Whether a connection from `from` to `to` on `port`/`protocol` is allowed, and why. */
export function flowAllowed(net: Network, from: Endpoint, to: Endpoint, port: number, protocol = 'TCP'): { allowed: boolean; why: string } {
  const egress = isPod(from) ? allowedAt(net, 'Egress', from, to, port, protocol, to) : { allowed: true, why: 'external source' }
  if (!egress.allowed) return egress
  const ingress = isPod(to) ? allowedAt(net, 'Ingress', to, from, port, protocol, to) : { allowed: true, why: 'external destination' }
  return ingress.allowed ? { allowed: true, why: `${egress.why}; ${ingress.why}` } : ingress
}
