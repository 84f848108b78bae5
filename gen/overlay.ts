// overlays/<env>/: only what differs from base/, all of it taken from the environments table.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import * as kplus from 'cdk8s-plus-28'
import { k8s } from 'cdk8s-plus-28'
import type { Environment } from './environments.ts'
import { clusters, clusterServices } from './environments.ts'
import { baseConfig, keepOnDelete, names, partOf, port, portName, secretKeys, selectorLabels, servicePort, syncWaveKey, waves } from './constants.ts'
import { objectsOf } from './chart.ts'
import type { KubeObject } from './chart.ts'
import { kustomizeImage } from './image.ts'
import { ollamaObjects, ollamaPort } from './ollama.ts'
import { rollsOnSecretChange } from './argocd-addons.ts'
import { monitoringManifests } from './observability/index.ts'
import { yamlFile } from './yaml.ts'
import { postgresProps, sqliteClaim, storageConfig, storageDeploymentPatch } from './database.ts'
import { postgresObjects } from './postgres.ts'
import { externalSecretProps } from './secret-source.ts'
import { externalSecretObjects } from './external-secrets.ts'

/** Where scripts/seal-secret.mjs puts an environment's SealedSecret, and the kustomization that lists it. */
function sealedSecretDir(env: Environment): string {
  return `sealed-secrets/${env.name}`
}

/** The overlay includes the SealedSecret directory only once the seal script has written it. */
function sealedSecretsPresent(root: string, env: Environment): boolean {
  const dir = join(root, sealedSecretDir(env))
  const kustomization = existsSync(join(dir, 'kustomization.yaml'))
  if (existsSync(dir) && env.secret !== 'sealed') {
    throw new Error(`${sealedSecretDir(env)}/ exists, but environments.${env.name}.secret is '${env.secret}': remove one of them`)
  }
  if (!kustomization && existsSync(join(dir, `${names.secret}.yaml`))) {
    throw new Error(`${sealedSecretDir(env)}/${names.secret}.yaml has no kustomization.yaml next to it: re-run scripts/seal-secret.mjs`)
  }
  return kustomization
}

/** The service's settings for the in-cluster Ollama, derived from the table's `ollama` and its Service. */
function ollamaConfig(env: Environment): Record<string, string> {
  if (!env.ollama) return {}
  return { OLLAMA_ENDPOINT: `http://${names.ollama.service}:${ollamaPort}`, OLLAMA_MODEL: env.ollama.model }
}

/** The environment's own settings over the base ConfigMap: its storage, the table's config, the derived Ollama ones. */
export function overlayConfig(env: Environment): Record<string, string> {
  const merged = { ...storageConfig(env), ...env.config, ...ollamaConfig(env) }
  return Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]))
}

/** Config values that differ from the base ConfigMap, as configMapGenerator literals. */
export function configDelta(env: Environment): string[] {
  return Object.entries(overlayConfig(env))
    .filter(([k, v]) => baseConfig[k] !== v)
    .map(([k, v]) => `${k}=${v}`)
}

function namespace(env: Environment): KubeObject[] {
  return objectsOf((chart) => {
    new kplus.Namespace(chart, 'ns', {
      metadata: {
        name: env.namespace,
        // Deleting the Application (or the root pruning it) must not delete the namespace and the data in it.
        annotations: { [syncWaveKey]: waves.namespace, ...keepOnDelete },
        // FR-46: the API server itself rejects any pod that breaks the restricted Pod Security Standard.
        labels: {
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': 'v1.28',
          'pod-security.kubernetes.io/audit': 'restricted',
          'pod-security.kubernetes.io/warn': 'restricted',
        },
      },
    })
  })
}

function deploymentPatch(env: Environment): Record<string, unknown> {
  // Without the OpenAI backend the key is not needed, so the pod must not wait for it.
  const keyOptional = env.config.AI_BACKEND !== 'openai'
  const storage = storageDeploymentPatch(env)
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    // Stakater Reloader rolls the pods when todo-app-secrets changes (a rotation), one at a time.
    metadata: { name: names.deployment, ...(rollsOnSecretChange(env) ? { annotations: { 'secret.reloader.stakater.com/reload': names.secret } } : {}) },
    spec: {
      template: {
        spec: {
          containers: [{
            name: names.container,
            imagePullPolicy: env.imagePullPolicy,
            resources: { limits: env.resources.limits, requests: env.resources.requests },
            env: [{
              name: 'OPENAI_API_KEY',
              valueFrom: { secretKeyRef: { name: names.secret, key: secretKeys.openaiApiKey, optional: keyOptional } },
            }, ...storage.env],
            ...(storage.volumeMounts.length ? { volumeMounts: storage.volumeMounts } : {}),
          }],
          ...(storage.volumes.length ? { volumes: storage.volumes } : {}),
        },
      },
    },
  }
}

