// The objects gen/observability hands to the renderer: which environments get them, schema validity
// (Kubernetes and prometheus-operator models), and what each promises (selectors, Fluent Bit pipeline,
// retention from the environments table).
import t from 'tap'
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { ConfigMap, ServiceAccount } from 'kubernetes-models/v1'
import { DaemonSet } from 'kubernetes-models/apps/v1'
import { ClusterRole, ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1'
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1'
import { PrometheusRule, ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1'
import { clusterServices, environments, type Environment } from '../../gen/environments.ts'
import { logShippingManifests, monitoringManifests } from '../../gen/observability/index.ts'
import { apiServerPorts, fluentBitImage, ilmPolicyName, sinkNamespace } from '../../gen/observability/log-shipping.ts'
import type { Parsed } from '../helpers/parsed.ts'

// Loose typing on purpose: these are plain objects headed for YAML.
type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> }; [k: string]: Parsed }

const models: Record<string, new (o: Parsed) => { validate(): void }> = {
  ConfigMap, ServiceAccount, DaemonSet, ClusterRole, ClusterRoleBinding, NetworkPolicy, PrometheusRule, ServiceMonitor,
}
const all = Object.values(environments)
const objects = (fn: (e: Environment) => object[], env: Environment) => fn(env) as Obj[]
const find = (list: Obj[], kind: string, name?: string) => {
  const found = list.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name))
  if (!found) throw new Error(`no ${kind} ${name ?? ''}`)
  return found
}

