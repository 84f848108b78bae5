// Optional Fluent Bit log shipping for one environment (FR-43): a DaemonSet in the logging namespace that
// tails the todo-app containers' JSON log lines on every node, adds pod metadata and ships them to Loki
// or Elasticsearch (environments.ts: logShipping). Names carry the environment, so staging and prod can
// share a cluster without clashing. Retention is the sink's job (see retentionConfigMap). A NetworkPolicy
// isolates the pods both ways (FR-46), like every other workload.
import { createHash } from 'node:crypto'
import { k8s } from 'cdk8s-plus-28'
import { clusterServices, type Environment } from '../environments.ts'
import { names as objectNames, partOf } from '../constants.ts'
import { objectsOf, type KubeObject } from '../chart.ts'

export const fluentBitImage = 'cr.fluentbit.io/fluent/fluent-bit:4.2.0'

/** Where the DaemonSet keeps its tail positions on the node, so a restart neither re-ships nor skips lines. */
const stateDir = '/var/lib/fluent-bit'

/** Fluent Bit's HTTP server: health (the probes) and Prometheus metrics (scraped from the monitoring namespace). */
const httpPort = 2020
const healthPath = '/api/v1/health'

/** The API server as the kubernetes filter reaches it: 443 on the kubernetes.default Service, which a
 *  NetworkPolicy sees translated to the API server's own address and port (6443 on kubeadm clusters). */
export const apiServerPorts = [443, 6443]

function names(env: Environment) {
  const base = `fluent-bit-${env.name}`
  return { base, config: `${base}-config`, retention: `todo-app-${env.name}-log-retention` }
}

function labels(env: Environment): Record<string, string> {
  return {
    'app.kubernetes.io/name': 'fluent-bit',
    'app.kubernetes.io/instance': names(env).base,
    'app.kubernetes.io/component': 'log-shipping',
    ...partOf,
  }
}

/** What the DaemonSet selects its pods by, and the NetworkPolicy too. */
function selector(env: Environment): Record<string, string> {
  return { 'app.kubernetes.io/instance': names(env).base }
}

function meta(env: Environment, name: string, namespaced = true): k8s.ObjectMeta {
  return { name, ...(namespaced ? { namespace: clusterServices.loggingNamespace } : {}), labels: labels(env) }
}

/** The sink's address from the table's URL; a bad URL is a clear error, not a broken config. */
export function sinkAddress(env: Environment): { host: string; port: number; tls: boolean } {
  let url: URL
  try {
    url = new URL(env.logShipping.url)
  } catch {
    throw new Error(`environments.${env.name}.logShipping.url: "${env.logShipping.url}" is not a URL (expected http(s)://host:port)`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`environments.${env.name}.logShipping.url: "${env.logShipping.url}" must start with http:// or https://`)
  }
  const tls = url.protocol === 'https:'
  return { host: url.hostname, port: url.port ? Number(url.port) : tls ? 443 : 80, tls }
}

/** The namespace of an in-cluster sink (<service>.<namespace>.svc[.cluster.local]); undefined for any other host. */
export function sinkNamespace(host: string): string | undefined {
  const match = /^[a-z0-9-]+\.([a-z0-9-]+)\.svc(\.cluster\.local)?\.?$/.exec(host)
  return match?.[1]
}

/** Days as a Loki duration in hours, which every Loki version parses. */
function retentionHours(env: Environment): string {
  if (!Number.isInteger(env.logRetentionDays) || env.logRetentionDays < 1) {
    throw new Error(`environments.${env.name}.logRetentionDays: ${env.logRetentionDays} must be a whole number of days ≥ 1`)
  }
  return `${env.logRetentionDays * 24}h`
}

/** Elasticsearch: daily indices todo-app-<env>-YYYY.MM.DD, deleted by this ILM policy. */
export function ilmPolicyName(env: Environment): string {
  return `todo-app-${env.name}-${env.logRetentionDays}d`
}