function servicePatch(env: Environment): Record<string, unknown> {
  const httpPort: Record<string, unknown> = { name: portName, port: servicePort, protocol: 'TCP' }
  if (env.exposure.nodePort !== undefined) httpPort.nodePort = env.exposure.nodePort
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: names.service },
    spec: { type: env.exposure.serviceType, ports: [httpPort] },
  }
}

function ingress(env: Environment): KubeObject[] {
  const tls = env.exposure.tls
  return objectsOf((chart) => {
    new k8s.KubeIngress(chart, 'ingress', {
      metadata: {
        name: names.ingress,
        labels: selectorLabels,
        // FR-27: cert-manager issues the certificate named in tls.secretName.
        annotations: tls
          ? { 'cert-manager.io/cluster-issuer': tls.clusterIssuer, 'nginx.ingress.kubernetes.io/ssl-redirect': 'true' }
          : undefined,
      },
      spec: {
        ingressClassName: clusterServices.ingressClassName,
        tls: tls ? [{ hosts: [env.exposure.host], secretName: tls.secretName }] : undefined,
        rules: [{
          host: env.exposure.host,
          http: {
            paths: [{
              path: '/',
              pathType: 'Prefix',
              backend: { service: { name: names.service, port: { number: servicePort } } },
            }],
          },
        }],
      },
    })
  })
}

const tcp = (p: number) => ({ port: k8s.IntOrString.fromNumber(p), protocol: 'TCP' })

/** The pods cert-manager starts in the app's namespace to answer an ACME HTTP-01 challenge, and their port. */
export const acmeSolver = { labels: { 'acme.cert-manager.io/http01-solver': 'true' }, port: 8089 }
const privateRanges = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16']

/** The environment's own allowances on top of base/'s default deny (FR-46). */
function networkPolicies(env: Environment): KubeObject[] {
  return objectsOf((chart) => {
    const meta = (name: string) => ({ name, labels: partOf, annotations: { [syncWaveKey]: waves.prerequisites } })
    const app = { matchLabels: selectorLabels }
    if (env.exposure.serviceType === 'NodePort') {
      // A NodePort is reached from the node's address, not from a namespace: allow the port from any address
      // but the cluster's pods (those get no way around the namespace rules).
      const podCidr = clusters[env.cluster].podCidr!
      new k8s.KubeNetworkPolicy(chart, 'nodeport', {
        metadata: meta('todo-app-ingress-nodeport'),
        spec: {
          podSelector: app,
          policyTypes: ['Ingress'],
          ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0', except: [podCidr] } }], ports: [tcp(port)] }],
        },
      })
    }
    if (env.exposure.tls) {
      // default-deny-all isolates cert-manager's HTTP-01 solver pods too: without this, ingress-nginx cannot
      // reach them and the certificate is never issued.
      new k8s.KubeNetworkPolicy(chart, 'acme-solver', {
        metadata: meta('acme-http01-solver-ingress'),
        spec: {
          podSelector: { matchLabels: acmeSolver.labels },
          policyTypes: ['Ingress'],
          ingress: [{
            from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': clusterServices.ingressNamespace } } }],
            ports: [tcp(acmeSolver.port)],
          }],
        },
      })
    }
    if (env.config.AI_BACKEND === 'openai') {
      new k8s.KubeNetworkPolicy(chart, 'https', {
        metadata: meta('todo-app-egress-https'),
        spec: {
          podSelector: app,
          policyTypes: ['Egress'],
          egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: privateRanges } }], ports: [tcp(443)] }],
        },
      })
    }
    if (env.ollama) {
      const ollama = { matchLabels: { app: names.ollama.app } }
      new k8s.KubeNetworkPolicy(chart, 'to-ollama', {
        metadata: meta('todo-app-egress-ollama'),
        spec: { podSelector: app, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: ollama }], ports: [tcp(ollamaPort)] }] },
      })
      new k8s.KubeNetworkPolicy(chart, 'ollama-ingress', {
        metadata: meta('ollama-ingress'),
        spec: { podSelector: ollama, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: app }], ports: [tcp(ollamaPort)] }] },
      })
      // The init container pulls the model from the Ollama registry over HTTPS.
      new k8s.KubeNetworkPolicy(chart, 'ollama-https', {
        metadata: meta('ollama-egress-https'),
        spec: {
          podSelector: ollama,
          policyTypes: ['Egress'],
          egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: privateRanges } }], ports: [tcp(443)] }],
        },
      })
    }
  })
}

