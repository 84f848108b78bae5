// base/: the objects every environment shares, and its kustomization.yaml. No namespace (overlays set it),
// no Secret or SealedSecret (the environment provides todo-app-secrets), no storage (SQLite claim or PostgreSQL:
// the environment's), no per-environment values.
import { Size } from 'cdk8s'
import * as kplus from 'cdk8s-plus-28'
import { k8s } from 'cdk8s-plus-28'
import {
  baseConfig, baseResources, names, partOf, podLabels, port, portName, probes, scrapeAnnotations, secretKeys,
  selectorLabels, servicePort, shutdown, syncWaveKey, waves, appVersion,
} from './constants.ts'
import { objectsOf } from './chart.ts'
import type { KubeObject } from './chart.ts'
import { ClusterIpService, HardenedDeployment, containerSecurity, httpProbe } from './workload.ts'
import { clusterServices } from './environments.ts'
import { yamlFile } from './yaml.ts'

const prerequisite = { [syncWaveKey]: waves.prerequisites }

function deployment(): KubeObject[] {
  return objectsOf((chart) => {
    const sa = kplus.ServiceAccount.fromServiceAccountName(chart, 'sa', names.serviceAccount)
    const config = kplus.ConfigMap.fromConfigMapName(chart, 'config', names.config)
    const secret = kplus.Secret.fromSecretName(chart, 'secret', names.secret)
    const tmp = kplus.Volume.fromEmptyDir(chart, 'tmp', 'tmp', { sizeLimit: Size.mebibytes(64) })
    new HardenedDeployment(chart, 'deployment', {
      name: names.deployment,
      labels: { ...podLabels, version: appVersion },
      selector: selectorLabels,
      podLabels,
      podAnnotations: scrapeAnnotations,
      annotations: { [syncWaveKey]: waves.workloads },
      replicas: 1,
      strategy: kplus.DeploymentStrategy.rollingUpdate({
        maxSurge: kplus.PercentOrAbsolute.absolute(1),
        maxUnavailable: kplus.PercentOrAbsolute.absolute(0),
      }),
      serviceAccount: sa,
      terminationGracePeriodSeconds: shutdown.terminationGracePeriodSeconds,
      // The data volume, if any, is the environment's (overlays: a claim for SQLite, none for PostgreSQL).
      volumes: [tmp],
      resources: { [names.container]: baseResources },
      containers: [
        {
          name: names.container,
          image: names.image,
          imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
          ports: [{ number: port, name: portName, protocol: kplus.Protocol.TCP }],
          envFrom: [kplus.Env.fromConfigMap(config)],
          envVariables: {
            OPENAI_API_KEY: kplus.EnvValue.fromSecretValue({ secret, key: secretKeys.openaiApiKey }, { optional: false }),
            JWT_SECRET: kplus.EnvValue.fromSecretValue({ secret, key: secretKeys.jwtSecret }, { optional: false }),
            // The key before the last rotation: tokens it signed stay valid until they expire (docs/secrets.md).
            JWT_SECRET_PREVIOUS: kplus.EnvValue.fromSecretValue({ secret, key: secretKeys.jwtSecretPrevious }, { optional: true }),
          },
          volumeMounts: [{ path: '/tmp', volume: tmp }],
          startup: httpProbe(probes.startup, port),
          readiness: httpProbe(probes.readiness, port),
          liveness: httpProbe(probes.liveness, port),
          lifecycle: { preStop: kplus.Handler.fromCommand([...shutdown.preStop]) },
          securityContext: containerSecurity,
        },
      ],
    })
  })
}

function service(): KubeObject[] {
  return objectsOf((chart) => {
    // No session affinity: sessions live in the shared store, so any pod serves any session (and
    // ingress-nginx picks the pod itself, bypassing a Service's affinity anyway).
    new ClusterIpService(chart, 'service', {
      name: names.service,
      labels: podLabels,
      selector: selectorLabels,
      port: servicePort,
      targetPort: port,
    })
  })
}

function rbac(): KubeObject[] {
  return objectsOf((chart) => {
    // The service never calls the API server: its token is not even mounted. The Role (FR-47) is limited
    // to reading its own config and secret by name (kustomize rewrites the name to the hashed ConfigMap).
    const sa = new kplus.ServiceAccount(chart, 'sa', {
      metadata: { name: names.serviceAccount, labels: podLabels, annotations: prerequisite },
      automountToken: false,
    })
    const role = new kplus.Role(chart, 'role', { metadata: { name: names.role, labels: podLabels, annotations: prerequisite } })
    role.allowGet(kplus.ConfigMap.fromConfigMapName(chart, 'config', names.config))
    role.allowGet(kplus.Secret.fromSecretName(chart, 'secret', names.secret))
    const binding = new kplus.RoleBinding(chart, 'binding', {
      metadata: { name: names.roleBinding, labels: podLabels, annotations: prerequisite },
      role,
    })
    binding.addSubjects(sa)
  })
}

const dnsEgress = {
  to: [{
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
    podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
  }],
  ports: [{ port: k8s.IntOrString.fromNumber(53), protocol: 'UDP' }, { port: k8s.IntOrString.fromNumber(53), protocol: 'TCP' }],
}

const fromNamespace = (name: string) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } } })

function networkPolicies(): KubeObject[] {
  return objectsOf((chart) => {
    const meta = (name: string) => ({ name, labels: partOf, annotations: prerequisite })
    new k8s.KubeNetworkPolicy(chart, 'deny', {
      metadata: meta('default-deny-all'),
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    })
    new k8s.KubeNetworkPolicy(chart, 'dns', {
      metadata: meta('allow-dns-egress'),
      spec: { podSelector: {}, policyTypes: ['Egress'], egress: [dnsEgress] },
    })
    new k8s.KubeNetworkPolicy(chart, 'app-ingress', {
      metadata: meta('todo-app-ingress'),
      spec: {
        podSelector: { matchLabels: selectorLabels },
        policyTypes: ['Ingress'],
        ingress: [{
          from: [fromNamespace(clusterServices.ingressNamespace), fromNamespace(clusterServices.monitoringNamespace)],
          ports: [{ port: k8s.IntOrString.fromNumber(port), protocol: 'TCP' }],
        }],
      },
    })
  })
}

function kustomization(): Record<string, unknown> {
  return {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    labels: [{ pairs: partOf, includeSelectors: false }],
    resources: ['deployment.yaml', 'service.yaml', 'rbac.yaml', 'network-policies.yaml'],
    // A generated ConfigMap's name carries a hash of its data, so a config change rolls the pods (AC-7).
    configMapGenerator: [{
      name: names.config,
      literals: Object.entries(baseConfig).map(([k, v]) => `${k}=${v}`),
      options: { annotations: prerequisite, labels: podLabels },
    }],
  }
}

/** base/<file> -> content */
export function renderBase(): Record<string, string> {
  return {
    'base/kustomization.yaml': yamlFile([kustomization()]),
    'base/deployment.yaml': yamlFile(deployment()),
    'base/service.yaml': yamlFile(service()),
    'base/rbac.yaml': yamlFile(rbac()),
    'base/network-policies.yaml': yamlFile(networkPolicies()),
  }
}