/** Fluent Bit's classic config: lines of `key value` under [SECTION] headers, aligned for reading. */
function section(name: string, entries: Array<[string, string | number]>): string {
  return [`[${name}]`, ...entries.map(([k, v]) => `    ${k.padEnd(20)} ${v}`)].join('\n') + '\n'
}

function outputSection(env: Environment, tag: string): string {
  const { host, port, tls } = sinkAddress(env)
  const common: Array<[string, string | number]> = [
    ['Match', tag],
    ['Host', host],
    ['Port', port],
    ['tls', tls ? 'On' : 'Off'],
    ...(tls ? ([['tls.verify', 'On']] as Array<[string, string]>) : []),
    ['Retry_Limit', 5],
  ]
  if (env.logShipping.sink === 'loki') {
    return section('OUTPUT', [
      ['Name', 'loki'],
      ...common,
      // Few, bounded labels (Loki indexes them); the rest of the record stays in the JSON line.
      [
        'Labels',
        `app=todo-app, environment=${env.name}, namespace=$kubernetes['namespace_name'], ` +
          `pod=$kubernetes['pod_name'], level=$level`,
      ],
      ['Line_Format', 'json'],
    ])
  }
  return section('OUTPUT', [
    ['Name', 'es'],
    ...common,
    ...(tls ? ([['tls.ca_file', '/fluent-bit/es/ca.crt']] as Array<[string, string]>) : []),
    ['HTTP_User', '${ES_USERNAME}'],
    ['HTTP_Passwd', '${ES_PASSWORD}'],
    ['Logstash_Format', 'On'],
    ['Logstash_Prefix', `todo-app-${env.name}`],
    ['Suppress_Type_Name', 'On'],
    ['Replace_Dots', 'On'],
    ['Trace_Error', 'On'],
  ])
}

/** fluent-bit.conf: tail → JSON parse → Kubernetes metadata → sink. */
function fluentBitConf(env: Environment): string {
  const tag = `todo.${env.name}.*`
  return [
    section('SERVICE', [
      ['Flush', 5],
      ['Log_Level', 'info'],
      ['Parsers_File', '/fluent-bit/etc/parsers.conf'],
      ['HTTP_Server', 'On'],
      ['HTTP_Listen', '0.0.0.0'],
      ['HTTP_Port', httpPort],
      ['Health_Check', 'On'],
    ]),
    section('INPUT', [
      ['Name', 'tail'],
      ['Tag', tag],
      // Only this environment's todo-app containers: <pod>_<namespace>_<container>-<id>.log
      ['Path', `/var/log/containers/${objectNames.deployment}*_${env.namespace}_*.log`],
      // The container runtime wraps each line (CRI or Docker format); these built-ins unwrap it into `log`.
      ['multiline.parser', 'cri, docker'],
      ['DB', `${stateDir}/todo-app-${env.name}.db`],
      ['Mem_Buf_Limit', '5MB'],
      ['Skip_Long_Lines', 'On'],
      ['Refresh_Interval', 10],
    ]),
    // The service writes one JSON object per line (timestamp, level, message, request_id, session_id...).
    section('FILTER', [
      ['Name', 'parser'],
      ['Match', tag],
      ['Key_Name', 'log'],
      ['Parser', 'todo_app_json'],
      ['Reserve_Data', 'On'],
    ]),
    section('FILTER', [
      ['Name', 'kubernetes'],
      ['Match', tag],
      ['Kube_Tag_Prefix', `todo.${env.name}.var.log.containers.`],
      ['Merge_Log', 'Off'],
      ['Labels', 'On'],
      ['Annotations', 'Off'],
    ]),
    section('FILTER', [
      ['Name', 'modify'],
      ['Match', tag],
      ['Add', `environment ${env.name}`],
    ]),
    outputSection(env, tag),
  ].join('\n')
}

/** parsers.conf: the service's log line is plain JSON; the record keeps the runtime's timestamp. */
function parsersConf(): string {
  return section('PARSER', [
    ['Name', 'todo_app_json'],
    ['Format', 'json'],
  ])
}