/** Fluent Bit classic config → sections of key/value pairs, in order. */
function sections(conf: string): Array<{ name: string; entries: Record<string, string> }> {
  const out: Array<{ name: string; entries: Record<string, string> }> = []
  for (const line of conf.split('\n')) {
    const header = line.match(/^\[(\w+)\]$/)
    if (header) out.push({ name: header[1]!, entries: {} })
    else if (line.trim()) {
      const [, key, value] = line.match(/^\s+(\S+)\s+(.*)$/) ?? []
      if (!key || !out.length) throw new Error(`unparsable line: ${line}`)
      out.at(-1)!.entries[key] = value!
    }
  }
  return out
}
const globToRegExp = (glob: string) => new RegExp('^' + glob.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*') + '$')
/** A Kubernetes quantity in its canonical form (what the API server would write back). */
const canonical = (q: string) => /^([1-9]\d*|0)(m|Ki|Mi|Gi)?$/.test(q) && !/^\d*000m$/.test(q) && !/^\d*(1024)(Ki|Mi)$/.test(q)

t.test('which environments get what: from the table', async (t) => {
  for (const env of all) {
    const monitoring = objects(monitoringManifests, env)
    const logging = objects(logShippingManifests, env)
    t.same(monitoring.map((o) => o.kind), env.monitoring === 'prometheus-operator' ? ['ServiceMonitor', 'PrometheusRule', 'ConfigMap'] : [], `${env.name} monitoring`)
    t.same(
      logging.map((o) => o.kind),
      env.logShipping.enabled ? ['ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'ConfigMap', 'ConfigMap', 'NetworkPolicy', 'DaemonSet'] : [],
      `${env.name} log shipping`,
    )
  }
  t.same(monitoringManifests(environments.dev), [], 'dev keeps the scrape annotations only')
  const off = { ...environments.prod, logShipping: { ...environments.prod.logShipping, enabled: false } }
  t.same(logShippingManifests(off), [], 'log shipping off when the table says so')
})

t.test('every object validates and is deterministic', async (t) => {
  for (const env of all) {
    for (const fn of [monitoringManifests, logShippingManifests]) {
      t.equal(JSON.stringify(fn(env)), JSON.stringify(fn(env)), `${env.name} ${fn.name} is stable`)
      for (const o of objects(fn, env)) {
        const Model = models[o.kind]
        t.ok(Model, `${o.kind} has a schema model`)
        t.doesNotThrow(() => new Model!(o).validate(), `${env.name} ${o.kind}/${o.metadata.name} validates`)
      }
    }
  }
})

t.test('namespaces: kustomize sets the overlay\'s; log shipping lives in logging', async (t) => {
  for (const env of all) {
    for (const o of objects(monitoringManifests, env)) t.notOk(o.metadata.namespace, `${o.kind} has no namespace`)
    for (const o of objects(logShippingManifests, env)) {
      if (o.kind.startsWith('Cluster')) t.notOk(o.metadata.namespace, `${o.kind} is cluster-scoped`)
      else t.equal(o.metadata.namespace, 'logging', `${o.kind}/${o.metadata.name} in logging`)
    }
  }
  // staging and prod may share a cluster: their log shipping objects must not collide.
  const key = (o: Obj) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`
  const staging = objects(logShippingManifests, environments.staging).map(key)
  const prod = new Set(objects(logShippingManifests, environments.prod).map(key))
  t.same(staging.filter((k) => prod.has(k)), [])
})

t.test('ServiceMonitor scrapes todo-app-service on its http port', async (t) => {
  const sm = find(objects(monitoringManifests, environments.prod), 'ServiceMonitor')
  // against the rendered Service (kept current by the CI drift check)
  const service = parse(readFileSync(new URL('../../base/service.yaml', import.meta.url), 'utf8'))
  t.equal(service.metadata.name, 'todo-app-service')
  t.has(service.metadata.labels, sm.spec.selector.matchLabels, 'the selector matches the Service\'s labels')
  t.ok(service.spec.ports.some((p: { name: string }) => p.name === sm.spec.endpoints[0].port), 'the Service has the scraped port')
  const deployment = parse(readFileSync(new URL('../../base/deployment.yaml', import.meta.url), 'utf8'))
  t.equal(sm.spec.endpoints[0].path, deployment.spec.template.metadata.annotations['prometheus.io/path'], 'the path the pods announce for scraping')
  t.equal(sm.spec.endpoints[0].path, '/metrics', 'the service\'s metrics route')
  // the route label survives the operator's own `endpoint` target label
  t.match(sm.spec.endpoints[0].metricRelabelings, [{ sourceLabels: ['exported_endpoint'], targetLabel: 'endpoint' }, { action: 'labeldrop' }])
})

t.test('ServiceMonitor and PrometheusRule sync before the Prometheus Operator CRDs exist', async (t) => {
  for (const env of all.filter((e) => e.monitoring === 'prometheus-operator')) {
    const list = objects(monitoringManifests, env)
    for (const kind of ['ServiceMonitor', 'PrometheusRule']) {
      const options = find(list, kind).metadata.annotations?.['argocd.argoproj.io/sync-options'] ?? ''
      t.ok(options.split(',').includes('SkipDryRunOnMissingResource=true'), `${env.name} ${kind}: Argo CD skips its dry run while the CRD is missing`)
    }
  }
})

t.test('Grafana dashboard ConfigMap: sidecar label, one dashboard per environment', async (t) => {
  const uids = new Set<string>()
  for (const env of [environments.staging, environments.prod]) {
    const cm = find(objects(monitoringManifests, env), 'ConfigMap')
    t.equal(cm.metadata.labels?.grafana_dashboard, '1')
    const files = Object.keys(cm.data)
    t.same(files, [`todo-app-${env.name}.json`])
    const dashboard = JSON.parse(cm.data[files[0]!])
    uids.add(dashboard.uid)
    t.ok(dashboard.panels.length >= 8)
    for (const panel of dashboard.panels) {
      t.ok(panel.targets.length > 0, `${panel.title} has queries`)
      for (const target of panel.targets) t.ok(target.expr.includes(`namespace="${env.namespace}"`), `${panel.title} is scoped to ${env.namespace}`)
    }
  }
  t.equal(uids.size, 2)
})

for (const env of all.filter((e) => e.logShipping.enabled)) {
  t.test(`${env.name}: Fluent Bit tails this environment's todo-app logs and ships them to ${env.logShipping.sink}`, async (t) => {
    const list = objects(logShippingManifests, env)
    const config = find(list, 'ConfigMap', `fluent-bit-${env.name}-config`)
    const conf = sections(config.data['fluent-bit.conf'])
    const input = conf.find((s) => s.name === 'INPUT')!.entries
    t.equal(input.Name, 'tail')

    // Kubernetes names container log files <pod>_<namespace>_<container>-<container id>.log
    const path = globToRegExp(input.Path!)
    const id = 'a'.repeat(64)
    t.match(`/var/log/containers/todo-app-deployment-7f9c6b-x2k4p_${env.namespace}_todo-app-${id}.log`, path)
    for (const other of all.filter((e) => e.namespace !== env.namespace)) {
      t.notMatch(`/var/log/containers/todo-app-deployment-7f9c6b-x2k4p_${other.namespace}_todo-app-${id}.log`, path, `not ${other.name}'s logs`)
    }
    t.notMatch(`/var/log/containers/ollama-deployment-5c7d-abcde_${env.namespace}_ollama-${id}.log`, path, 'not Ollama')

    // tail expands * in the tag to the file path with / → . ; the kubernetes filter strips the prefix
    const file = `todo-app-deployment-7f9c6b-x2k4p_${env.namespace}_todo-app-${id}.log`
    const tag = input.Tag!.replace('*', `/var/log/containers/${file}`.slice(1).replaceAll('/', '.'))
    const filters = conf.filter((s) => s.name === 'FILTER').map((s) => s.entries)
    const kube = filters.find((f) => f.Name === 'kubernetes')!
    t.ok(tag.startsWith(kube.Kube_Tag_Prefix!))
    t.equal(tag.slice(kube.Kube_Tag_Prefix!.length), file, 'the filter finds pod, namespace and container in the tag')
    for (const section of conf.filter((s) => s.name !== 'SERVICE' && s.name !== 'INPUT')) {
      t.ok(globToRegExp(section.entries.Match!).test(tag), `${section.name} ${section.entries.Name} matches the input's tag`)
    }

    // the JSON log line is parsed with a parser that parsers.conf defines
    const parser = filters.find((f) => f.Name === 'parser')!
    t.equal(parser.Key_Name, 'log')
    const parsers = sections(config.data['parsers.conf'])
    t.match(parsers.find((p) => p.entries.Name === parser.Parser)?.entries, { Format: 'json' })

    const output = conf.find((s) => s.name === 'OUTPUT')!.entries
    const url = new URL(env.logShipping.url)
    t.equal(output.Name, env.logShipping.sink === 'loki' ? 'loki' : 'es')
    t.equal(output.Host, url.hostname)
    t.equal(output.Port, url.port)
    t.equal(output.tls, url.protocol === 'https:' ? 'On' : 'Off')
    if (env.logShipping.sink === 'loki') t.match(output.Labels, `environment=${env.name}`)
    else t.equal(output.Logstash_Prefix, `todo-app-${env.name}`)
  })

  t.test(`${env.name}: retention of ${env.logRetentionDays} days for the ${env.logShipping.sink} sink`, async (t) => {
    const cm = find(objects(logShippingManifests, env), 'ConfigMap', `todo-app-${env.name}-log-retention`)
    t.equal(cm.metadata.annotations?.['todo-app/retention-days'], String(env.logRetentionDays))
    if (env.logShipping.sink === 'loki') {
      const loki = parse(cm.data['loki-retention.yaml'])
      t.same(loki.limits_config.retention_stream, [
        { selector: `{app="todo-app", environment="${env.name}"}`, priority: 10, period: `${env.logRetentionDays * 24}h` },
      ])
    } else {
      t.equal(ilmPolicyName(env), `todo-app-${env.name}-${env.logRetentionDays}d`)
      t.same(JSON.parse(cm.data['ilm-policy.json']).policy.phases.delete, { min_age: `${env.logRetentionDays}d`, actions: { delete: {} } })
      const template = JSON.parse(cm.data['index-template.json'])
      t.same(template.index_patterns, [`todo-app-${env.name}-*`])
      t.equal(template.template.settings['index.lifecycle.name'], ilmPolicyName(env))
    }
  })

  t.test(`${env.name}: the DaemonSet is pinned, bounded and locked down`, async (t) => {
    const list = objects(logShippingManifests, env)
    const ds = find(list, 'DaemonSet')
    const pod = ds.spec.template.spec
    const [container] = pod.containers
    t.equal(container.image, fluentBitImage)
    t.match(container.image, /^cr\.fluentbit\.io\/fluent\/fluent-bit:\d+\.\d+\.\d+$/)
    for (const kind of ['requests', 'limits']) {
      for (const q of Object.values(container.resources[kind]) as string[]) t.ok(canonical(q), `${kind} ${q} is canonical`)
    }
    t.match(container.securityContext, { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } })
    t.same(pod.securityContext.seccompProfile, { type: 'RuntimeDefault' })
    t.match(container.volumeMounts.find((m: Parsed) => m.name === 'varlog'), { mountPath: '/var/log', readOnly: true })
    t.equal(pod.serviceAccountName, `fluent-bit-${env.name}`)
    t.same(find(list, 'ClusterRole').rules, [{ apiGroups: [''], resources: ['namespaces', 'pods'], verbs: ['get', 'list', 'watch'] }])

    // a config change rolls the pods
    const other = { ...env, logRetentionDays: env.logRetentionDays + 1, logShipping: { ...env.logShipping, url: 'http://other.logging.svc:3100' } }
    const hash = (e: Environment) => (find(logShippingManifests(e) as Obj[], 'DaemonSet').spec.template.metadata.annotations['checksum/config'])
    t.match(hash(env), /^[0-9a-f]{64}$/)
    t.not(hash(other), hash(env))
  })
}