function autoscaling(env: Environment): KubeObject[] {
  return objectsOf((chart) => {
    if (env.autoscaling) {
      new k8s.KubeHorizontalPodAutoscalerV2(chart, 'hpa', {
        metadata: { name: 'todo-app-hpa', labels: selectorLabels },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: names.deployment },
          minReplicas: env.autoscaling.minReplicas,
          maxReplicas: env.autoscaling.maxReplicas,
          metrics: [{
            type: 'Resource',
            resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: env.autoscaling.cpuUtilizationPercent } },
          }],
        },
      })
    }
    if (env.podDisruptionBudget) {
      new k8s.KubePodDisruptionBudget(chart, 'pdb', {
        metadata: { name: 'todo-app-pdb', labels: selectorLabels },
        spec: { minAvailable: k8s.IntOrString.fromNumber(env.podDisruptionBudget.minAvailable), selector: { matchLabels: selectorLabels } },
      })
    }
  })
}

// The SealedSecret comes from sealed-secrets/<env>/, written by the seal script: give it its wave here.
const sealedSecretWave = {
  target: { group: 'bitnami.com', kind: 'SealedSecret' },
  patch: yamlBody({
    apiVersion: 'bitnami.com/v1alpha1',
    kind: 'SealedSecret',
    metadata: { name: names.secret, annotations: { [syncWaveKey]: waves.prerequisites } },
  }),
}

function yamlBody(obj: unknown): string {
  return yamlFile([obj]).split('\n').slice(1).join('\n')
}

export interface RenderedOverlay {
  /** overlays/<env>/<file> -> content */
  files: Record<string, string>
  /** The whole objects the overlay adds to the base (not its patches). */
  objects: KubeObject[]
}

/** `root` is the repository (to see whether the environment's SealedSecret exists). */
export function renderOverlay(root: string, env: Environment): RenderedOverlay {
  const dir = `overlays/${env.name}`
  const files: Record<string, string> = {}
  const objects: KubeObject[] = []
  const resources = ['../../base']
  const add = (file: string, docs: KubeObject[]) => {
    if (docs.length === 0) return
    files[`${dir}/${file}`] = yamlFile(docs)
    objects.push(...docs)
    resources.push(file)
  }
  add('namespace.yaml', namespace(env))
  add('network-policies.yaml', networkPolicies(env))
  add('ingress.yaml', ingress(env))
  add('ollama.yaml', ollamaObjects(env))
  add('autoscaling.yaml', autoscaling(env))
  add('monitoring.yaml', monitoringManifests(env))
  add('storage.yaml', env.storage.backend === 'sqlite' ? sqliteClaim(env) : postgresObjects(postgresProps(env, clusters[env.cluster])))
  if (env.secret === 'external') add('external-secret.yaml', externalSecretObjects(externalSecretProps(env)))
  const sealed = env.secret === 'sealed' && sealedSecretsPresent(root, env)
  if (sealed) resources.push(`../../${sealedSecretDir(env)}`)
  if (env.secret !== 'sealed') sealedSecretsPresent(root, env)

  files[`${dir}/deployment-patch.yaml`] = yamlFile([deploymentPatch(env)])
  files[`${dir}/service-patch.yaml`] = yamlFile([servicePatch(env)])
  const patches: unknown[] = [{ path: 'deployment-patch.yaml' }, { path: 'service-patch.yaml' }]
  if (sealed) patches.push(sealedSecretWave)

  files[`${dir}/kustomization.yaml`] = yamlFile([{
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    namespace: env.namespace,
    resources,
    labels: [{ pairs: { environment: env.name }, includeSelectors: false }],
    images: [kustomizeImage(names.image, env.image)],
    replicas: [{ name: names.deployment, count: env.replicas }],
    configMapGenerator: [{ name: names.config, behavior: 'merge', literals: configDelta(env) }],
    patches,
  }])
  return { files, objects }
}