/** The sink's own retention settings for this environment. Neither Loki nor Elasticsearch reads
 *  Kubernetes objects, so an operator applies these once to the sink (docs/observability.md). */
function retentionConfigMap(env: Environment): k8s.KubeConfigMapProps {
  const data: Record<string, string> =
    env.logShipping.sink === 'loki'
      ? {
          // Merge into Loki's limits_config (compactor.retention_enabled: true); matches the Labels above.
          'loki-retention.yaml':
            'limits_config:\n' +
            '  retention_stream:\n' +
            `    - selector: '{app="todo-app", environment="${env.name}"}'\n` +
            '      priority: 10\n' +
            `      period: ${retentionHours(env)}\n`,
        }
      : {
          'ilm-policy.json':
            JSON.stringify(
              { policy: { phases: { delete: { min_age: `${env.logRetentionDays}d`, actions: { delete: {} } } } } },
              null,
              2,
            ) + '\n',
          'index-template.json':
            JSON.stringify(
              {
                index_patterns: [`todo-app-${env.name}-*`],
                template: { settings: { 'index.lifecycle.name': ilmPolicyName(env) } },
              },
              null,
              2,
            ) + '\n',
        }
  return {
    metadata: {
      ...meta(env, names(env).retention),
      annotations: {
        'todo-app/retention-days': String(env.logRetentionDays),
        'todo-app/apply': 'applied to the log sink by an operator: see docs/observability.md#log-retention',
        ...(env.logShipping.sink === 'elasticsearch' ? { 'todo-app/ilm-policy': ilmPolicyName(env) } : {}),
      },
    },
    data,
  }
}

/** Fluent Bit's configuration files. */
function configData(env: Environment): Record<string, string> {
  return { 'fluent-bit.conf': fluentBitConf(env), 'parsers.conf': parsersConf() }
}

const quantity = (value: string) => k8s.Quantity.fromString(value)

function daemonSet(env: Environment): k8s.KubeDaemonSetProps {
  const n = names(env)
  // A config change must roll the pods: the ConfigMap's hash goes into the pod template.
  const configHash = createHash('sha256').update(JSON.stringify(configData(env))).digest('hex')
  const es = env.logShipping.sink === 'elasticsearch'
  const esSecret = 'fluent-bit-es-credentials'
  const secretEnv = (name: string, key: string): k8s.EnvVar => ({ name, valueFrom: { secretKeyRef: { name: esSecret, key } } })
  const health: k8s.HttpGetAction = { path: healthPath, port: k8s.IntOrString.fromString('http') }
  return {
    metadata: meta(env, n.base),
    spec: {
      selector: { matchLabels: selector(env) },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(1) } },
      template: {
        metadata: {
          labels: labels(env),
          annotations: {
            'checksum/config': configHash,
            'prometheus.io/scrape': 'true',
            'prometheus.io/port': String(httpPort),
            'prometheus.io/path': '/api/v2/metrics/prometheus',
          },
        },
        spec: {
          serviceAccountName: n.base,
          automountServiceAccountToken: true, // the kubernetes filter reads pod metadata from the API
          terminationGracePeriodSeconds: 30,
          // Root without capabilities: container log files on the node are root-owned (0640), so only
          // uid 0 can read them; nothing else is granted (no privilege escalation, read-only root fs).
          securityContext: { runAsUser: 0, runAsGroup: 0, runAsNonRoot: false, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name: 'fluent-bit',
              image: fluentBitImage,
              imagePullPolicy: 'IfNotPresent',
              ports: [{ name: 'http', containerPort: httpPort, protocol: 'TCP' }],
              ...(es ? { env: [secretEnv('ES_USERNAME', 'username'), secretEnv('ES_PASSWORD', 'password')] } : {}),
              resources: {
                requests: { cpu: quantity('50m'), memory: quantity('64Mi') },
                limits: { cpu: quantity('200m'), memory: quantity('128Mi') },
              },
              securityContext: {
                allowPrivilegeEscalation: false,
                privileged: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
              // Health_Check On: /api/v1/health fails once outputs keep erroring or exhausting retries, so a stuck
              // pipeline is restarted. Up to a minute to start (reading the tail DB), then liveness takes over.
              startupProbe: { httpGet: health, periodSeconds: 5, failureThreshold: 12 },
              livenessProbe: { httpGet: health, periodSeconds: 30 },
              readinessProbe: { httpGet: health, periodSeconds: 10 },
              volumeMounts: [
                { name: 'config', mountPath: '/fluent-bit/etc/', readOnly: true },
                { name: 'varlog', mountPath: '/var/log', readOnly: true },
                { name: 'state', mountPath: stateDir },
                ...(es ? [{ name: 'es-ca', mountPath: '/fluent-bit/es', readOnly: true }] : []),
              ],
            },
          ],
          volumes: [
            { name: 'config', configMap: { name: n.config } },
            // /var/log/containers holds symlinks into /var/log/pods: mount the whole of /var/log.
            { name: 'varlog', hostPath: { path: '/var/log', type: 'Directory' } },
            { name: 'state', hostPath: { path: stateDir, type: 'DirectoryOrCreate' } },
            ...(es ? [{ name: 'es-ca', secret: { secretName: esSecret, items: [{ key: 'ca.crt', path: 'ca.crt' }] } }] : []),
          ],
        },
      },
    },
  }
}