for (const env of all.filter((e) => e.logShipping.enabled)) {
  t.test(`${env.name}: Fluent Bit's HTTP server answers the three probes and the scrape`, async (t) => {
    const list = objects(logShippingManifests, env)
    const service = sections(find(list, 'ConfigMap', `fluent-bit-${env.name}-config`).data['fluent-bit.conf']).find((s) => s.name === 'SERVICE')!.entries
    t.match(service, { HTTP_Server: 'On', Health_Check: 'On' }, 'the HTTP server and its health check are on')
    const ds = find(list, 'DaemonSet')
    const [container] = ds.spec.template.spec.containers
    const port = container.ports.find((p: { containerPort: number }) => String(p.containerPort) === service.HTTP_Port)
    t.ok(port, `the container exposes HTTP_Port ${service.HTTP_Port}`)
    for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
      t.match(container[probe]?.httpGet, { path: '/api/v1/health' }, `${probe} asks the health endpoint`)
      t.ok([port.name, port.containerPort].includes(container[probe].httpGet.port), `${probe} on the HTTP port`)
    }
    t.equal(ds.spec.template.metadata.annotations['prometheus.io/port'], service.HTTP_Port, 'scraped on the same port')
  })

  t.test(`${env.name}: a NetworkPolicy isolates Fluent Bit both ways and allows only what it needs`, async (t) => {
    const list = objects(logShippingManifests, env)
    const ds = find(list, 'DaemonSet')
    const np = find(list, 'NetworkPolicy')
    t.equal(np.metadata.name, `fluent-bit-${env.name}`, 'named for its environment (staging and prod share logging)')
    t.equal(np.metadata.namespace, clusterServices.loggingNamespace)
    const podLabels = ds.spec.template.metadata.labels
    t.ok(Object.keys(np.spec.podSelector.matchLabels).length > 0, 'selects by label')
    t.has(podLabels, np.spec.podSelector.matchLabels, 'selects the DaemonSet\'s pods')
    t.same(np.spec.podSelector.matchLabels, ds.spec.selector.matchLabels, 'and only them (the DaemonSet\'s own selector)')
    t.same(np.spec.policyTypes.sort(), ['Egress', 'Ingress'], 'default deny in both directions')

    const ns = (name: string) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } } })
    const metricsPort = Number(ds.spec.template.metadata.annotations['prometheus.io/port'])
    t.same(np.spec.ingress, [{ from: [ns(clusterServices.monitoringNamespace)], ports: [{ port: metricsPort, protocol: 'TCP' }] }],
      'ingress: the monitoring namespace, on the scraped port only')

    const egress = np.spec.egress as Array<{ to?: Parsed[]; ports: Array<{ port: number; protocol: string }> }>
    const portsOf = (rule: { ports: Array<{ port: number; protocol: string }> }) => rule.ports.map((p) => `${p.port}/${p.protocol}`).sort()
    const dns = egress.find((r) => portsOf(r).includes('53/UDP'))!
    t.same(portsOf(dns), ['53/TCP', '53/UDP'], 'DNS over UDP and TCP')
    t.match(dns.to, [{ ...ns('kube-system'), podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], 'to the cluster DNS only')
    const url = new URL(env.logShipping.url)
    const sink = egress.find((r) => portsOf(r).includes(`${url.port}/TCP`))!
    t.ok(sink, `the sink's port ${url.port} from the table's URL`)
    t.same(sink.to, [ns(url.hostname.split('.')[1]!)], 'to the sink\'s namespace')
    const api = egress.find((r) => portsOf(r).includes('443/TCP'))!
    t.same(portsOf(api), apiServerPorts.map((p) => `${p}/TCP`).sort(), 'the API server for the kubernetes filter')
    t.same(apiServerPorts, [443, 6443])
    t.equal(egress.length, 3, 'nothing else')
  })
}

