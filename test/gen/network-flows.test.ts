// The rendered NetworkPolicies, evaluated with Kubernetes' semantics (netpol-model.ts cites them) over a
// table of flows that must pass and flows that must not. Every environment and log shipper is placed in ONE
// cluster, next to the cluster services they talk to: the strictest case (separate clusters only remove
// flows), and the one that shows environments cannot reach each other.
import t from 'tap'
import { clusters, clusterServices, environments, promotionOrder } from '../../gen/environments.ts'
import { postgresOf } from '../../gen/database.ts'
import { clusterLabel, instanceStatusPort, postgresMetricsPort, postgresPort } from '../../gen/postgres.ts'
import { cloudnativePg } from '../../gen/addons.ts'
import { acmeSolver } from '../../gen/overlay.ts'
import { ollamaPort } from '../../gen/ollama.ts'
import { sinkAddress } from '../../gen/observability/log-shipping.ts'
import { port as appPort } from '../../gen/constants.ts'
import { loggingNamespaceLabels } from '../../gen/argocd.ts'
import type { K8sObject } from './helpers.ts'
import { find, kustomize, podTemplates } from './helpers.ts'
import type { Endpoint, Network, Pod } from './netpol-model.ts'
import { flowAllowed } from './netpol-model.ts'
import type { Parsed } from '../helpers/parsed.ts'

let nextIp = 1
const ip = () => `10.244.${Math.floor(nextIp / 250)}.${(nextIp++ % 250) + 1}`
const pods: Pod[] = []
const policies: K8sObject[] = []
const namespaces = new Map<string, Record<string, string>>()

function addPods(objects: K8sObject[]): void {
  for (const { owner, template } of podTemplates(objects)) {
    pods.push({
      name: owner.metadata.name,
      namespace: owner.metadata.namespace,
      labels: template.metadata.labels ?? {},
      ip: ip(),
      ports: template.spec.containers.flatMap((c: Parsed) => c.ports ?? []),
    })
  }
  policies.push(...find(objects, 'NetworkPolicy'))
  for (const ns of find(objects, 'Namespace')) namespaces.set(ns.metadata.name, ns.metadata.labels ?? {})
}

for (const name of promotionOrder) {
  const env = environments[name]
  addPods(await kustomize(`overlays/${name}`))
  // cert-manager's solver pod for an HTTP-01 challenge, in the app's namespace (it listens on 8089).
  if (env.exposure.tls) pods.push({ name: `cm-acme-http-solver-${name}`, namespace: env.namespace, labels: acmeSolver.labels, ip: ip(), ports: [{ name: 'http', containerPort: acmeSolver.port }] })
  if (env.logShipping.enabled) addPods(await kustomize(`log-shipping/${name}`))
  // The pods CloudNativePG runs for the environment's Cluster (labels from the operator, CNPG docs "Labels").
  const pg = postgresOf(env)
  if (pg) {
    for (let i = 1; i <= pg.instances; i++) {
      pods.push({ name: `${pg.name}-${i}`, namespace: env.namespace, labels: { [clusterLabel]: pg.name, 'cnpg.io/instanceName': `${pg.name}-${i}`, 'cnpg.io/podRole': 'instance' }, ip: ip(), ports: [{ name: 'postgresql', containerPort: postgresPort }, { name: 'status', containerPort: instanceStatusPort }, { name: 'metrics', containerPort: postgresMetricsPort }] })
    }
  }
}
namespaces.set(clusterServices.loggingNamespace, loggingNamespaceLabels)
const service = (name: string, namespace: string, labels: Record<string, string>, ports: Pod['ports'] = []): Pod => {
  const pod = { name, namespace, labels, ip: ip(), ports }
  pods.push(pod)
  return pod
}
const ingressNginx = service('ingress-nginx-controller', clusterServices.ingressNamespace, { 'app.kubernetes.io/name': 'ingress-nginx' })
const prometheus = service('prometheus', clusterServices.monitoringNamespace, { 'app.kubernetes.io/name': 'prometheus' })
const kubeDns = service('coredns', 'kube-system', { 'k8s-app': 'kube-dns' }, [{ name: 'dns', containerPort: 53, protocol: 'UDP' }, { name: 'dns-tcp', containerPort: 53 }])
const loki = service('loki', clusterServices.loggingNamespace, { app: 'loki' }, [{ containerPort: 3100 }])
const elasticsearch = service('elasticsearch', clusterServices.loggingNamespace, { app: 'elasticsearch' }, [{ containerPort: 9200 }])
const stranger = service('curl', 'unrelated', { app: 'curl' })
const cnpgOperator = service('cnpg-operator', cloudnativePg.namespace, { ...cloudnativePg.podLabels, 'app.kubernetes.io/instance': cloudnativePg.releaseName })
const internet = { ip: '104.18.6.192' }