const tcp = (port: number): k8s.NetworkPolicyPort => ({ port: k8s.IntOrString.fromNumber(port), protocol: 'TCP' })
const inNamespace = (name: string): k8s.NetworkPolicyPeer => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } } })

/** Default deny both ways for the Fluent Bit pods, then: Prometheus may scrape the HTTP port; the pods may
 *  resolve names, reach the sink (in its namespace when it is a cluster Service) and the API server. */
function networkPolicy(env: Environment): k8s.KubeNetworkPolicyProps {
  const sink = sinkAddress(env)
  const sinkNs = sinkNamespace(sink.host)
  return {
    metadata: meta(env, names(env).base),
    spec: {
      podSelector: { matchLabels: selector(env) },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [inNamespace(clusterServices.monitoringNamespace)], ports: [tcp(httpPort)] }],
      egress: [
        {
          to: [{ ...inNamespace('kube-system'), podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
          ports: [{ port: k8s.IntOrString.fromNumber(53), protocol: 'UDP' }, tcp(53)],
        },
        // An external sink's address is not known to the cluster: there the port is the whole rule.
        { ...(sinkNs ? { to: [inNamespace(sinkNs)] } : {}), ports: [tcp(sink.port)] },
        // The API server is no pod: its address depends on the cluster, so the rule is by port.
        { ports: apiServerPorts.map(tcp) },
      ],
    },
  }
}

/** The log shipping objects for one environment, or [] when the table leaves it off. */
export function fluentBitManifests(env: Environment): KubeObject[] {
  if (!env.logShipping.enabled) return []
  const n = names(env)
  return objectsOf((chart) => {
    new k8s.KubeServiceAccount(chart, 'sa', { metadata: meta(env, n.base) })
    new k8s.KubeClusterRole(chart, 'role', {
      metadata: meta(env, n.base, false),
      // Read-only pod and namespace metadata for the kubernetes filter; nothing else.
      rules: [{ apiGroups: [''], resources: ['namespaces', 'pods'], verbs: ['get', 'list', 'watch'] }],
    })
    new k8s.KubeClusterRoleBinding(chart, 'binding', {
      metadata: meta(env, n.base, false),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: n.base },
      subjects: [{ kind: 'ServiceAccount', name: n.base, namespace: clusterServices.loggingNamespace }],
    })
    new k8s.KubeConfigMap(chart, 'config', { metadata: meta(env, n.config), data: configData(env) })
    new k8s.KubeConfigMap(chart, 'retention', retentionConfigMap(env))
    new k8s.KubeNetworkPolicy(chart, 'policy', networkPolicy(env))
    new k8s.KubeDaemonSet(chart, 'daemonset', daemonSet(env))
  })
}