t.test('the sink rule follows the URL: a cluster Service by namespace, any other host by port', async (t) => {
  t.equal(sinkNamespace('loki.logging.svc'), 'logging')
  t.equal(sinkNamespace('elasticsearch.search.svc.cluster.local'), 'search')
  t.equal(sinkNamespace('logs.example.com'), undefined)
  t.equal(sinkNamespace('10.0.0.7'), undefined)
  const external = { ...environments.prod, logShipping: { ...environments.prod.logShipping, url: 'https://logs.example.com' } }
  const np = find(logShippingManifests(external) as Obj[], 'NetworkPolicy')
  t.same(np.spec.egress[1], { ports: [{ port: 443, protocol: 'TCP' }] }, 'an external sink: its port (443 by default for https), any address')
})

t.test('bad log shipping settings are clear errors', async (t) => {
  const prod = environments.prod
  t.throws(() => logShippingManifests({ ...prod, logShipping: { ...prod.logShipping, url: 'elasticsearch:9200' } }), /environments\.prod\.logShipping\.url/)
  t.throws(() => logShippingManifests({ ...prod, logShipping: { ...prod.logShipping, url: 'not a url' } }), /environments\.prod\.logShipping\.url: "not a url"/)
  const staging = environments.staging
  t.throws(() => logShippingManifests({ ...staging, logRetentionDays: 0 }), /environments\.staging\.logRetentionDays/)
})