const net: Network = { namespaces, policies }
const podOf = (namespace: string, name: string) => {
  const pod = pods.find((p) => p.namespace === namespace && p.name === name)
  if (!pod) throw new Error(`no pod ${namespace}/${name}`)
  return pod
}
const app = (env: string) => podOf(environments[env as keyof typeof environments].namespace, 'todo-app-deployment')

interface Flow {
  what: string
  from: Endpoint
  to: Endpoint
  port: number
  protocol?: string
}
const must: Flow[] = []
const mustNot: Flow[] = []
for (const name of promotionOrder) {
  const env = environments[name]
  const a = app(name)
  must.push({ what: `${name}: ingress-nginx → app :${appPort}`, from: ingressNginx, to: a, port: appPort })
  // Both monitoring modes scrape the pod's port (annotations or a ServiceMonitor on the http port).
  must.push({ what: `${name}: Prometheus → app metrics :${appPort}`, from: prometheus, to: a, port: appPort })
  must.push({ what: `${name}: app → kube-dns UDP 53`, from: a, to: kubeDns, port: 53, protocol: 'UDP' })
  must.push({ what: `${name}: app → kube-dns TCP 53`, from: a, to: kubeDns, port: 53 })
  if (env.exposure.tls) must.push({ what: `${name}: ingress-nginx → ACME HTTP-01 solver :${acmeSolver.port}`, from: ingressNginx, to: podOf(env.namespace, `cm-acme-http-solver-${name}`), port: acmeSolver.port })
  if (env.ollama) must.push({ what: `${name}: app → Ollama :${ollamaPort}`, from: a, to: podOf(env.namespace, 'ollama-deployment'), port: ollamaPort })
  if (env.config.AI_BACKEND === 'openai') must.push({ what: `${name}: app → HTTPS on the internet (OpenAI)`, from: a, to: internet, port: 443 })
  else mustNot.push({ what: `${name}: app → HTTPS on the internet (no OpenAI backend)`, from: a, to: internet, port: 443 })
  if (env.logShipping.enabled) {
    const sink = sinkAddress(env)
    const target = env.logShipping.sink === 'loki' ? loki : elasticsearch
    must.push({ what: `${name}: Fluent Bit → its ${env.logShipping.sink} sink :${sink.port}`, from: podOf(clusterServices.loggingNamespace, `fluent-bit-${name}`), to: target, port: sink.port })
  }
  mustNot.push({ what: `${name}: a pod of an unrelated namespace → app :${appPort}`, from: stranger, to: a, port: appPort })
  const pg = postgresOf(env)
  if (pg) {
    const db = (i: number) => podOf(env.namespace, `${pg.name}-${i}`)
    const apiServer = { ip: clusters[env.cluster].apiServer!.cidr.split('/')[0] }
    must.push({ what: `${name}: app → PostgreSQL :${postgresPort}`, from: a, to: db(1), port: postgresPort })
    for (const p of [instanceStatusPort, postgresPort]) must.push({ what: `${name}: CNPG operator → instance :${p}`, from: cnpgOperator, to: db(1), port: p })
    must.push({ what: `${name}: instance → the API server`, from: db(1), to: apiServer, port: clusters[env.cluster].apiServer!.port })
    must.push({ what: `${name}: instance → kube-dns`, from: db(1), to: kubeDns, port: 53, protocol: 'UDP' })
    if (env.monitoring === 'prometheus-operator') must.push({ what: `${name}: Prometheus → PostgreSQL exporter :${postgresMetricsPort}`, from: prometheus, to: db(1), port: postgresMetricsPort })
    if (pg.instances > 1) {
      must.push({ what: `${name}: standby → primary :${postgresPort} (replication)`, from: db(2), to: db(1), port: postgresPort })
      must.push({ what: `${name}: primary → standby :${postgresPort} (a former primary rejoins)`, from: db(1), to: db(3), port: postgresPort })
    }
    mustNot.push({ what: `${name}: app → PostgreSQL's status port :${instanceStatusPort}`, from: a, to: db(1), port: instanceStatusPort })
    mustNot.push({ what: `${name}: a pod of an unrelated namespace → PostgreSQL`, from: stranger, to: db(1), port: postgresPort })
    mustNot.push({ what: `${name}: PostgreSQL → HTTPS on the internet (snapshot backups stay in the cluster)`, from: db(1), to: internet, port: 443 })
    mustNot.push({ what: `${name}: PostgreSQL → app`, from: db(1), to: a, port: appPort })
    for (const other of promotionOrder.filter((o) => o !== name)) {
      mustNot.push({ what: `${name}: ${other}'s app → ${name}'s PostgreSQL`, from: app(other), to: db(1), port: postgresPort })
    }
  }
  if (env.exposure.tls) mustNot.push({ what: `${name}: a pod of an unrelated namespace → ACME solver`, from: stranger, to: podOf(env.namespace, `cm-acme-http-solver-${name}`), port: acmeSolver.port })
  for (const other of promotionOrder.filter((o) => o !== name)) {
    mustNot.push({ what: `${name}: app → ${other}'s app :${appPort}`, from: a, to: app(other), port: appPort })
    if (environments[other].ollama) mustNot.push({ what: `${name}: app → ${other}'s Ollama`, from: a, to: podOf(environments[other].namespace, 'ollama-deployment'), port: ollamaPort })
  }
}

t.test('flows that must pass', async (t) => {
  t.ok(must.length >= 15, `${must.length} flows`)
  for (const f of must) {
    const r = flowAllowed(net, f.from, f.to, f.port, f.protocol)
    t.ok(r.allowed, `${f.what} (${r.why})`)
  }
})

t.test('flows that must not', async (t) => {
  for (const f of mustNot) {
    const r = flowAllowed(net, f.from, f.to, f.port, f.protocol)
    t.notOk(r.allowed, `${f.what} (${r.why})`)
  }
})

t.test('the evaluator follows the documented semantics', async (t) => {
  const a: Pod = { name: 'a', namespace: 'x', labels: { app: 'a' }, ip: '10.0.0.1', ports: [{ name: 'web', containerPort: 8080 }] }
  const b: Pod = { name: 'b', namespace: 'y', labels: { app: 'b' }, ip: '10.0.0.2', ports: [] }
  const policy = (namespace: string, spec: Record<string, Parsed>): K8sObject => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p', namespace }, spec })
  const n = (ps: K8sObject[], labels: Record<string, Record<string, string>> = {}): Network => ({ namespaces: new Map(Object.entries(labels)), policies: ps })
  t.ok(flowAllowed(n([]), b, a, 8080).allowed, 'no policy: not isolated')
  t.notOk(flowAllowed(n([policy('x', { podSelector: {} })]), b, a, 8080).allowed, 'policyTypes defaults to Ingress: isolated, nothing allowed')
  t.ok(flowAllowed(n([policy('x', { podSelector: {} })]), a, b, 80).allowed, '…but not isolated for egress')
  const named = policy('x', { podSelector: { matchLabels: { app: 'a' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'y' } } }], ports: [{ port: 'web' }] }] })
  t.ok(flowAllowed(n([named]), b, a, 8080).allowed, 'a named port resolves on the receiving pod; kubernetes.io/metadata.name is always a label')
  t.notOk(flowAllowed(n([named]), b, a, 9090).allowed, 'another port is not')
  const podOnly = policy('x', { podSelector: {}, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'b' } } }] }] })
  t.notOk(flowAllowed(n([podOnly]), b, a, 8080).allowed, 'a podSelector alone means the policy\'s own namespace')
  const both = policy('x', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 't' } }, podSelector: { matchLabels: { app: 'c' } } }] }] })
  t.notOk(flowAllowed(n([both], { y: { team: 't' } }), b, a, 8080).allowed, 'namespace and pod selector together: both must match')
  const egress = policy('y', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }], ports: [{ port: 443 }] }] })
  t.ok(flowAllowed(n([egress]), b, { ip: '8.8.8.8' }, 443).allowed, 'ipBlock allows outside the except ranges')
  t.notOk(flowAllowed(n([egress]), b, a, 443).allowed, '…not inside them')
  t.notOk(flowAllowed(n([egress]), b, { ip: '8.8.8.8' }, 53, 'UDP').allowed, 'nor another port/protocol')
})
